import Foundation
import FTFTIO
import FTFTTestSupport
import Testing
@testable import FTFTText

/// Whole-pipeline parity with Hugging Face `tokenizers` (golden/tokenizer_parity.jsonl.gz, written by
/// golden/generate_tokenizer.py): ids, token types and attention masks must be identical for every case — hand-written
/// edge cases (stored with their text) and real texts and pairs from ../shared/datasets (located by file, line and
/// field; read here). The model's tokenizer.json and its vocab.txt (+ tokenizer_config.json) must both reach 100 %.
/// The fixture was made with ../shared/models/minilm-l6-h384's tokenizer, whose files are committed byte for byte
/// in golden/tokenizer/minilm-uncased (see its PROVENANCE.md), so only the data-set cases need ../shared.
struct TokenizerParityTests {

    struct Case {
        let id: String
        let location: DataSetTexts.Location?
        let sha256: [String]
        let text: String?
        let pair: String?
        let maxLength: Int?
        let padTo: Int?
        let config: String?
        let expected: TokenEncoding
    }

    struct Fixture {
        let cases: [Case]
        let configs: [String: BertNormalizer]
        /// How many cases record a transformers.BertTokenizer / BertTokenizerLegacy output that differs from HF's.
        let disagreements: [String: Int]

        static let shared = Result { try Fixture() }

        init() throws {
            let golden = try GoldenJSONL("tokenizer_parity.jsonl.gz")
            var cases: [Case] = []
            var configs: [String: BertNormalizer] = [:]
            var disagreements: [String: Int] = [:]
            for record in golden.records {
                if record["kind"] as? String == "header" {
                    for (name, value) in record["configs"] as? [String: [String: Any]] ?? [:] {
                        configs[name] = BertNormalizer(
                            cleanText: value["clean_text"] as? Bool ?? true,
                            handleChineseCharacters: value["handle_chinese_chars"] as? Bool ?? true,
                            stripAccents: value["strip_accents"] as? Bool, lowercase: value["lowercase"] as? Bool ?? true)
                    }
                    continue
                }
                let expected = try Self.encoding(record["expected"], id: record["id"])
                var location: DataSetTexts.Location?
                var sha256: [String] = []
                if let source = record["source"] as? [String: Any] {
                    location = DataSetTexts.Location(file: source["file"] as? String ?? "", line: source["line"] as? Int ?? 0,
                                                     format: source["format"] as? String ?? "",
                                                     fields: source["fields"] as? [String] ?? [])
                    sha256 = source["sha256"] as? [String] ?? []
                }
                for name in ["transformers", "legacy"] where record[name] != nil { disagreements[name, default: 0] += 1 }
                cases.append(Case(id: record["id"] as? String ?? "?", location: location, sha256: sha256,
                                  text: record["text"] as? String, pair: record["text_pair"] as? String,
                                  maxLength: record["max_length"] as? Int, padTo: record["pad_to"] as? Int,
                                  config: record["config"] as? String, expected: expected))
            }
            self.cases = cases
            self.configs = configs
            self.disagreements = disagreements
        }

        static func encoding(_ value: Any?, id: Any?) throws -> TokenEncoding {
            guard let object = value as? [String: Any], let ids = object.ints("input_ids"),
                  let types = object.ints("token_type_ids"), let mask = object.ints("attention_mask") else {
                throw GoldenJSONL.StaleFixture(description: "case \(id ?? "?"): no expected encoding")
            }
            return TokenEncoding(inputIds: ids, tokenTypeIds: types, attentionMask: mask)
        }
    }

