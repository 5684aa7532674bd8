import ArgumentParser
import Foundation
import FTFTExperiments
import FTFTIO
import FTFTStore

/// `ftft tables`: experiments → the paper's tables, side by side with the published numbers.
public struct TablesCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tables",
        abstract: "Write this project's results in the layout of the paper's tables (CSV + Markdown), beside the published ones.",
        discussion: """
            For each experiment folder: an NLI experiment fills table1_nli, an HSD experiment table5_hsd, any other \
            table_<experiment>. Columns follow paper-tables/published/<table>.csv (metrics in percent, mean and \
            sample standard deviation over seeds, compute relative to ERM of the compute-unit model = 100 from \
            counted FLOPs), then ftft's extra columns. The Markdown file shows the published rows under ours.
            """)

    @Argument(help: "Experiment folders (<output>/<experiment>).")
    var experiments: [String]

    @Option(name: .long, help: "Folder of the published CSVs.")
    var published: String = "paper-tables/published"

    @Option(name: .long, help: "Output folder.")
    var output: String = "paper-tables/ftft"

    public init() {}

    public func validate() throws {
        if experiments.isEmpty { throw ValidationError("give at least one experiment folder") }
    }

    public func run() throws {
        try reportingErrors {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            for directory in experiments {
                let store = try RunStore.open(directory: directory, access: .readOnly)
                let results = try ExperimentResults.load(manifest: try ExperimentManifest.read(directory: directory),
                                                         store: store, directory: directory)
                let table = results.paperTable()
                let publishedPath = URL(fileURLWithPath: published).appendingPathComponent(table.name + ".csv").path
                let publishedText = try? String(contentsOfFile: publishedPath, encoding: .utf8)
                let base = URL(fileURLWithPath: output).appendingPathComponent(table.name)
                try AtomicFile.write(table.csv, to: base.appendingPathExtension("csv").path)
                try AtomicFile.write(table.markdown(published: publishedText, title: "\(table.name): experiment \(results.spec.name)",
                                                    blasLine: results.blasLine),
                                     to: base.appendingPathExtension("md").path)
                let perSeed = results.perSeedTable()
                try AtomicFile.write(perSeed.csv, to: URL(fileURLWithPath: output).appendingPathComponent(perSeed.name + ".csv").path)
                Standard.output("\(table.name): \(table.rows.count) rows from \(directory) → \(base.path).csv, .md, _per_seed.csv\n")
            }
        }
    }
}
