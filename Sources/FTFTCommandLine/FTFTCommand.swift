import ArgumentParser
import Foundation
import FTFTExperiments
import FTFTIO

/// The version `ftft --version` prints.
public enum FTFTVersion {
    public static let number = "0.1.0"
}

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
        version: "ftft \(FTFTVersion.number)",
        subcommands: [
            DemoCommand.self,
            RunCommand.self,
            PlanCommand.self,
            MergeCommand.self,
            SubmitCommand.self,
            TrainCommand.self,
            ReportCommand.self,
            RunsCommand.self,
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
            if let (command, message) = misspeltOption(Array(CommandLine.arguments.dropFirst())) {
                Standard.error("Error: \(message)\n  See 'ftft \(command.configuration.commandName ?? "") --help' for more information.")
                Foundation.exit(ExitStatus.usage.rawValue)
            }
            var command = try parseAsRoot()
            try command.run()
        } catch let error as UserFacingError {
            Standard.error("ftft: error: \(error)")
            Foundation.exit(error.exitStatus.rawValue)
        } catch {
            exit(withError: error)
        }
    }

    /// ArgumentParser names an unknown option (with a suggestion) only once every required option is given; a
    /// misspelt required option (`--learnig-rate`) was reported as the correct one missing. This looks first: an
    /// option the subcommand does not know but spells almost like one it does is a usage error that says which.
    static func misspeltOption(_ arguments: [String]) -> (ParsableCommand.Type, String)? {
        guard let name = arguments.first,
              let command = configuration.subcommands.first(where: { $0.configuration.commandName == name }) else { return nil }
        let help = command.helpMessage(includeHidden: true, columns: 1000)
        let known = Set(help.matches(of: #/--[a-z][a-z0-9-]*/#).map { String($0.output) })
        for argument in arguments.dropFirst() {
            if argument == "--" { break }
            guard argument.hasPrefix("--") else { continue }
            let option = String(argument.prefix { $0 != "=" })
            guard !known.contains(option), option != "--help", option != "--version" else { continue }
            let close = known.filter { KeySuggestion.isLikelyTypo(option, of: $0) }
                .min { (KeySuggestion.distance(option, $0), $0) < (KeySuggestion.distance(option, $1), $1) }
            if let close { return (command, "Unknown option '\(option)'. Did you mean '\(close)'?") }
        }
        return nil
    }
}