    /// The tokenizers a case is checked with: the model's tokenizer.json and vocab.txt for the default
    /// configuration, and the vocab.txt with the case's BertNormalizer flags otherwise.
    static func tokenizers(for config: String?, fixture: Fixture) throws -> [(String, WordPieceTokenizer)] {
        let directory = PackagePaths.miniLMTokenizer
        let vocab = directory.appendingPathComponent("vocab.txt").path
        if let config {
            guard let normalizer = fixture.configs[config] else {
                throw GoldenJSONL.StaleFixture(description: "unknown configuration \(config)")
            }
            return [("vocab.txt+\(config)",
                     try WordPieceTokenizer(vocabulary: try Vocabulary.load(vocabTxt: vocab), normalizer: normalizer))]
        }
        return [("tokenizer.json", try WordPieceTokenizer.load(tokenizerJSON: directory.appendingPathComponent("tokenizer.json").path)),
                ("vocab.txt", try WordPieceTokenizer.load(vocabTxt: vocab))]
    }

    /// Encodes every case with every applicable tokenizer; returns (identical, compared) and records failures.
    static func check(_ cases: [Case], texts: (Case) throws -> (String, String?), fixture: Fixture) throws -> (Int, Int) {
        var cache: [String: [(String, WordPieceTokenizer)]] = [:]
        var identical = 0, compared = 0
        var failures: [String] = []
        for item in cases {
            let key = item.config ?? ""
            if cache[key] == nil { cache[key] = try tokenizers(for: item.config, fixture: fixture) }
            let (a, b) = try texts(item)
            for (name, tokenizer) in cache[key] ?? [] {
                compared += 1
                let actual = try tokenizer.encode(a, pair: b, maxLength: item.maxLength, padTo: item.padTo)
                if actual == item.expected {
                    identical += 1
                } else if failures.count < 10 {
                    failures.append("\(item.id) [\(name)] \(String(reflecting: a).prefix(80)): ids \(actual.inputIds.prefix(24)) "
                                    + "vs HF \(item.expected.inputIds.prefix(24)); types equal \(actual.tokenTypeIds == item.expected.tokenTypeIds)")
                }
            }
        }
        #expect(failures.isEmpty, "\(compared - identical) of \(compared) encodings differ from HF:\n\(failures.joined(separator: "\n"))")
        return (identical, compared)
    }

    @Test func handWrittenCasesAreIdenticalToHF() throws {
        let fixture = try Fixture.shared.get()
        let cases = fixture.cases.filter { $0.location == nil }
        #expect(cases.count > 1000)
        let (identical, compared) = try Self.check(cases, texts: { ($0.text ?? "", $0.pair) }, fixture: fixture)
        #expect(compared >= cases.count && identical == compared)
        print("tokenizer parity, hand-written cases: \(identical)/\(compared) encodings identical to HF "
              + "(\(cases.count) cases; transformers.BertTokenizer differs on \(fixture.disagreements["transformers"] ?? 0), "
              + "BertTokenizerLegacy on \(fixture.disagreements["legacy"] ?? 0) of all cases)")
    }

    @Test(.enabled(if: SharedData.isAvailable("datasets"), Comment(rawValue: SharedData.skipMessage)))
    func dataSetCasesAreIdenticalToHF() throws {
        let fixture = try Fixture.shared.get()
        let cases = fixture.cases.filter { $0.location != nil }
        #expect(cases.count >= 2000)
        let root = try SharedData.require("datasets").deletingLastPathComponent()
        let source = try DataSetTexts(root: root, locations: cases.compactMap(\.location))
        let (identical, compared) = try Self.check(cases, texts: { item in
            guard let location = item.location else { return ("", nil) }
            let texts = try source.texts(at: location)
            let hashes = texts.map { SHA256.hex(of: Array($0.utf8)) }
            guard hashes == item.sha256 else {
                throw DataSetTexts.ExtractionError(description: "\(item.id): \(location.file):\(location.line) \(location.fields) "
                                                   + "does not hold the text the fixture was made from (sha256 differs)")
            }
            return (texts[0], texts.count > 1 ? texts[1] : nil)
        }, fixture: fixture)
        #expect(identical == compared)
        print("tokenizer parity, data-set cases: \(identical)/\(compared) encodings identical to HF (\(cases.count) cases "
              + "from \(Set(cases.compactMap { $0.location?.file }).count) files)")
    }
}
