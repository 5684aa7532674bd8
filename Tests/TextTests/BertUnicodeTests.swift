import Foundation
import Testing
@testable import FTFTText

/// Every Unicode scalar U+0000…U+10FFFF (surrogates excluded), step by step, against what Hugging Face
/// `tokenizers` does to it (golden/tokenizer_codepoints.jsonl.gz, from golden/generate_tokenizer.py): clean_text,
/// handle_chinese_chars, NFD, strip_accents, lowercase, the pre-tokenizer's whitespace and punctuation classes,
/// and two canonical-ordering probes.
@Suite struct BertUnicodeTests {
    /// The fixture as dense per-scalar tables.
    struct Expectations {
        var classes: [String: [UInt8]] = [:]             // step → [0x110000] class code (0 = identity)
        var maps: [String: [UInt32: [UInt32]]] = [:]     // step → scalar → output scalars
        var reorders: [String: [UInt32: [UInt32]]] = [:] // probe → scalar → HF's NFD of the probe string
        var scalarCount = 0

        static let classCodes: [String: UInt8] = ["removed": 1, "space": 2, "spaced": 3, "whitespace": 4,
                                                   "punctuation": 5]

        /// Loaded once for the three tests.
        static let shared = Result { try Expectations() }

        init() throws {
            let golden = try GoldenJSONL("tokenizer_codepoints.jsonl.gz")
            for record in golden.records {
                switch record["kind"] as? String {
                case "header":
                    scalarCount = (record["scalars"] as? Int) ?? 0
                case "range":
                    let step = record["step"] as? String ?? "", cls = record["class"] as? String ?? ""
                    let first = record["first"] as? Int ?? 0, last = record["last"] as? Int ?? -1
                    if classes[step] == nil { classes[step] = [UInt8](repeating: 0, count: 0x110000) }
                    // In place (a copy of the 1.1 MB table per range would cost gigabytes of copying).
                    for v in first...last { classes[step]![v] = Self.classCodes[cls] ?? 255 }
                case "map":
                    maps[record["step"] as? String ?? "", default: [:]][UInt32(record["cp"] as? Int ?? 0)] =
                        (record["out"] as? [Int] ?? []).map(UInt32.init)
                case "reorder":
                    reorders[record["probe"] as? String ?? "", default: [:]][UInt32(record["cp"] as? Int ?? 0)] =
                        (record["out"] as? [Int] ?? []).map(UInt32.init)
                default:
                    break
                }
            }
        }
    }

    /// Collects mismatches of one step (count and the first few, for the failure message).
    struct Mismatches {
        let step: String
        var count = 0
        var examples: [String] = []

        mutating func check(_ v: UInt32, _ actual: [UInt32], _ expected: [UInt32]) {
            guard actual != expected else { return }
            count += 1
            if examples.count < 8 {
                let hex = { (xs: [UInt32]) in xs.map { String(format: "%04X", $0) }.joined(separator: " ") }
                examples.append("U+\(String(format: "%04X", v)): ftft [\(hex(actual))], HF [\(hex(expected))]")
            }
        }

        func expectNone(_ sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(count == 0, "\(step): \(count) scalars differ from HF: \(examples.joined(separator: "; "))",
                    sourceLocation: sourceLocation)
        }
    }

    static func normalize(_ normalizer: BertNormalizer, _ v: UInt32, utf8: inout [UInt8], into out: inout [UInt32]) {
        utf8.removeAll(keepingCapacity: true)
        WordPieceTokenizer.appendUTF8(v, to: &utf8)
        out.removeAll(keepingCapacity: true)
        utf8.withUnsafeBufferPointer { normalizer.normalize(utf8: $0, into: &out) }
    }

    @Test func everyScalarIsNormalizedAsHFDoes() throws {
        let expected = try Expectations.shared.get()
        let only = { (clean: Bool, chinese: Bool, strip: Bool, lower: Bool) in
            BertNormalizer(cleanText: clean, handleChineseCharacters: chinese, stripAccents: strip, lowercase: lower)
        }
        let steps: [(String, BertNormalizer)] = [
            ("clean_text", only(true, false, false, false)), ("handle_chinese_chars", only(false, true, false, false)),
            ("strip_accents", only(false, false, true, false)), ("lowercase", only(false, false, false, true)),
        ]
        var mismatches = steps.map { Mismatches(step: $0.0) }
        // Hoisted out of the 1.1M-scalar loop (debug builds pay for every dictionary lookup).
        let maps = steps.map { expected.maps[$0.0] ?? [:] }
        let classes = steps.map { expected.classes[$0.0] ?? [UInt8](repeating: 0, count: 0x110000) }
        var utf8: [UInt8] = []
        var out: [UInt32] = []
        var checked = 0
        for v in UInt32(0)...0x10FFFF where !(0xD800...0xDFFF).contains(v) {
            checked += 1
            for k in 0..<steps.count {
                Self.normalize(steps[k].1, v, utf8: &utf8, into: &out)
                let want: [UInt32]
                if let mapped = maps[k][v] {
                    want = mapped
                } else {
                    switch classes[k][Int(v)] {
                    case 1: want = []
                    case 2: want = [0x20]
                    case 3: want = [0x20, v, 0x20]
                    default: want = [v]
                    }
                }
                mismatches[k].check(v, out, want)
            }
        }
        #expect(checked == expected.scalarCount && checked == 1_112_064)
        for m in mismatches { m.expectNone() }
    }

    @Test func everyScalarDecomposesAndReordersAsHFDoes() throws {
        let expected = try Expectations.shared.get()
        var nfd = Mismatches(step: "nfd")
        var before = Mismatches(step: "reorder probe a, cp, U+0334")
        var after = Mismatches(step: "reorder probe a, U+0301, cp")
        var out: [UInt32] = []
        func decomposed(_ scalars: [UInt32]) -> [UInt32] {
            out.removeAll(keepingCapacity: true)
            for s in scalars { BertUnicode.appendDecomposition(s, to: &out) }
            BertUnicode.canonicallyOrder(&out)
            return out
        }
        let nfdMap = expected.maps["nfd"] ?? [:]
        let beforeMap = expected.reorders["before_ccc1"] ?? [:], afterMap = expected.reorders["after_ccc230"] ?? [:]
        for v in UInt32(0)...0x10FFFF where !(0xD800...0xDFFF).contains(v) {
            let own = decomposed([v])
            nfd.check(v, own, nfdMap[v] ?? [v])
            let unordered1 = [0x61] + own + [0x334], unordered2 = [0x61, 0x301] + own
            before.check(v, decomposed([0x61, v, 0x334]), beforeMap[v] ?? unordered1)
            after.check(v, decomposed([0x61, 0x301, v]), afterMap[v] ?? unordered2)
        }
        #expect((expected.reorders["before_ccc1"]?.count ?? 0) > 500, "the fixture has too few reordering probes")
        for m in [nfd, before, after] { m.expectNone() }
    }

    @Test func everyScalarIsClassifiedAsTheHFPreTokenizerDoes() throws {
        let expected = try Expectations.shared.get()
        var classes = Mismatches(step: "pre_tokenize (4 = whitespace, 5 = punctuation)")
        let table = expected.classes["pre_tokenize"] ?? []
        #expect(table.count == 0x110000)
        for v in UInt32(0)...0x10FFFF where !(0xD800...0xDFFF).contains(v) {
            let ours: UInt32 = BertUnicode.isWhitespace(v) ? 4 : (BertUnicode.isPunctuation(v) ? 5 : 0)
            classes.check(v, [ours], [UInt32(table.isEmpty ? 0 : table[Int(v)])])
        }
        classes.expectNone()
    }
}
