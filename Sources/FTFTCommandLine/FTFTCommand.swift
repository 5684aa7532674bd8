import ArgumentParser

/// The `ftft` command: FTFT and dataset cartography from the command line.
public struct FTFTCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ftft",
        abstract: "Fine-Tuning by transFerring Training dynamics: train, map, select, retrain, account.",
        subcommands: [
            DemoCommand.self,
            RunCommand.self,
            TrainCommand.self,
            ReportCommand.self,
            TablesCommand.self,
            DatamapCommand.self,
            SelectCommand.self,
            PredictCommand.self,
            TokenizeCommand.self,
        ]
    )

    public init() {}
}
