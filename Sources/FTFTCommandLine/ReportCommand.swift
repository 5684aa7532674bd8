import ArgumentParser
import Foundation
import FTFTExperiments
import FTFTIO
import FTFTStore

/// `ftft report`: an experiment's results, from its folder.
public struct ReportCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print or write an experiment's report (results, early stopping, compute ledger, data maps).",
        discussion: "Reads <experiment folder>/manifest.json and the run store, read-only: it may run while the experiment trains.")

    @Argument(help: "The experiment's folder (<output>/<experiment>).")
    var directory: String

    @Option(name: .long, help: "text, markdown or html.")
    var format: String = "text"

    @Option(name: .long, help: "Write here (atomically) instead of standard output.")
    var output: String?

    public init() {}

    public func validate() throws {
        guard ["text", "markdown", "html"].contains(format) else { throw ValidationError("--format must be text, markdown or html") }
    }

    public func run() throws {
        try reportingErrors {
            let store = try RunStore.open(directory: directory, access: .readOnly)
            let results = try ExperimentResults.load(manifest: try ExperimentManifest.read(directory: directory), store: store,
                                                     directory: directory)
            let report = ExperimentReport(results: results)
            let text: String
            switch format {
            case "markdown": text = report.markdown()
            case "html": text = try report.html(store: store)
            default: text = report.plain()
            }
            if let output { try AtomicFile.write(text, to: output) } else { Standard.output(text) }
        }
    }
}
