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
            For each experiment folder: the experiment named nli fills table1_nli, the one named hsd table5_hsd, any \
            other table_<experiment> (a pilot of a paper's task keeps the task's columns and published rows). Columns follow paper-tables/published/<table>.csv (metrics in percent, mean and \
            sample standard deviation over seeds, compute relative to ERM of the compute-unit model = 100 from \
            counted FLOPs), then ftft's extra columns, last the same figures over the seeds whose validation metric is \
            above the majority baseline (*_excluding_majority; the per-seed CSV flags each seed in at_or_below_majority). \
            The Markdown file shows the published rows under ours.
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

    /// Table 4, Figure 1a and Figure 2 of the paper's §4 for the experiment's reference runs (CSV + SVG), and Figure 1
    /// when rows differ only in their step budget; the file names written (none when there is nothing to show).
    static func writeDiagnostics(results: ExperimentResults, store: RunStore, output: String) throws -> [String] {
        let folder = URL(fileURLWithPath: output)
        var names: [String] = []
        func write(_ text: String, _ name: String) throws {
            try AtomicFile.write(text, to: folder.appendingPathComponent(name).path)
            names.append(name)
        }
        // Figure 1 (learning at a fraction of the budget), when rows differ only in their main model's max_steps.
        let budgets = BudgetCurves(results: results)
        if !budgets.isEmpty {
            let table = budgets.table()
            try write(table.csv, table.name + ".csv")
            try write(budgets.svg(title: "Metrics against the step budget (\(results.spec.name))"), table.name + ".svg")
        }
        // Every row against ERM of the compute unit at its budget, paired by seed (the README's verdicts quote it).
        let paired = PairedComparisons(results: results)
        if !paired.rows.isEmpty {
            let table = paired.table()
            try write(table.csv, table.name + ".csv")
        }
        let report = try TransferDiagnosticsReport.load(results: results, store: store)
        // The three claims with their verdicts (the README's verdict section quotes this file).
        if ClaimsReport.applies(to: results) {
            let claims = ClaimsReport(results: results, transfer: report.maps.isEmpty ? nil : report)
            try write(claims.markdown, "claims_\(results.spec.name).md")
        }
        guard !report.maps.isEmpty else { return names }
        let easy = try report.easyShareTable()
        try write(easy.csv, easy.name + ".csv")
        let overlap = report.overlap()
        try write(overlap.table.csv, overlap.table.name + ".csv")
        try write(overlap.svg, overlap.table.name + ".svg")
        let summary = report.overlapSummary(mainModel: results.spec.computeUnit)
        try write(summary.csv, summary.name + ".csv")
        let curves = try report.medianCurves()
        try write(curves.table.csv, curves.table.name + ".csv")
        try write(curves.svg, curves.table.name + ".svg")
        return names
    }

    public func run() throws {
        try reportingErrors {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            for directory in experiments {
                let store = try RunStore.open(directory: directory, access: .readOnly)
                let results = try ExperimentResults.load(manifest: try ExperimentManifest.read(directory: directory),
                                                         store: store, directory: directory)
                let table = results.paperTable()
                let publishedPath = URL(fileURLWithPath: published).appendingPathComponent(results.publishedTableName + ".csv").path
                let publishedText = try? String(contentsOfFile: publishedPath, encoding: .utf8)
                let base = URL(fileURLWithPath: output).appendingPathComponent(table.name)
                try AtomicFile.write(table.csv, to: base.appendingPathExtension("csv").path)
                try AtomicFile.write(table.markdown(published: publishedText, publishedName: results.publishedTableName, title: "\(table.name): experiment \(results.spec.name)",
                                                    blasLine: results.blasLine + " " + results.machineTimeLine, majorityNote: results.majorityBaselineNote),
                                     to: base.appendingPathExtension("md").path)
                let perSeed = results.perSeedTable()
                try AtomicFile.write(perSeed.csv, to: URL(fileURLWithPath: output).appendingPathComponent(perSeed.name + ".csv").path)
                let written = try Self.writeDiagnostics(results: results, store: store, output: output)
                if !written.isEmpty { Standard.output("  transfer diagnostics → \(written.joined(separator: ", "))\n") }
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
