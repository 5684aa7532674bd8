// A reader for any classification data set in JSON lines, CSV or TSV, described by a column mapping.

/// The container format of a generic data file.
public enum DataFileFormat: String, Sendable, Hashable, CaseIterable {
    case jsonl, csv, tsv

    /// The format named by a path's extension, ignoring a final `.gz` (`x.jsonl.gz` → jsonl); nil if unknown.
    public init?(path: String) {
        var name = path.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        guard let dot = name.lastIndex(of: ".") else { return nil }
        switch name[name.index(after: dot)...] {
        case "jsonl", "json", "ndjson": self = .jsonl
        case "csv": self = .csv
        case "tsv", "tab": self = .tsv
        default: return nil
        }
    }
}

/// How a label field maps to class indices.
public enum LabelEncoding: Sendable, Hashable {
    /// The field holds one of these names; a name's position is its class index.
    case names([String])
    /// The field holds a class index 0..<count, as a JSON integer or as decimal text; classes are named "0"….
    case indices(count: Int)
    /// The file has no labels (data to predict on): the label field is not read and every example's label is
    /// −1; `names` are the model's classes.
    case unlabelled(names: [String])

    public var labelNames: [String] {
        switch self {
        case .names(let names), .unlabelled(let names): return names
        case .indices(let count): return (0..<max(count, 0)).map(String.init)
        }
    }

    var isUnlabelled: Bool {
        if case .unlabelled = self { return true }
        return false
    }
}

/// Which fields of a generic file hold the text, the optional second text, the label and the optional id.
/// Field names are JSON keys or header columns. Without `idField`, an example's id is its 0-based position
/// among the file's examples; with it, ids must be unique.
public struct ColumnMapping: Sendable, Hashable {
    public var textField: String
    public var pairField: String?
    public var labelField: String
    public var idField: String?
    public var labels: LabelEncoding

    public init(textField: String, pairField: String? = nil, labelField: String, idField: String? = nil,
                labels: LabelEncoding) {
        self.textField = textField
        self.pairField = pairField
        self.labelField = labelField
        self.idField = idField
        self.labels = labels
    }

    func validate() throws {
        let names = labels.labelNames
        guard names.count >= 2 else { throw DatasetError.invalidMapping(reason: "at least two classes are needed, got \(names.count)") }
        guard Set(names).count == names.count else { throw DatasetError.invalidMapping(reason: "label names repeat: \(names)") }
    }

    /// The class index of a label value as text.
    func label(_ value: String, path: String, line: Int) throws -> Int {
        switch labels {
        case .unlabelled:
            return -1
        case .names(let names):
            return try labelIndex(value, in: names, path: path, line: line, field: labelField)
        case .indices(let count):
            guard let index = Int(value), (0..<count).contains(index) else {
                throw DatasetError.unknownLabel(path: path, line: line, field: labelField, value: value,
                                                known: ["integers 0…\(count - 1)"])
            }
            return index
        }
    }
}

extension LabeledDataset {
    /// Reads any classification file: JSON lines (one object per line), CSV (RFC 4180, header row) or TSV
    /// (header row, no quoting), mapped by `mapping`. Columns not named in the mapping are ignored.
    /// JSON text fields must be strings; ids and labels may also be JSON integers (read as decimal text).
    public static func readGeneric(path: String, format: DataFileFormat, mapping: ColumnMapping,
                                   name: String) throws -> LabeledDataset {
        try mapping.validate()
        var builder = DatasetBuilder(path: path, idField: mapping.idField ?? "(position)")
        switch format {
        case .jsonl:
            let reader = try JSONLinesReader(path: path)
            while let record = try reader.next() {
                try builder.append(TextExample(
                    id: try mapping.idField.map { try record.string($0, allowInteger: true) } ?? String(builder.examples.count),
                    text: try record.string(mapping.textField),
                    textPair: try mapping.pairField.map { try record.string($0) },
                    label: mapping.labels.isUnlabelled ? -1
                        : try mapping.label(try record.string(mapping.labelField, allowInteger: true), path: path, line: record.line),
                    line: record.line))
            }
        case .csv, .tsv:
            let table = try DelimitedReader(path: path, dialect: format == .csv ? .csv : .tsv)
            let text = try table.column(mapping.textField)
            let label = mapping.labels.isUnlabelled ? nil : try table.column(mapping.labelField)
            let pair = try mapping.pairField.map { try table.column($0) }
            let id = try mapping.idField.map { try table.column($0) }
            while let (line, fields) = try table.next() {
                try builder.append(TextExample(
                    id: id.map { fields[$0] } ?? String(builder.examples.count), text: fields[text],
                    textPair: pair.map { fields[$0] },
                    label: try label.map { try mapping.label(fields[$0], path: path, line: line) } ?? -1,
                    line: line))
            }
        }
        return try builder.finish(name: name, labelNames: mapping.labels.labelNames,
                                  emptyReason: format == .jsonl ? "no JSON objects" : "a header but no examples")
    }
}

extension LabeledDataset {
    /// The distinct values of the label field of a generic file, as class names in class order: ascending by
    /// integer value when every value is a decimal integer (0, 1, 2, … — as Hugging Face `datasets` numbers
    /// `ClassLabel`s of integer columns), else in ascending Unicode order (Python's `sorted(set(values))`).
    /// Errors name the file and the line (a record without the field) or say why the values cannot be classes.
    public static func labelValues(path: String, format: DataFileFormat, labelField: String) throws -> [String] {
        var values = Set<String>()
        switch format {
        case .jsonl:
            let reader = try JSONLinesReader(path: path)
            while let record = try reader.next() { values.insert(try record.string(labelField, allowInteger: true)) }
        case .csv, .tsv:
            let table = try DelimitedReader(path: path, dialect: format == .csv ? .csv : .tsv)
            let column = try table.column(labelField)
            while let (_, fields) = try table.next() { values.insert(fields[column]) }
        }
        let integers = values.compactMap { Int($0) }
        let names = integers.count == values.count && values.allSatisfy({ String(Int($0) ?? 0) == $0 })
            ? integers.sorted().map(String.init) : values.sorted()
        guard names.count >= 2 else {
            throw DatasetError.invalidMapping(reason: "\(path): the label field '\(labelField)' holds \(names.count) distinct value(s) \(names); at least two classes are needed")
        }
        return names
    }
}
