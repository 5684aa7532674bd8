import ArgumentParser
import Foundation
import FTFTIO

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
            TrainCommand.self,
            ReportCommand.self,
            TablesCommand.self,
            DatamapCommand.self,
            SelectCommand.self,
            PredictCommand.self,
            TokenizeCommand.self,
            SchemaCommand.self,
        ]
    )

    public init() {}

    /// Parses and runs a command. A `UserFacingError` that a command did not render itself (see
    /// `reportingErrors`) is printed as `ftft: error: …` and exits with its own status; anything else is
    /// ArgumentParser's to report (usage errors: 64).
    public static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as UserFacingError {
            Standard.error("ftft: error: \(error)")
            Foundation.exit(error.exitStatus.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}
