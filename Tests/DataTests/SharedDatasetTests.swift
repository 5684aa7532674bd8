import FTFTData
import FTFTIO
import FTFTTestSupport
import Foundation
import Testing

/// Every data file in ../shared/datasets, read by ftft's readers and compared with the figures
/// `golden/generate_datasets.py` computed with Python's own gzip/csv/json modules: row counts, label
/// distributions, total text bytes, and sampled rows (id, label, start line, SHA-256 of each text).
@Suite(.enabled(if: SharedData.isAvailable("datasets"), Comment(rawValue: SharedData.skipMessage)))
struct SharedDatasetTests {
    /// (file under datasets/, golden key of the set inside that file's entry or nil, reader)
    static let cases: [(String, String?, @Sendable (String) throws -> LabeledDataset)] = {
        var cases: [(String, String?, @Sendable (String) throws -> LabeledDataset)] = [
            ("mnli/dev_matched_bert100.tsv.gz", nil, { try LabeledDataset.readMultiNLIBert100(path: $0) }),
            ("hans/hans_like_seed0.tsv.gz", nil, { try LabeledDataset.readHANS(path: $0) }),
        ]
        for round in 1...3 {
            for split in ["dev", "test"] {
                cases.append(("anli/R\(round)/\(split).jsonl.gz", nil, { try LabeledDataset.readANLI(path: $0, name: "anli_r\(round)") }))
            }
        }
        for split in ["train", "dev", "test"] {
            cases.append(("cad/cad_v1_1_\(split).tsv.gz", nil, { try LabeledDataset.readCAD(path: $0) }))
        }
        for split in ["dev", "test"] {
            let file = "dynahate/dynahate_subset_\(split).csv.gz"
            cases.append((file, "file", { try LabeledDataset.readDynaHate(path: $0) }))
            for round in 2...4 {
                for level in DynaHateLevel.allCases {
                    cases.append((file, "dynahate_r\(round)_\(level.rawValue)",
                                  { try LabeledDataset.readDynaHate(path: $0, round: round, level: level) }))
                }
            }
        }
        return cases
    }()

    static var caseIndices: [Int] { Array(cases.indices) }

    @Test("Every shared file matches the independent figures", arguments: caseIndices)
    func matchesGolden(_ index: Int) throws {
        let (relative, key, read) = Self.cases[index]
        let golden = try GoldenJSON("datasets_shared.json")
        let files: [String: Any] = try field(golden.root, "files")
        var expected: Any? = files[relative]
        if let key { expected = (expected as? [String: Any])?[key] }
        guard expected != nil else { throw GoldenJSON.Failure(description: "no golden entry for \(relative) \(key ?? "")") }
        let url = try SharedData.require("datasets/\(relative)")
        let set = try read(url.path)
        let label = "\(relative)\(key.map { " [\($0)]" } ?? "")"
        #expect(set.count == (try field(expected, "rows", as: Int.self)), "\(label): rows")
        #expect(set.labelNames == (try field(expected, "label_names", as: [String].self)), "\(label): label names")
        #expect(set.labelCounts() == (try field(expected, "label_counts", as: [Int].self)), "\(label): label counts")
        #expect(set.examples.reduce(0) { $0 + $1.text.utf8.count } == (try field(expected, "text_utf8_bytes", as: Int.self)),
                "\(label): total text bytes")
        #expect(set.examples.reduce(0) { $0 + ($1.textPair?.utf8.count ?? 0) } == (try field(expected, "pair_utf8_bytes", as: Int.self)),
                "\(label): total pair bytes")
        let samples: [[String: Any]] = try field(expected, "samples")
        #expect(samples.count >= 3)
        for sample in samples {
            let i: Int = try field(sample, "index")
            guard set.examples.indices.contains(i) else { Issue.record("\(label): no example \(i)"); continue }
            let example = set.examples[i]
            #expect(example.id == (try field(sample, "id", as: String.self)), "\(label) #\(i): id")
            #expect(example.label == (try field(sample, "label", as: Int.self)), "\(label) #\(i): label")
            #expect(example.line == (try field(sample, "line", as: Int.self)), "\(label) #\(i): line")
            #expect(SHA256.hex(of: example.text.utf8) == (try field(sample, "text_sha256", as: String.self)), "\(label) #\(i): text")
            let pairHash = (sample["pair_sha256"] as? String)
            #expect(example.textPair.map { SHA256.hex(of: $0.utf8) } == pairHash, "\(label) #\(i): pair text")
        }
    }

    @Test("MultiNLI's BERT-correct counts sum to the independent total")
    func bertCounts() throws {
        let url = try SharedData.require("datasets/mnli/dev_matched_bert100.tsv.gz")
        let golden = try GoldenJSON("datasets_shared.json")
        let files: [String: Any] = try field(golden.root, "files")
        let expected: Int = try field(files["mnli/dev_matched_bert100.tsv.gz"], "bert_correct_total")
        let set = try LabeledDataset.readMultiNLIBert100(path: url.path)
        let total = set.examples.reduce(0) { $0 + (Int($1.metadata[LabeledDataset.bertCorrectKey] ?? "") ?? -1_000_000) }
        #expect(total == expected)
    }

    @Test("HANS keeps its heuristic labels")
    func hansHeuristics() throws {
        let url = try SharedData.require("datasets/hans/hans_like_seed0.tsv.gz")
        let golden = try GoldenJSON("datasets_shared.json")
        let files: [String: Any] = try field(golden.root, "files")
        let expected: [String: Any] = try field(files["hans/hans_like_seed0.tsv.gz"], "heuristic_counts")
        let set = try LabeledDataset.readHANS(path: url.path)
        var counts: [String: Int] = [:]
        for example in set.examples { counts[example.metadata["heuristic"] ?? "?", default: 0] += 1 }
        #expect(counts == expected.mapValues { ($0 as? NSNumber)?.intValue ?? -1 })
    }
}
