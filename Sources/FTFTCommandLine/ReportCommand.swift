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
        discussion: "Reads <experiment folder>/manifest.json and the run store, read-only: it may run while the experiment trains. `ftft runs <experiment folder>` lists every run of the store with its id.")

    @Argument(help: "The experiment's folder (<output>/<experiment>).")
    var directory: String

    @Option(name: .long, help: "text (tables that fit 120 columns), markdown, html (with data maps and learning curves), json (everything, per method, seed and checkpoint) or csv (one row per method and seed).")
    var format: ReportFormat = .text

    @Option(name: .long, help: "The file to write (atomically) instead of standard output.")
    var output: String?

    public init() {}

    public func run() throws {
        try reportingErrors {
            let store = try RunStore.open(directory: directory, access: .readOnly)
            let results = try ExperimentResults.load(manifest: try ExperimentManifest.read(directory: directory), store: store,
                                                     directory: directory)
            let report = ExperimentReport(results: results)
            let text: String
            switch format {
            case .text: text = report.plain()
            case .markdown: text = report.markdown()
            case .html: text = try report.html(store: store)
            case .json: text = try results.json()
            case .csv: text = results.csv()
            }
            if let output { try AtomicFile.write(text, to: output) } else { Standard.output(text) }
        }
    }
}
