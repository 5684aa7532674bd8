import FTFTIO
import Foundation

/// Streams the objects of a JSON-lines file (gzip or plain), one JSON object per line, each with its line
/// number. Lines holding only whitespace are skipped; a UTF-8 byte-order mark at the start is dropped. Anything other than an object is `badJSON`.
final class JSONLinesReader {
    let path: String
    private let lines: LineReader

    init(path: String) throws {
        self.path = path
        lines = try translatingIO { try LineReader(path: path) }
    }

    func next() throws -> JSONRecord? {
        while var line = try translatingIO({ try lines.nextLine() }) {
            if lines.lineNumber == 1, line.hasPrefix("\u{FEFF}") { line.removeFirst() }
            if line.allSatisfy(\.isWhitespace) { continue }
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            } catch {
                throw DatasetError.badJSON(path: path, line: lines.lineNumber, reason: "invalid JSON")
            }
            guard let dictionary = object as? [String: Any] else {
                throw DatasetError.badJSON(path: path, line: lines.lineNumber, reason: "the line is a JSON value but not an object")
            }
            return JSONRecord(path: path, line: lines.lineNumber, object: dictionary)
        }
        return nil
    }
}

/// One JSON object with typed, error-naming field access.
struct JSONRecord {
    let path: String
    let line: Int
    let object: [String: Any]

    /// The field as text: a JSON string or, when `allowInteger` (ids and labels, which some files write as
    /// numbers), a JSON integer as its decimal text. Anything else is `invalidField`.
    func string(_ field: String, allowInteger: Bool = false) throws -> String {
        guard let value = object[field] else { throw DatasetError.missingField(path: path, line: line, field: field) }
        if let text = value as? String { return text }
        if allowInteger, let integer = Self.integer(value) { return String(integer) }
        throw DatasetError.invalidField(path: path, line: line, field: field,
                                        reason: value is NSNull ? "null where text is expected" : "not a string")
    }

    /// A JSON integer (not a boolean, not a fraction) as Int. Foundation hands booleans over as NSNumber
    /// too, and on Linux `is Bool` is true for every 0/1 number, so booleans are told apart by their
    /// Objective-C type code "c".
    static func integer(_ value: Any) -> Int? {
        guard let number = value as? NSNumber, !(value is String) else { return nil }
        switch String(cString: number.objCType) {
        case "c": return nil
        case "d", "f": return Int(exactly: number.doubleValue)
        default: return Int(exactly: number.int64Value)
        }
    }

    /// The field as text, or nil when it is absent or null.
    func optionalString(_ field: String, allowInteger: Bool = false) throws -> String? {
        guard let value = object[field], !(value is NSNull) else { return nil }
        return try string(field, allowInteger: allowInteger)
    }
}
