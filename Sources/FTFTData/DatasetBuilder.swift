/// Collects a reader's examples, enforcing unique ids, and hands out the data set only when the whole file
/// has been read: a reader either returns a complete `LabeledDataset` or throws.
struct DatasetBuilder {
    let path: String
    /// The field the ids come from, for error messages.
    let idField: String
    private(set) var examples: [TextExample] = []
    private var lineOfID: [String: Int] = [:]

    init(path: String, idField: String) {
        self.path = path
        self.idField = idField
    }

    mutating func append(_ example: TextExample) throws {
        if let first = lineOfID.updateValue(example.line, forKey: example.id) {
            throw DatasetError.duplicateID(path: path, line: example.line, field: idField, id: example.id, firstLine: first)
        }
        examples.append(example)
    }

    /// The finished set; a file without a single example is `emptyFile`.
    func finish(name: String, labelNames: [String], emptyReason: String = "a header but no examples") throws -> LabeledDataset {
        guard !examples.isEmpty else { throw DatasetError.emptyFile(path: path, reason: emptyReason) }
        return LabeledDataset(name: name, labelNames: labelNames, examples: examples, sourcePath: path)
    }
}

/// The class index of `value` in `names`, or `unknownLabel` naming file, line and field.
func labelIndex(_ value: String, in names: [String], path: String, line: Int, field: String) throws -> Int {
    guard let index = names.firstIndex(of: value) else {
        throw DatasetError.unknownLabel(path: path, line: line, field: field, value: value, known: names)
    }
    return index
}
