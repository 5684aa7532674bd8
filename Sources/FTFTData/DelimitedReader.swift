import FTFTIO

/// How fields are separated and quoted in a delimited text file.
public enum Dialect: Sendable, Hashable {
    /// Tab-separated, no quoting: a line is split on every tab, quote characters are ordinary text. This is
    /// how FTFT's MultiNLI loader and the GLUE files work, and how the CAD/HANS/MNLI files here are written.
    case tsv
    /// RFC 4180 comma-separated values: a field may be enclosed in double quotes, and then holds commas,
    /// doubled quotes (`""` → `"`) and line breaks, so one record may span several lines. A quote inside an
    /// unquoted field is kept as text (as Python's csv module does); text after a closing quote other than a
    /// comma or the end of the record is an error. A line break inside a quoted field is kept as written,
    /// "\n" or "\r\n" (as Python's csv module with `newline=""` and pandas keep it), so a field read, written
    /// back and read again is unchanged.
    case csv

    var separator: UInt8 { self == .tsv ? 0x09 : 0x2C }
}

/// Streams the records of a headered delimited file (gzip or plain), each with the line it starts on.
/// Completely empty lines between records are skipped (pandas and Python's csv module skip them too), and
/// a UTF-8 byte-order mark at the start of the file is dropped.
/// Every record must have as many fields as the header.
final class DelimitedReader {
    let path: String
    let dialect: Dialect
    let header: [String]
    /// 1-based line of the header (the first non-empty line).
    let headerLine: Int
    private let lines: LineReader

    init(path: String, dialect: Dialect) throws {
        self.path = path
        self.dialect = dialect
        lines = try translatingIO { try LineReader(path: path) }
        var headerRecord: (line: Int, fields: [String])?
        headerRecord = try Self.readRecord(lines: lines, path: path, dialect: dialect)
        guard let headerRecord else { throw DatasetError.emptyFile(path: path, reason: "no header line") }
        header = headerRecord.fields
        headerLine = headerRecord.line
    }

    /// The index of the header column `name`, or `missingField` naming the header line.
    func column(_ name: String) throws -> Int {
        guard let index = header.firstIndex(of: name) else {
            throw DatasetError.missingField(path: path, line: headerLine, field: name)
        }
        return index
    }

    /// The next record, or nil at the end of the file.
    func next() throws -> (line: Int, fields: [String])? {
        guard let record = try Self.readRecord(lines: lines, path: path, dialect: dialect) else { return nil }
        guard record.fields.count == header.count else {
            throw DatasetError.wrongColumnCount(path: path, line: record.line, expected: header.count,
                                                found: record.fields.count)
        }
        return record
    }

    private static func readRecord(lines: LineReader, path: String, dialect: Dialect) throws -> (line: Int, fields: [String])? {
        var first: String?
        repeat {
            guard let line = try translatingIO({ try lines.nextLine() }) else { return nil }
            // A UTF-8 byte-order mark (as some spreadsheet exports write) is not part of the first field.
            let text = lines.lineNumber == 1 && line.hasPrefix("\u{FEFF}") ? String(line.dropFirst()) : line
            if !text.isEmpty { first = text }
        } while first == nil
        let start = lines.lineNumber
        guard let first else { return nil }
        switch dialect {
        case .tsv:
            return (start, first.utf8.split(separator: 0x09, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) })
        case .csv:
            return (start, try parseCSVRecord(first: first, start: start, lines: lines, path: path))
        }
    }

    private enum QuoteState { case fieldStart, unquoted, quoted, quoteInQuoted }

    /// RFC 4180 state machine over the record's UTF-8 bytes; pulls further lines while a quoted field is open.
    /// Splitting on ASCII bytes keeps every field valid UTF-8, since the lines were validated.
    private static func parseCSVRecord(first: String, start: Int, lines: LineReader, path: String) throws -> [String] {
        var fields: [String] = []
        var current: [UInt8] = []
        var state = QuoteState.fieldStart
        var line = Array(first.utf8)
        // Whether the physical line now in `line` ended in "\r\n" (`first` is the line the reader returned last).
        var lineEndedWithCarriageReturn = lines.lastLineEndedWithCarriageReturn
        let quote: UInt8 = 0x22, comma: UInt8 = 0x2C
        while true {
            for byte in line {
                switch state {
                case .fieldStart:
                    if byte == quote { state = .quoted }
                    else if byte == comma { fields.append("") }
                    else { current.append(byte); state = .unquoted }
                case .unquoted:
                    if byte == comma {
                        fields.append(String(decoding: current, as: UTF8.self)); current.removeAll(keepingCapacity: true)
                        state = .fieldStart
                    } else { current.append(byte) }
                case .quoted:
                    if byte == quote { state = .quoteInQuoted } else { current.append(byte) }
                case .quoteInQuoted:
                    if byte == quote { current.append(quote); state = .quoted }
                    else if byte == comma {
                        fields.append(String(decoding: current, as: UTF8.self)); current.removeAll(keepingCapacity: true)
                        state = .fieldStart
                    } else {
                        throw DatasetError.badQuoting(path: path, line: lines.lineNumber, field: fields.count + 1)
                    }
                }
            }
            if state == .quoted {
                // The line break belongs to the quoted field; the record continues on the next line.
                guard let next = try translatingIO({ try lines.nextLine() }) else {
                    throw DatasetError.unbalancedQuotes(path: path, line: start, field: fields.count + 1)
                }
                if lineEndedWithCarriageReturn { current.append(0x0D) }
                current.append(0x0A)
                lineEndedWithCarriageReturn = lines.lastLineEndedWithCarriageReturn
                line = Array(next.utf8)
                continue
            }
            fields.append(String(decoding: current, as: UTF8.self))
            return fields
        }
    }
}
