// Readers for the natural-language-inference files: MultiNLI (three formats), ANLI and HANS.
// Every NLI set uses entailment 0, neutral 1, contradiction 2 (method.md §6.2); HANS has two classes.

extension LabeledDataset {
    /// Metadata key of MultiNLI-bert100's fifth column: how many of 100 BERT fine-tuning runs classified the
    /// pair correctly (McCoy et al., "BERTs of a feather"), kept as decimal text 0…100.
    public static let bertCorrectKey = "bert_correct_of_100"

    /// The official MultiNLI release, `multinli_1.0_{train,dev_matched,dev_mismatched}.jsonl`: fields
    /// `gold_label`, `sentence1` (premise), `sentence2` (hypothesis), `pairID` (the id).
    ///
    /// Records whose `gold_label` is "-" (no annotator majority) are skipped, as the official scripts and
    /// cartography's SNLI/MNLI readers do; GLUE removed the same pairs from its TSVs. Metadata: `genre`,
    /// `promptID` where present.
    public static func readMultiNLIJSONL(path: String, name: String = "mnli") throws -> LabeledDataset {
        let reader = try JSONLinesReader(path: path)
        var builder = DatasetBuilder(path: path, idField: "pairID")
        while let record = try reader.next() {
            let gold = try record.string("gold_label")
            if gold == "-" { continue }
            var metadata: [String: String] = [:]
            if let genre = try record.optionalString("genre") { metadata["genre"] = genre }
            if let prompt = try record.optionalString("promptID", allowInteger: true) { metadata["promptID"] = prompt }
            try builder.append(TextExample(
                id: try record.string("pairID", allowInteger: true), text: try record.string("sentence1"),
                textPair: try record.string("sentence2"),
                label: try labelIndex(gold, in: LabelNames.nli, path: path, line: record.line, field: "gold_label"),
                line: record.line, metadata: metadata))
        }
        return try builder.finish(name: name, labelNames: LabelNames.nli,
                                  emptyReason: "no JSON object with a gold_label other than \"-\"")
    }

    /// The GLUE MNLI TSV (`train.tsv`, `dev_matched.tsv`, …), read as FTFT does (`dataloader.py` L173-185):
    /// no quoting, id = column 0 (`index`), premise = column 8 (`sentence1`), hypothesis = column 9
    /// (`sentence2`), label = the last column (`gold_label`). The header must name those columns, and every
    /// row must have the header's column count (train has 12, dev 16). Metadata: `genre` (column 3).
    public static func readGLUEMultiNLI(path: String, name: String = "mnli") throws -> LabeledDataset {
        let table = try DelimitedReader(path: path, dialect: .tsv)
        let header = table.header
        for (index, expected) in [(0, "index"), (8, "sentence1"), (9, "sentence2"), (header.count - 1, "gold_label")] {
            guard header.indices.contains(index), header[index] == expected else {
                throw DatasetError.missingField(path: path, line: table.headerLine, field: "\(expected) (column \(index))")
            }
        }
        let genre = header.firstIndex(of: "genre")
        var builder = DatasetBuilder(path: path, idField: "index")
        while let (line, fields) = try table.next() {
            let label = try labelIndex(fields[header.count - 1], in: LabelNames.nli, path: path, line: line, field: "gold_label")
            try builder.append(TextExample(id: fields[0], text: fields[8], textPair: fields[9], label: label, line: line,
                                           metadata: genre.map { ["genre": fields[$0]] } ?? [:]))
        }
        return try builder.finish(name: name, labelNames: LabelNames.nli)
    }

    /// MultiNLI dev-matched with BERT-run counts (`mnli/dev_matched_bert100.tsv.gz`): a TSV with header
    /// `index`, `premise`, `hypothesis`, `gold_label`, and a fifth column with the number of 100 BERT runs that
    /// got the pair right (an integer 0…100, kept as metadata `bert_correct_of_100`). Id = `index`.
    public static func readMultiNLIBert100(path: String, name: String = "mnli") throws -> LabeledDataset {
        let table = try DelimitedReader(path: path, dialect: .tsv)
        let id = try table.column("index"), premise = try table.column("premise")
        let hypothesis = try table.column("hypothesis"), gold = try table.column("gold_label")
        guard table.header.count == 5 else {
            throw DatasetError.wrongColumnCount(path: path, line: table.headerLine, expected: 5, found: table.header.count)
        }
        let countField = table.header[4]
        var builder = DatasetBuilder(path: path, idField: "index")
        while let (line, fields) = try table.next() {
            guard let correct = Int(fields[4]), (0...100).contains(correct) else {
                throw DatasetError.invalidField(path: path, line: line, field: countField,
                                                reason: "'\(fields[4])' is not an integer 0…100")
            }
            try builder.append(TextExample(
                id: fields[id], text: fields[premise], textPair: fields[hypothesis],
                label: try labelIndex(fields[gold], in: LabelNames.nli, path: path, line: line, field: "gold_label"),
                line: line, metadata: [bertCorrectKey: String(correct)]))
        }
        return try builder.finish(name: name, labelNames: LabelNames.nli)
    }

    /// Adversarial NLI v1.0 (`R{1,2,3}/{train,dev,test}.jsonl`): `uid` (id), `context` (premise),
    /// `hypothesis`, `label` ∈ {e, n, c} → entailment 0, neutral 1, contradiction 2. Metadata: `genre`,
    /// `model_label`, `reason` where present (FTFT keeps the same three as information columns).
    public static func readANLI(path: String, name: String) throws -> LabeledDataset {
        let letters = ["e", "n", "c"]
        let reader = try JSONLinesReader(path: path)
        var builder = DatasetBuilder(path: path, idField: "uid")
        while let record = try reader.next() {
            var metadata: [String: String] = [:]
            for key in ["genre", "model_label", "reason"] {
                if let value = try record.optionalString(key) { metadata[key] = value }
            }
            try builder.append(TextExample(
                id: try record.string("uid", allowInteger: true), text: try record.string("context"),
                textPair: try record.string("hypothesis"),
                label: try labelIndex(try record.string("label"), in: letters, path: path, line: record.line, field: "label"),
                line: record.line, metadata: metadata))
        }
        return try builder.finish(name: name, labelNames: LabelNames.nli, emptyReason: "no JSON objects")
    }

    /// A HANS-style TSV (McCoy et al. 2019): header `gold_label` ∈ {entailment, non-entailment}, `sentence1`,
    /// `sentence2`, `pairID` (id), `heuristic`, `subcase`, `template` (kept as metadata). Two classes:
    /// entailment 0, non-entailment 1. Score 3-class NLI predictions with `Metrics.hansAccuracy`.
    public static func readHANS(path: String, name: String = "hans") throws -> LabeledDataset {
        let table = try DelimitedReader(path: path, dialect: .tsv)
        let gold = try table.column("gold_label"), premise = try table.column("sentence1")
        let hypothesis = try table.column("sentence2"), id = try table.column("pairID")
        let extras = try ["heuristic", "subcase", "template"].map { ($0, try table.column($0)) }
        var builder = DatasetBuilder(path: path, idField: "pairID")
        while let (line, fields) = try table.next() {
            var metadata: [String: String] = [:]
            for (key, column) in extras { metadata[key] = fields[column] }
            try builder.append(TextExample(
                id: fields[id], text: fields[premise], textPair: fields[hypothesis],
                label: try labelIndex(fields[gold], in: LabelNames.hans, path: path, line: line, field: "gold_label"),
                line: line, metadata: metadata))
        }
        return try builder.finish(name: name, labelNames: LabelNames.hans)
    }
}
