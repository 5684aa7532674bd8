import FTFTData
import Foundation

/// What every data-file reader must do with any input, and a differential check for the generic readers.
public enum DatasetChecks {
    /// Runs `read` on `path`: a returned set must be valid (`validate`), a rejection a `DatasetError` naming the file.
    @discardableResult
    public static func read(_ path: String, _ read: () throws -> LabeledDataset) -> LabeledDataset? {
        do {
            let set = try read()
            validate(set, path: path)
            return set
        } catch {
            Fuzzer.expectRejection(error, DatasetError.self, naming: path)
            return nil
        }
    }

    /// A reader returns the whole file or throws: at least one example, every label a class index, ids unique,
    /// source lines positive and increasing (each record starts after the previous one).
    public static func validate(_ set: LabeledDataset, path: String) {
        Fuzzer.check(!set.examples.isEmpty, "\(path): an empty set was returned instead of emptyFile")
        Fuzzer.check(set.sourcePath == path, "\(path): sourcePath is \(set.sourcePath ?? "nil")")
        var ids = Set<String>()
        var previousLine = 0
        for example in set.examples {
            Fuzzer.check(set.labelNames.indices.contains(example.label), "\(path): label \(example.label) out of range")
            Fuzzer.check(ids.insert(example.id).inserted, "\(path): id '\(example.id)' returned twice")
            Fuzzer.check(example.line > previousLine, "\(path): line \(example.line) after \(previousLine)")
            previousLine = example.line
        }
    }

    /// Writes `set` back as a `format` file with the mapping's column names (every CSV field quoted), reads it
    /// again with the same mapping and requires the same ids, texts, pairs and labels: a reader that loses or
    /// changes characters (a byte-order mark, a quote, a line break inside a field) is caught here.
    public static func roundTrip(_ set: LabeledDataset, format: DataFileFormat, mapping: ColumnMapping, scratch: Scratch) {
        let name = "roundtrip." + format.rawValue
        let text = serialize(set, format: format, mapping: mapping)
        let path = scratch.write(name, text)
        let again: LabeledDataset
        do {
            again = try LabeledDataset.readGeneric(path: path, format: format, mapping: mapping, name: set.name)
        } catch {
            Fuzzer.fail("the written-back \(format.rawValue) does not read: \(error)\n--- written:\n\(text)")
        }
        Fuzzer.check(again.examples.count == set.examples.count, "round trip: \(again.examples.count) of \(set.examples.count) examples")
        for (a, b) in zip(set.examples, again.examples) {
            Fuzzer.check(a.id == b.id && a.text == b.text && a.textPair == b.textPair && a.label == b.label,
                         "round trip changed an example: \(a) → \(b)")
        }
    }

    /// Columns: text, pair, id (where mapped), label last — a TSV field that ends in "\r" can only be a text,
    /// and it must not end the line, where the line reader would strip the "\r".
    static func serialize(_ set: LabeledDataset, format: DataFileFormat, mapping: ColumnMapping) -> String {
        var columns = [mapping.textField]
        if let pair = mapping.pairField { columns.append(pair) }
        if let id = mapping.idField { columns.append(id) }
        columns.append(mapping.labelField)
        func fields(_ e: TextExample) -> [String] {
            var out = [e.text]
            if mapping.pairField != nil { out.append(e.textPair ?? "") }
            if mapping.idField != nil { out.append(e.id) }
            out.append(set.labelNames[e.label])
            return out
        }
        switch format {
        case .jsonl:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return set.examples.map { e in
                let object = Dictionary(uniqueKeysWithValues: zip(columns, fields(e)))
                guard let data = try? encoder.encode(object) else { Fuzzer.fail("JSONEncoder failed on \(object)") }
                return String(decoding: data, as: UTF8.self)
            }.joined(separator: "\n") + "\n"
        case .csv:
            func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            return ([columns] + set.examples.map(fields)).map { $0.map(quoted).joined(separator: ",") }
                .joined(separator: "\n") + "\n"
        case .tsv:
            return ([columns] + set.examples.map(fields)).map { $0.joined(separator: "\t") }.joined(separator: "\n") + "\n"
        }
    }
}
