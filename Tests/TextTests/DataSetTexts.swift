import Foundation
import FTFTIO

/// Finds the texts a parity case points at in ../shared/datasets (they are never committed): the file, its
/// 1-based physical line, the format and the field names, exactly as golden/generate_tokenizer.py read them
/// (lines split on "\n"; TSV split on tabs; CSV with Python's `csv` quoting; JSONL parsed).
struct DataSetTexts {
    struct Location: Hashable {
        let file: String
        let line: Int
        let format: String
        let fields: [String]
    }

    struct ExtractionError: Error, CustomStringConvertible {
        let description: String
    }

    private var lines: [String: [Int: String]] = [:]
    private var headers: [String: [String]] = [:]

    /// Reads every needed line of every needed file in one pass per file.
    init(root: URL, locations: [Location]) throws {
        let wanted = Dictionary(grouping: locations, by: \.file).mapValues { Set($0.map(\.line)) }
        for (file, numbers) in wanted {
            let reader = try LineReader(path: root.appendingPathComponent(file).path)
            var found: [Int: String] = [:]
            let last = numbers.max() ?? 0
            while reader.lineNumber < last, let line = try reader.nextLine() {
                if reader.lineNumber == 1 { headers[file] = Self.cells(line, format: Self.format(of: file)) }
                if numbers.contains(reader.lineNumber) { found[reader.lineNumber] = line }
            }
            lines[file] = found
        }
    }

    static func format(of file: String) -> String {
        file.contains(".jsonl") ? "jsonl" : (file.contains(".csv") ? "csv" : "tsv")
    }

    func texts(at location: Location) throws -> [String] {
        guard let line = lines[location.file]?[location.line] else {
            throw ExtractionError(description: "\(location.file):\(location.line): no such line")
        }
        if location.format == "jsonl" {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw ExtractionError(description: "\(location.file):\(location.line): not a JSON object")
            }
            return try location.fields.map { field in
                guard let text = object[field] as? String else {
                    throw ExtractionError(description: "\(location.file):\(location.line): no string field \(field)")
                }
                return text
            }
        }
        let header = headers[location.file] ?? []
        let cells = Self.cells(line, format: location.format)
        return try location.fields.map { field in
            guard let column = header.firstIndex(of: field), column < cells.count else {
                throw ExtractionError(description: "\(location.file):\(location.line): no column \(field)")
            }
            return cells[column]
        }
    }

    static func cells(_ line: String, format: String) -> [String] {
        format == "csv" ? csvCells(line) : line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    }

    /// One CSV record on one line, as Python's `csv.reader` (excel dialect) reads it: a field that starts with a
    /// quote runs to the next lone quote ("" is a literal quote); characters after the closing quote up to the
    /// comma are kept; an unquoted field is literal up to the comma.
    static func csvCells(_ line: String) -> [String] {
        var cells: [String] = []
        var cell = ""
        var quoted = false
        var atFieldStart = true
        var scalars = line.unicodeScalars.makeIterator()
        var pending = scalars.next()
        while let c = pending {
            pending = scalars.next()
            if quoted {
                if c == "\"" {
                    if pending == "\"" {
                        cell.unicodeScalars.append("\"")
                        pending = scalars.next()
                    } else {
                        quoted = false
                    }
                } else {
                    cell.unicodeScalars.append(c)
                }
            } else if c == "," {
                cells.append(cell)
                cell = ""
                atFieldStart = true
                continue
            } else if c == "\"" && atFieldStart {
                quoted = true
            } else {
                cell.unicodeScalars.append(c)
            }
            atFieldStart = false
        }
        cells.append(cell)
        return cells
    }
}
