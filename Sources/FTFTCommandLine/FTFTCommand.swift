import ArgumentParser

/// The `ftft` command: FTFT and dataset cartography from the command line.
public struct FTFTCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ftft",
        abstract: "Fine-Tuning by transFerring Training dynamics: train, map, select, retrain, account.",
        discussion: """
            Exit codes: 0 success; 1 the work failed at run time (I/O, the run store, a non-finite loss); 64 usage \
            error (unknown option, missing argument, invalid option value); 65 bad input (an experiment file, data \
            file, model, tokenizer or checkpoint that cannot be used; the message names the file and the place).
            """,
        subcommands: [
            DemoCommand.self,
            RunCommand.self,
            PlanCommand.self,
            MergeCommand.self,
            SubmitCommand.self,
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
