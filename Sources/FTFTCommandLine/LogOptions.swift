import ArgumentParser
import Foundation

/// How progress is written on stderr (`--log-format`).
enum LogFormat: String, CaseIterable, ExpressibleByArgument {
    /// On a terminal a live status line; elsewhere (nohup, `| tee`, a Slurm log) plain timestamped lines.
    case text
    /// One JSON object per line, terminal or not (see `LogRecord`).
    case json
}

/// The progress options of every command that trains (`run`, `train`, `demo`): `--quiet`, `--log-format`,
/// `--log-interval`.
struct LogOptions: ParsableArguments {
    @Flag(name: [.customShort("q"), .long], help: "No progress or phase lines on stderr; notes that need attention (a run resumed or retried), warnings and errors still appear.")
    var quiet = false

    @Option(name: .customLong("log-format"), help: ArgumentHelp(
        "text: a live line on a terminal, plain timestamped lines otherwise (one per --log-interval seconds while training, one per evaluation with each set's metric and the early-stopping state, one per phase); json: the same lines as JSON objects, one per line.",
        valueName: "format"))
    var logFormat: LogFormat = .text

    @Option(name: .customLong("log-interval"), help: ArgumentHelp(
        "Seconds between progress lines when stderr is not a terminal or with --log-format json (0: one line per optimizer step).",
        valueName: "seconds"))
    var logInterval: Double = 30

    func validate() throws {
        guard logInterval >= 0, logInterval.isFinite else { throw ValidationError("--log-interval must be 0 or more seconds") }
    }

    /// The printer these options ask for, writing to stderr.
    func printer() -> ProgressPrinter {
        ProgressPrinter(style: ProgressPrinter.Style(quiet: quiet, format: logFormat, terminal: Standard.errorIsTerminal),
                        interval: logInterval)
    }
}
