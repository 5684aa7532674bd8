import Foundation

extension PaperTable {
    /// RFC 4180 fields of CSV text without embedded newlines (the published tables): header + rows.
    public static func parseCSV(_ text: String) -> (header: [String], rows: [[String]]) {
        func fields(_ line: Substring) -> [String] {
            var out: [String] = [], field = "", quoted = false
            var iterator = Array(line).makeIterator()
            var pending: Character? = nil
            while let c = pending ?? iterator.next() {
                pending = nil
                if quoted {
                    if c == "\"" {
                        if let next = iterator.next() {
                            if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                        } else { quoted = false }
                    } else { field.append(c) }
                } else if c == "\"" { quoted = true }
                else if c == "," { out.append(field); field = "" }
                else { field.append(c) }
            }
            out.append(field)
            return out
        }
        var lines = text.split(whereSeparator: \.isNewline)
        guard !lines.isEmpty else { return ([], []) }
        let header = fields(lines.removeFirst())
        return (header, lines.map(fields))
    }

    /// The Markdown page for this table: this project's rows, then the paper's published rows of the same table
    /// (`published`: the CSV text of paper-tables/published/<publishedName>.csv, if there is one — the task's table,
    /// so a pilot's page shows table1_nli; `publishedName` defaults to this table's name), on the same columns.
    /// With `majorityNote` (`ExperimentResults.majorityBaselineNote`), a second block repeats this project's rows over
    /// the seeds not at or below the majority baseline (the `*_excluding_majority` columns), under that note.
    public func markdown(published: String?, publishedName: String? = nil, title: String, blasLine: String? = nil,
                         majorityNote: String? = nil) -> String {
        let metricColumns = header.filter { $0.hasSuffix("_acc") || $0.hasSuffix("_macro_f1") }
        let shown = ["method", "main_model", "ref_model", "compute"] + metricColumns + ["ood_avg", "seeds"]
        /// `columns` of the table, headed `titles` (default: the column names).
        func project(_ header: [String], _ rows: [[String]], columns: [String], titles: [String]? = nil) -> TextTable {
            let index = columns.map { header.firstIndex(of: $0) }
            let body = rows.map { row in index.map { i in i.flatMap { row.indices.contains($0) ? row[$0] : nil }.map { $0.isEmpty ? "–" : $0 } ?? "–" } }
            return TextTable(header: titles ?? columns, rows: body, firstNumericColumn: 3)
        }
        var text = "# \(title)\n\n"
        text += "## This project (`\(name).csv`)\n\nMetrics in percent, mean over seeds (standard deviations in the CSV); compute relative to ERM of the compute-unit model = 100, from counted FLOPs.\n\n"
        text += project(header, rows, columns: shown).markdown + "\n"
        if let blasLine { text += blasLine + " Per-seed values: `\(name)_per_seed.csv`.\n\n" }
        if let majorityNote {
            // The same columns, each taken from its `_excluding_majority` twin; headed by the original names.
            let repeated = ["compute"] + metricColumns + ["ood_avg"]
            let columns = ["method", "main_model", "ref_model"] + repeated.map { $0 + "_excluding_majority" }
                + ["seeds_excluding_majority", "seeds"]
            let titles = ["method", "main_model", "ref_model"] + repeated + ["seeds_excluding_majority", "seeds"]
            text += "## This project without runs at or below the majority baseline\n\n" + majorityNote
                + " Per seed: `at_or_below_majority` in `\(name)_per_seed.csv`.\n\n"
            text += project(header, rows, columns: columns, titles: titles).markdown + "\n"
        }
        if let published {
            let (pubHeader, pubRows) = Self.parseCSV(published)
            let columns = ["method", "main_model", "ref_model", "compute"] + metricColumns.filter { pubHeader.contains($0) }
            text += "## Published (the paper, `paper-tables/published/\(publishedName ?? name).csv`)\n\nEmpty cells (–) are numbers that could not be recovered from the paper's text (the CSV's source and notes columns say which).\n\n"
            text += project(pubHeader, pubRows, columns: columns).markdown
        }
        return text
    }
}
