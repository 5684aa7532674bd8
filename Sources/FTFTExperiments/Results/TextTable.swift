import Foundation

/// A table of strings rendered as aligned plain text (terminals) or Markdown.
public struct TextTable: Sendable, Equatable {
    public var header: [String]
    public var rows: [[String]]
    /// Columns from this index on are right-aligned (numbers).
    public var firstNumericColumn: Int

    public init(header: [String], rows: [[String]], firstNumericColumn: Int = 1) {
        self.header = header
        self.rows = rows
        self.firstNumericColumn = firstNumericColumn
    }

    private var widths: [Int] {
        header.indices.map { c in ([header] + rows).map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
    }

    private func pad(_ text: String, _ width: Int, right: Bool) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }

    /// Plain text at most `maxWidth` columns wide where it can be: columns that do not fit go to further blocks
    /// below, each repeating the first column (a block is never narrower than one column).
    public func plain(maxWidth: Int) -> String {
        let w = widths
        guard w.reduce(0, +) + 2 * max(0, w.count - 1) > maxWidth, w.count > 2 else { return plain }
        var blocks: [[Int]] = [], current: [Int] = [], used = w[0]
        for c in 1..<w.count {
            if !current.isEmpty, used + 2 + w[c] > maxWidth {
                blocks.append(current)
                (current, used) = ([], w[0])
            }
            current.append(c)
            used += 2 + w[c]
        }
        if !current.isEmpty { blocks.append(current) }
        return blocks.map { columns -> String in
            let keep = [0] + columns
            let numeric = keep.firstIndex { $0 >= firstNumericColumn } ?? keep.count
            return TextTable(header: keep.map { header[$0] }, rows: rows.map { row in keep.map { $0 < row.count ? row[$0] : "" } },
                             firstNumericColumn: numeric).plain
        }.joined(separator: "\n")
    }

    public var plain: String {
        let w = widths
        func line(_ cells: [String]) -> String {
            cells.indices.map { pad(cells[$0], w[$0], right: $0 >= firstNumericColumn) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        let rule = w.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    public var markdown: String {
        func line(_ cells: [String]) -> String { "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |" }
        let rule = "|" + header.indices.map { $0 >= firstNumericColumn ? " ---: |" : " --- |" }.joined()
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}

/// Number formats of the tables.
public enum TableFormat {
    /// A metric in [0, 1] as a percentage with 2 decimals; "–" if absent.
    public static func percent(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "–" }
        return String(format: "%.2f", 100 * x)
    }

    /// Prose broken at spaces into lines of at most `width` characters (a longer word stays whole).
    public static func wrapped(_ text: String, width: Int) -> String {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if !line.isEmpty, line.count + 1 + word.count > width {
                lines.append(line)
                line = String(word)
            } else {
                line += (line.isEmpty ? "" : " ") + word
            }
        }
        return (lines + [line]).joined(separator: "\n")
    }

    /// mean ± sd of a summary of values already on the printed scale.
    public static func meanSD(_ s: SeedSummary, decimals: Int = 2, scale: Double = 1) -> String {
        guard s.count > 0, s.mean.isFinite else { return "–" }
        let mean = String(format: "%.\(decimals)f", s.mean * scale)
        guard s.standardDeviation.isFinite else { return mean }
        return mean + " ± " + String(format: "%.\(decimals)f", s.standardDeviation * scale)
    }
}
