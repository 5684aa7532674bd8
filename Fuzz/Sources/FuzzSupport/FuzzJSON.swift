import Foundation

/// Any JSON value as Foundation decodes it, for differential checks of ftft's own JSON scanners. Decoded twice:
/// with `JSONDecoder` (a repeated key keeps its first value) and with `JSONSerialization` (the last), so a
/// check can tell a line with repeated keys — where readers may legitimately differ — from a real disagreement.
public enum FuzzJSON: Decodable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([FuzzJSON])
    case object([String: FuzzJSON])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .integer(i) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let o = try? c.decode([String: FuzzJSON].self) { self = .object(o) }
        else { self = .array(try c.decode([FuzzJSON].self)) }
    }

    /// The same value from JSONSerialization's tree.
    init?(foundation value: Any) {
        switch value {
        case is NSNull: self = .null
        case let s as String: self = .string(s)
        case let n as NSNumber:
            switch String(cString: n.objCType) {
            case "c", "B": self = .bool(n.boolValue)
            case "d", "f":
                if let i = Int64(exactly: n.doubleValue) { self = .integer(i) } else { self = .number(n.doubleValue) }
            default:
                if String(cString: n.objCType) == "Q", n.uint64Value > UInt64(Int64.max) { self = .number(n.doubleValue) }
                else { self = .integer(n.int64Value) }
            }
        case let a as [Any]:
            var items: [FuzzJSON] = []
            for v in a { guard let item = FuzzJSON(foundation: v) else { return nil }; items.append(item) }
            self = .array(items)
        case let o as [String: Any]:
            var fields: [String: FuzzJSON] = [:]
            for (k, v) in o { guard let item = FuzzJSON(foundation: v) else { return nil }; fields[k] = item }
            self = .object(fields)
        default: return nil
        }
    }

    /// Both decodings of one JSON text (nil where that decoder refuses it).
    public static func decodeBoth(_ bytes: [UInt8]) -> (first: FuzzJSON?, last: FuzzJSON?) {
        let data = Data(bytes)
        let first = try? JSONDecoder().decode(FuzzJSON.self, from: data)
        let last = (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])).flatMap(FuzzJSON.init(foundation:))
        return (first, last)
    }

    public subscript(key: String) -> FuzzJSON? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }
}
