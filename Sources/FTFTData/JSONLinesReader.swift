import FTFTIO
import Foundation

/// Streams the objects of a JSON-lines file (gzip or plain), one JSON object per line, each with its line
/// number. Lines holding only whitespace are skipped; a UTF-8 byte-order mark at the start of the file is
/// dropped. Anything other than an object is `badJSON`.
///
/// Lines are decoded with `JSONDecoder` into `JSONValue`, not with `JSONSerialization`: on Linux the latter drops
/// a raw U+FEFF at the start of a string value, which would silently change a user's text. (JSONDecoder is about
/// 1.5× slower on ANLI's lines, 0.43 s against 0.28 s for 19,200 lines; reading is not the bottleneck.)
/// A key that occurs twice in one object keeps its first value (Python's `json` keeps the last).
final class JSONLinesReader {
    let path: String
    private let lines: LineReader
    private let decoder = JSONDecoder()

    init(path: String) throws {
        self.path = path
        lines = try translatingIO { try LineReader(path: path) }
    }

    func next() throws -> JSONRecord? {
        while var line = try translatingIO({ try lines.nextLine() }) {
            if lines.lineNumber == 1, line.hasPrefix("\u{FEFF}") { line.removeFirst() }
            if line.allSatisfy(\.isWhitespace) { continue }
            let value: JSONValue
            do {
                value = try decoder.decode(JSONValue.self, from: Data(line.utf8))
            } catch {
                throw DatasetError.badJSON(path: path, line: lines.lineNumber, reason: "invalid JSON")
            }
            guard case .object(let object) = value else {
                throw DatasetError.badJSON(path: path, line: lines.lineNumber, reason: "the line is a JSON value but not an object")
            }
            return JSONRecord(path: path, line: lines.lineNumber, object: object)
        }
        return nil
    }
}

/// One decoded JSON value. Numbers that are integers in Int64's range (`3`, also `3.0` and `3e0`, as
/// JSONDecoder reads them) are `.integer`; every other number is `.number`.
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Strings first: they are most of every data file's values. A failed `decode` is a type mismatch.
        if container.decodeNil() { self = .null }
        else if let text = try? container.decode(String.self) { self = .string(text) }
        else if let flag = try? container.decode(Bool.self) { self = .bool(flag) }
        else if let integer = try? container.decode(Int64.self) { self = .integer(integer) }
        else if let number = try? container.decode(Double.self) { self = .number(number) }
        else if let object = try? container.decode([String: JSONValue].self) { self = .object(object) }
        else { self = .array(try container.decode([JSONValue].self)) }
    }
}

/// One JSON object with typed, error-naming field access.
struct JSONRecord {
    let path: String
    let line: Int
    let object: [String: JSONValue]

    /// The field as text: a JSON string or, when `allowInteger` (ids and labels, which some files write as
    /// numbers), a JSON integer as its decimal text. Anything else is `invalidField`.
    func string(_ field: String, allowInteger: Bool = false) throws -> String {
        guard let value = object[field] else { throw DatasetError.missingField(path: path, line: line, field: field) }
        switch value {
        case .string(let text): return text
        case .integer(let integer) where allowInteger: return String(integer)
        case .null:
            throw DatasetError.invalidField(path: path, line: line, field: field, reason: "null where text is expected")
        default:
            throw DatasetError.invalidField(path: path, line: line, field: field, reason: "not a string")
        }
    }

    /// The field as text, or nil when it is absent or null.
    func optionalString(_ field: String, allowInteger: Bool = false) throws -> String? {
        guard let value = object[field], value != .null else { return nil }
        return try string(field, allowInteger: allowInteger)
    }
}
