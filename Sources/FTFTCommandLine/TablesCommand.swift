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

    @Option(name: .long, help: ArgumentHelp("A committed per-seed table (<table>_per_seed.csv) to compare the written one with, cell by cell: prints \"seed s: identical\" or each differing cell, and exits 1 if any differs. Used by scripts/reproduce.sh.", valueName: "csv"))
    var verify: String?

    public init() {}

    public func validate() throws {
        if experiments.isEmpty { throw ValidationError("give at least one experiment folder") }
        if verify != nil, experiments.count != 1 { throw ValidationError("--verify compares one experiment's table: give one folder") }
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
                if let verify {
                    let committed: String
                    do { committed = try String(contentsOfFile: verify, encoding: .utf8) } catch {
                        throw ExperimentError.unreadableFile(file: verify, reason: "cannot read it (\(error.localizedDescription))")
                    }
                    let comparison = try PerSeedComparison(committed: committed, rerun: perSeed.csv)
                    Standard.output(comparison.report)
                    if !comparison.identical { throw ExitCode(FTFTExitCode.failure) }
                }
                Standard.output("\(table.name): \(table.rows.count) rows from \(directory) → \(base.path).csv, .md, _per_seed.csv\n")
            }
        }
    }
}
