import Foundation
import FTFTCartography
import FTFTStore

/// `s` with &, < and > as HTML entities (text inside elements).
func htmlEscaped(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
}

extension TextTable {
    /// The table as an HTML `<table>` (cells escaped).
    public var html: String {
        let escape = htmlEscaped
        var out = "<table>\n<tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
        for row in rows {
            out += "<tr>" + row.enumerated().map { i, cell in
                "<td\(i >= firstNumericColumn ? " class=\"n\"" : "")>\(escape(cell))</td>"
            }.joined() + "</tr>\n"
        }
        return out + "</table>\n"
    }
}

extension ExperimentReport {
    /// A self-contained HTML page (no scripts, no external resources): the tables of `markdown()` and, for the
    /// first seed, the data map of every reference run the experiment used (cartography's layout: variability
    /// on x, confidence on y, colour = correctness; `DataMapPlot`).
    public func html(store: RunStore) throws -> String {
        let spec = results.spec
        var page = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(spec.name) — ftft report</title>
        <style>
        body { font-family: Georgia, serif; margin: 24px; color: #222; max-width: 1300px; }
        table { border-collapse: collapse; margin: 8px 0 20px; }
        td, th { border: 1px solid #ccc; padding: 4px 10px; text-align: left; font-size: 14px; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; }
        th { background: #f2f2f2; }
        .maps { display: flex; flex-wrap: wrap; gap: 16px; }
        </style></head><body>
        <h1>\(spec.name)</h1>

        """
        if let summary = spec.summary { page += "<p>\(summary)</p>\n" }
        page += "<h2>Results</h2>\n" + results.comparisonTable().html
        page += "<ul>" + (conventions + externalNote).map { "<li>\($0)</li>" }.joined() + "</ul>\n"
        page += "<h2>Runs at or below the majority baseline</h2>\n<p>"
            + results.majorityBaselineNote.replacingOccurrences(of: "`", with: "").replacingOccurrences(of: "&", with: "&amp;")
                .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            + "</p>\n" + results.majorityTable().html
        let stopping = results.earlyStoppingTable()
        if !stopping.rows.isEmpty { page += "<h2>Early stopping: live stop vs. the paper's post-hoc rule</h2>\n" + stopping.html }
        if !results.otherRuns.isEmpty {
            page += "<h2>Other runs in this store</h2>\n<p>Finished runs the experiment file does not use (one row per configuration).</p>\n"
                + results.otherRunsTable().html
        }
        page += "<h2>Compute ledger (training GFLOP, main + reference)</h2>\n" + results.ledgerTable().html
        page += learningCurves()
        page += try diagnosticsSection(store: store)
        page += "<h2>Where the time goes (each run once)</h2>\n" + results.timeSplitTable().html
        page += try dataMapSection(store: store)
        return page + "</body></html>\n"
    }

    /// The data maps of the reference runs of the first seed, one SVG each.
    func dataMapSection(store: RunStore) throws -> String {
        guard let seed = results.spec.seeds.first else { return "" }
        var shown = Set<Int64>()
        var figures: [String] = []
        for method in results.methods where method.method.usesReference {
            guard let seedResult = method.seeds.first(where: { $0.seed == seed }), let reference = seedResult.reference?.run,
                  shown.insert(reference.rawValue).inserted else { continue }
            let maps = try store.dataMaps(run: reference)
            guard let stored = maps.first(where: { $0.map.options.variabilityDDOF == method.method.ddof }) ?? maps.first else {
                continue
            }
            let epochs = stored.map.epochCount.map { "\($0) epochs" } ?? "epochs unknown"
            let title = "\(method.method.reference ?? "reference") data map (\(reference), seed \(seed), \(epochs), ddof \(stored.map.options.variabilityDDOF))"
            figures.append("<figure>" + DataMapPlot.svg(stored.map, options: DataMapPlot.Options(title: title)) + "</figure>")
        }
        guard !figures.isEmpty else { return "" }
        return "<h2>Data maps of the reference runs</h2>\n<div class=\"maps\">\n" + figures.joined(separator: "\n") + "\n</div>\n"
    }
}
