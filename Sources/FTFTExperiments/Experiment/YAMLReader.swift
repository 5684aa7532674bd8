import Yams

/// A strict, schema-driven reader over a composed YAML tree (Yams `Node`s keep their line numbers).
///
/// Every key a schema reads is marked as used; `finish()` then reports the first key that was not, so an
/// unknown key (a typo, a key from another tool) is an error naming its full path and line instead of being
/// ignored. Numbers are parsed from the scalar text with Swift's `Double`/`Int` parsers, so `1e-5`, `2e-5`
/// and `0.1` are numbers (unlike PyYAML, which reads `1e-5` as a string, method.md §7.2).
final class YAMLMapping {
    let file: String
    /// The key path of this mapping, e.g. `task.embedded` or `methods[2]` ("" for the document).
    let path: String
    let line: Int?
    private let entries: [(key: String, value: Node, line: Int?)]
    private var used = Set<String>()
    /// Every key the schema asked for, present or not: the candidates of a "did you mean" for an unknown key.
    private var asked = Set<String>()

    init(_ node: Node, file: String, path: String) throws {
        self.file = file
        self.path = path
        line = node.mark?.line
        guard let mapping = node.mapping else {
            throw ExperimentError.invalidValue(file: file, path: path.isEmpty ? "(document)" : path, line: node.mark?.line,
                                               reason: "expected a mapping of keys to values")
        }
        var seen = Set<String>()
        var entries: [(String, Node, Int?)] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                throw ExperimentError.invalidValue(file: file, path: path.isEmpty ? "(document)" : path, line: keyNode.mark?.line,
                                                   reason: "keys must be plain strings")
            }
            let keyPath = Self.join(path, key)
            guard seen.insert(key).inserted else {
                throw ExperimentError.duplicateKey(file: file, path: keyPath, line: keyNode.mark?.line)
            }
            entries.append((key, value, keyNode.mark?.line))
        }
        self.entries = entries
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    var keys: [String] { entries.map(\.key) }

    func has(_ key: String) -> Bool {
        ask(key)
        return entries.contains { $0.key == key }
    }

    private func ask(_ key: String) {
        asked.insert(key)
        SchemaRecorder.current?.record(path: path, key: key)
    }

    /// The value of `key`, marked as used; nil if absent (or explicitly null).
    func optional(_ key: String) -> YAMLValue? {
        ask(key)
        guard let entry = entries.first(where: { $0.key == key }) else { return nil }
        used.insert(key)
        let value = YAMLValue(node: entry.value, file: file, path: Self.join(path, key), line: entry.value.mark?.line ?? entry.line)
        return value.isNull ? nil : value
    }

    func required(_ key: String) throws -> YAMLValue {
        guard let value = optional(key) else {
            // A present key that nothing asked for and that is spelled like this one: probably a typo of it.
            let typo = entries.first { !asked.contains($0.key) && KeySuggestion.isLikelyTypo($0.key, of: key) }
            throw ExperimentError.missingKey(file: file, path: Self.join(path, key), line: line,
                                             suggestion: typo.map { "\($0.key) (line \($0.line.map(String.init) ?? "?")) is not a key; did you mean \(key)?" })
        }
        return value
    }

    /// Throws for the first key (in file order) that the schema did not read.
    func finish() throws {
        if let unknown = entries.first(where: { !used.contains($0.key) }) {
            throw ExperimentError.unknownKey(file: file, path: Self.join(path, unknown.key), line: unknown.line,
                                             suggestion: KeySuggestion.suggestion(for: unknown.key, candidates: asked))
        }
    }
}

/// One value in the tree, with where it is, for messages.
struct YAMLValue {
    let node: Node
    let file: String
    let path: String
    let line: Int?

    var isNull: Bool {
        guard let scalar = node.scalar, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    func invalid(_ reason: String) -> ExperimentError {
        .invalidValue(file: file, path: path, line: line, reason: reason)
    }

    func outOfRange(_ reason: String) -> ExperimentError {
        .outOfRange(file: file, path: path, line: line, reason: reason)
    }

    private func scalarText(_ expected: String) throws -> String {
        guard let scalar = node.scalar else { throw invalid("expected \(expected), got a \(node.mapping != nil ? "mapping" : "list")") }
        return scalar.string
    }

    func string() throws -> String { try scalarText("a string") }

    func double() throws -> Double {
        let text = try scalarText("a number")
        guard let value = Double(text.replacingOccurrences(of: "_", with: "")), value.isFinite else {
            throw invalid("expected a number, got \"\(text)\"")
        }
        return value
    }

    /// An integer; `1e3` or `1000.0` are accepted when exactly integral.
    func int() throws -> Int {
        let text = try scalarText("an integer")
        let cleaned = text.replacingOccurrences(of: "_", with: "")
        if let value = Int(cleaned) { return value }
        if let value = Double(cleaned), value.isFinite, value.rounded() == value, abs(value) < 9e15 { return Int(value) }
        throw invalid("expected an integer, got \"\(text)\"")
    }

    func bool() throws -> Bool {
        switch try scalarText("true or false") {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        case let other: throw invalid("expected true or false, got \"\(other)\"")
        }
    }

    func mapping() throws -> YAMLMapping { try YAMLMapping(node, file: file, path: path) }

    func list() throws -> [YAMLValue] {
        guard let sequence = node.sequence else {
            throw invalid("expected a list")
        }
        return sequence.enumerated().map { i, element in
            YAMLValue(node: element, file: file, path: "\(path)[\(i)]", line: element.mark?.line ?? line)
        }
    }

    /// One of `choices` (the message lists them).
    func choice(_ choices: [String]) throws -> String {
        let text = try string()
        guard choices.contains(text) else { throw invalid("\"\(text)\" is not one of \(choices.joined(separator: ", "))") }
        return text
    }

    /// One of `choices`, by raw value (an enum of the vocabulary the value belongs to).
    func oneOf<Value: RawRepresentable>(_ choices: [Value]) throws -> Value where Value.RawValue == String {
        let text = try string()
        guard let value = choices.first(where: { $0.rawValue == text }) else {
            throw invalid("\"\(text)\" is not one of \(choices.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }
}
