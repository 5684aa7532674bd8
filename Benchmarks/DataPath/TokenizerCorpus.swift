import Foundation
import FTFTBenchmarkSupport
import FTFTData
import FTFTIO
import FTFTTestSupport
import FTFTText

/// The texts the tokenizer benchmark times, where they came from, and what Hugging Face's tokenizer produced for
/// them (token count and FNV-1a-64 over the ids), so the benchmark can check it timed the right output.
struct TokenizerCorpus {
    /// Which corpus: "hf-corpus-file", "shared-datasets" or "embedded-task".
    let source: String
    let texts: [String]
    let tokenizer: WordPieceTokenizer
    /// Expected (tokens, FNV-1a) of one pass without special tokens; nil when only the embedded check applies.
    let expected: (tokens: Int, checksum: UInt64)?

    /// In order of preference: the corpus file written by `bench_hf_tokenizer.py --corpus-out` (named by
    /// FTFT_TOKENIZER_CORPUS; its header holds HF's count and checksum), the same corpus rebuilt from
    /// ../shared/datasets (checked against Benchmarks/DataPath/tokenizer-reference.json, which
    /// make_tokenizer_reference.py writes with HF `tokenizers`), or the embedded task's texts.
    static func load() throws -> TokenizerCorpus {
        let model = SharedData.path("models/minilm-l6-h384")
        if let file = ProcessInfo.processInfo.environment["FTFT_TOKENIZER_CORPUS"], !file.isEmpty {
            guard let model else { throw GateFailure("FTFT_TOKENIZER_CORPUS is set but ../shared/models is absent") }
            return try fromCorpusFile(file, model: model.path)
        }
        if let model, let root = SharedData.root {
            return try fromShared(root: root, model: model.path)
        }
        return try embedded()
    }

    static func fromCorpusFile(_ path: String, model: String) throws -> TokenizerCorpus {
        let reader = try LineReader(path: path)
        guard let header = try reader.nextLine() else { throw GateFailure("\(path): empty corpus file") }
        let reference = try JSONDecoder().decode(CorpusHeader.self, from: Data(header.utf8))
        var texts: [String] = []
        while let line = try reader.nextLine() {
            // JSONDecoder, not JSONSerialization: the latter drops a raw U+FEFF inside strings on Linux.
            if !line.isEmpty { texts.append(try JSONDecoder().decode(String.self, from: Data(line.utf8))) }
        }
        guard texts.count == reference.texts, let checksum = UInt64(reference.ids_fnv1a, radix: 16) else {
            throw GateFailure("\(path): \(texts.count) texts but the header says \(reference.texts)")
        }
        return TokenizerCorpus(source: "hf-corpus-file", texts: texts, tokenizer: try WordPieceTokenizer.load(path: model),
                               expected: (reference.tokens, checksum))
    }

    /// The corpus of Benchmarks/tokenizer/bench_hf_tokenizer.py, rebuilt the way it builds it: every listed text
    /// field of these files, in file order, each field a separate text; lines split on "\n"; TSV cells split on
    /// tabs, CSV lines parsed one at a time as Python's `csv.reader` does.
    static func fromShared(root: URL, model: String) throws -> TokenizerCorpus {
        let files: [(String, String, [String])] = [
            ("datasets/mnli/dev_matched_bert100.tsv.gz", "tsv", ["premise", "hypothesis"]),
            ("datasets/anli/R1/dev.jsonl.gz", "jsonl", ["context", "hypothesis"]),
            ("datasets/anli/R2/dev.jsonl.gz", "jsonl", ["context", "hypothesis"]),
            ("datasets/anli/R3/dev.jsonl.gz", "jsonl", ["context", "hypothesis"]),
            ("datasets/cad/cad_v1_1_train.tsv.gz", "tsv", ["text"]),
            ("datasets/dynahate/dynahate_subset_dev.csv.gz", "csv", ["text"]),
            ("datasets/dynahate/dynahate_subset_test.csv.gz", "csv", ["text"]),
        ]
        var texts: [String] = []
        for (relative, format, fields) in files {
            let path = root.appendingPathComponent(relative).path
            let reader = try LineReader(path: path)
            var header: [String]?
            while let bytes = try reader.nextLineBytes() {
                if format == "jsonl" {
                    let row = try JSONDecoder().decode([String: JSONField].self, from: Data(bytes))
                    for field in fields {
                        guard case .text(let text)? = row[field] else { throw GateFailure("\(path):\(reader.lineNumber): no text field \(field)") }
                        texts.append(text)
                    }
                    continue
                }
                let cells = format == "tsv" ? tabCells(bytes) : pythonCSVCells(bytes)
                guard let names = header else { header = cells; continue }
                for field in fields {
                    guard let column = names.firstIndex(of: field), column < cells.count else {
                        throw GateFailure("\(path):\(reader.lineNumber): no column \(field)")
                    }
                    texts.append(cells[column])
                }
            }
        }
        let referencePath = BenchmarkPaths.benchmarks.appendingPathComponent("DataPath/tokenizer-reference.json").path
        guard let data = FileManager.default.contents(atPath: referencePath) else {
            throw GateFailure("\(referencePath) is missing: run Benchmarks/DataPath/make_tokenizer_reference.py")
        }
        let reference = try JSONDecoder().decode(CorpusHeader.self, from: data)
        guard texts.count == reference.texts, let checksum = UInt64(reference.ids_fnv1a, radix: 16) else {
            throw GateFailure("the rebuilt corpus has \(texts.count) texts, \(referencePath) says \(reference.texts): "
                              + "the data sets changed; regenerate it with Benchmarks/DataPath/make_tokenizer_reference.py")
        }
        return TokenizerCorpus(source: "shared-datasets", texts: texts, tokenizer: try WordPieceTokenizer.load(path: model),
                               expected: (reference.tokens, checksum))
    }

    /// Without ../shared: the embedded task's premises and hypotheses with its own vocabulary. Its words are whole
    /// vocabulary entries, so the expected ids are `EmbeddedVocabulary.tokenIDs` (checked text by text in `validate`).
    static func embedded() throws -> TokenizerCorpus {
        let task = try EmbeddedTask()
        let texts = [task.train, task.validation, task.oodDev, task.oodTest].flatMap(\.examples).flatMap { [$0.text] + ($0.textPair.map { [$0] } ?? []) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ftft-bench-vocab-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let vocab = folder.appendingPathComponent("vocab.txt").path
        try EmbeddedVocabulary.writeVocabulary(to: vocab)
        return TokenizerCorpus(source: "embedded-task", texts: texts, tokenizer: try WordPieceTokenizer.load(vocabTxt: vocab), expected: nil)
    }

    /// Checks one pass against the reference before anything is timed.
    func validate() throws -> TokenizerThroughput.Measurement {
        let measurement = TokenizerThroughput.measure(tokenizer, texts: texts, repetitions: 1)
        if let expected {
            guard measurement.tokens == expected.tokens, measurement.idsChecksum == expected.checksum else {
                throw GateFailure("tokenizer (\(source)): \(measurement.tokens) tokens, FNV-1a \(String(measurement.idsChecksum, radix: 16)); "
                                  + "Hugging Face: \(expected.tokens) tokens, \(String(expected.checksum, radix: 16))")
            }
        } else {
            for text in texts where tokenizer.tokenize(text) != EmbeddedVocabulary.tokenIDs(text) {
                throw GateFailure("tokenizer (embedded task): \"\(text)\" gives \(tokenizer.tokenize(text)), "
                                  + "expected \(EmbeddedVocabulary.tokenIDs(text))")
            }
        }
        return measurement
    }
}

/// The header line of a corpus file (and the reference file): HF's counts for the whole corpus.
struct CorpusHeader: Decodable {
    let texts: Int
    let tokens: Int
    let ids_fnv1a: String
}

/// A JSON value, keeping strings and ignoring everything else (ANLI rows have numbers and booleans too).
enum JSONField: Decodable {
    case text(String)
    case other

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = (try? container.decode(String.self)).map(JSONField.text) ?? .other
    }
}

/// One line split as Python's `csv.reader([line])` splits it (excel dialect: ',' delimiter, '"' quotes, doubled
/// quotes inside quotes, not strict): a quote opens a quoted field only at the start of a field; after a closing
/// quote, further characters up to the next comma are kept literally; an empty line has no cells. Works on UTF-8
/// bytes (quote and comma are ASCII and never occur inside a multi-byte sequence), so, like Python and unlike
/// Swift's `Character`, a combining mark after a quote does not change how the quote is read.
func pythonCSVCells(_ line: [UInt8]) -> [String] {
    enum State { case fieldStart, unquoted, quoted, quoteInQuoted }
    let (quote, comma): (UInt8, UInt8) = (0x22, 0x2C)
    if line.isEmpty { return [] }
    var cells: [String] = [], field: [UInt8] = [], state = State.fieldStart
    for byte in line {
        switch state {
        case .fieldStart where byte == quote: state = .quoted
        case .fieldStart where byte == comma, .unquoted where byte == comma, .quoteInQuoted where byte == comma:
            cells.append(String(decoding: field, as: UTF8.self)); field = []; state = .fieldStart
        case .fieldStart, .unquoted: field.append(byte); state = .unquoted
        case .quoted where byte == quote: state = .quoteInQuoted
        case .quoted: field.append(byte)
        case .quoteInQuoted where byte == quote: field.append(quote); state = .quoted
        case .quoteInQuoted: field.append(byte); state = .unquoted
        }
    }
    cells.append(String(decoding: field, as: UTF8.self))
    return cells
}

/// One line split on tab bytes, as Python's `line.split("\t")`.
func tabCells(_ line: [UInt8]) -> [String] {
    line.split(separator: 0x09, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
}
