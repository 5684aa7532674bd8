import Foundation
import Testing
import FTFTIO
import FTFTTestSupport
@testable import FTFTCartography

/// Interoperability with allenai/cartography's real sample files (method.md §9.2–9.3), which ftft never commits.
/// Extract them with `golden/cartography/fetch-upstream.sh <dest> <clone>` and run with
/// `FTFT_CARTOGRAPHY_UPSTREAM=<dest>`. Expected values come from golden/cartography/upstream_expected.py run on
/// the same files; every file's sha256 is checked first.
enum Upstream {
    static var folder: URL? {
        guard let path = ProcessInfo.processInfo.environment["FTFT_CARTOGRAPHY_UPSTREAM"], !path.isEmpty else { return nil }
        return URL(fileURLWithPath: path)
    }

    static let skipMessage = "set FTFT_CARTOGRAPHY_UPSTREAM to a folder made by golden/cartography/fetch-upstream.sh "
        + "to run the tests on allenai/cartography's sample files"

    static func expected() throws -> [String: Any] {
        let url = try GoldenFixture.verifiedURL("cartography/upstream_expected.json")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// A float of the expected values (written as text, parsed with Swift's correctly rounded `Double(_:)`).
    static func double(_ value: Any?) -> Double? { (value as? String).flatMap(Double.init) }

    static func doubles(_ value: Any?) -> [Double]? { (value as? [String])?.compactMap(Double.init) }

    /// `folder/relative` after checking its sha256 against the expected value.
    static func file(_ relative: String, sha256: String?) throws -> URL {
        let folder = try #require(folder)
        let url = folder.appendingPathComponent(relative)
        let data = try Data(contentsOf: url)
        #expect(SHA256.hex(of: data) == sha256, "\(relative) is not the file the expected values were computed from")
        return url
    }
}

@Suite(.enabled(if: Upstream.folder != nil, Comment(rawValue: Upstream.skipMessage)))
struct CartographyUpstreamTests {
    /// The 50 sample records: parse (C = 3, gold in 0..<3, key matches the epoch), re-encode byte for byte,
    /// p_gold and correctness per record, and the guid-encoding check gold == {0:0, 1:2, 2:1}[guid % 10].
    @Test func sampleDynamicsRecords() throws {
        let expected = try Upstream.expected()
        let dynamics = try #require(expected["dynamics"] as? [String: Any])
        let hashes = try #require(dynamics["sha256"] as? [String: String])
        let records = try #require(dynamics["records"] as? [[String: Any]])
        var k = 0
        var encodingHolds = 0
        for e in 0..<5 {
            let name = "training_dynamics/dynamics_epoch_\(e).jsonl"
            let url = try Upstream.file(name, sha256: hashes[name])
            let parsed = try CartographyFiles.readEpochFile(path: url.path, epoch: e)
            #expect(parsed.classCount == 3)
            let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { Array($0.utf8) + [0x0A] }
            #expect(lines.count == parsed.count)
            for r in 0..<parsed.count {
                let want = records[k]
                k += 1
                #expect(parsed.ids[r] == "\(want["guid"] as? Int64 ?? -1)")
                #expect(parsed.golds[r] == want["gold"] as? Int && (0..<3).contains(parsed.golds[r]))
                #expect(parsed.lines[r] == want["line"] as? Int)
                let logits = Array(parsed.logits[3 * r ..< 3 * r + 3])
                let p = DataMapStatistics.goldProbability(logits, gold: parsed.golds[r])
                #expect(Double(p) == Upstream.double(want["p_gold"]), "p_gold of \(parsed.ids[r])")
                let argmax = logits.withUnsafeBufferPointer { DataMapStatistics.argmaxFirst($0) }
                #expect(argmax == want["argmax"] as? Int)
                let encoded = CartographyFiles.encodeDynamicsLine(id: parsed.ids[r], epoch: e, logits: logits, gold: parsed.golds[r])
                #expect(encoded == lines[r], "\(name):\(r + 1) does not re-encode to its own bytes")
                if let guid = Int(parsed.ids[r]), parsed.golds[r] == [0, 2, 1][guid % 10] { encodingHolds += 1 }
            }
        }
        #expect(k == records.count && k == dynamics["record_count"] as? Int)
        #expect(encodingHolds == dynamics["guid_encoding_holds"] as? Int)
    }

    /// Merging the five files fails exactly where cartography's reader asserts: the first record of epoch 1,
    /// whose guid is absent from epoch 0.
    @Test func sampleMergeFailsOnUnknownGuid() throws {
        let expected = try #require(try Upstream.expected()["dynamics"] as? [String: Any])
        let failure = try #require(expected["merge_failure"] as? [String: Any])
        let folder = try #require(Upstream.folder).appendingPathComponent("training_dynamics")
        let epoch = try #require(failure["epoch"] as? Int)
        do {
            _ = try CartographyFiles.readDynamics(folder: folder.path)
            Issue.record("merging cartography's sample files must fail")
        } catch let CartographyError.unknownExample(location, id, errorEpoch) {
            #expect(id == "\(failure["guid"] as? Int64 ?? -1)")
            #expect(errorEpoch == epoch && location.line == failure["line"] as? Int)
            #expect(location.file.hasSuffix("dynamics_epoch_\(epoch).jsonl"))
        }
    }

    /// method.md §9.2 (5): line i of every file as instance i; statistics bit for bit with numpy/torch.
    @Test func sampleByLineMergeStatistics() throws {
        let expected = try #require(try Upstream.expected()["dynamics"] as? [String: Any])
        let table = try #require(expected["by_line_merge"] as? [[String: Any]])
        let folder = try #require(Upstream.folder).appendingPathComponent("training_dynamics")
        let epochs = try (0..<5).map { try CartographyFiles.readEpochFile(path: folder.appendingPathComponent("dynamics_epoch_\($0).jsonl").path, epoch: $0) }
        let n = epochs[0].count
        let dynamics = try TrainingDynamics(exampleIDs: epochs[0].ids, goldLabels: epochs[0].golds, classCount: 3, epochCount: 5,
                                            logits: epochs.flatMap(\.logits), metadata: DynamicsMetadata(mode: .unknown, source: "by line"))
        let map0 = try DataMap.compute(from: dynamics)
        let map1 = try DataMap.compute(from: dynamics, options: DataMapOptions(variabilityDDOF: 1))
        let p = dynamics.goldProbabilities()
        #expect(table.count == n)
        for (i, row) in table.enumerated() {
            #expect(map0.exampleIDs[i] == "\(row["guid"] as? Int64 ?? -1)")
            #expect((0..<5).map { Double(p[$0 * n + i]) } == Upstream.doubles(row["p_gold"]))
            #expect(map0.confidence[i] == Upstream.double(row["confidence"]))
            #expect(map0.variability[i] == Upstream.double(row["variability_ddof0"]))
            #expect(map1.variability[i] == Upstream.double(row["variability_ddof1"]))
            #expect(map0.correctness[i] == row["correctness"] as? Int)
            #expect(map0.forgetfulness?[i] == row["forgetfulness"] as? Int)
        }
    }

    /// The WinoGrande coordinates: schema, byte-exact re-encoding of all rows, invariants, and both rules'
    /// selections (13,409 by cartography's rule; 13,331, not 13,332, by FTFT's float32 quantile).
    @Test func winograndeCoordinates() throws {
        let expected = try #require(try Upstream.expected()["winogrande"] as? [String: Any])
        let url = try Upstream.file("winogrande_roberta_0_6_data_map_coordinates.jsonl", sha256: expected["sha256"] as? String)
        let map = try CartographyFiles.readDataMap(path: url.path)
        let n = map.exampleCount
        #expect(n == expected["lines"] as? Int)
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        var mismatches = 0
        for i in 0..<n {
            let encoded = CartographyFiles.encodeCoordinatesLine(id: map.exampleIDs[i], index: i, confidence: map.confidence[i],
                                                                 variability: map.variability[i], correctness: map.correctness[i])
            if encoded != Array(lines[i].utf8) + [0x0A] { mismatches += 1 }
        }
        #expect(mismatches == 0, "\(mismatches) rows do not re-encode byte for byte (index must equal the row number)")
        let guids = map.exampleIDs.compactMap { Int($0) }
        #expect(guids.count == n && guids.min() == expected["guid_min"] as? Int && guids.max() == expected["guid_max"] as? Int)
        #expect((guids == guids.sorted()) == (expected["guid_sorted"] as? Bool))
        let maxCorrectness = map.correctness.max() ?? 0
        #expect((0...maxCorrectness).map { c in map.correctness.filter { $0 == c }.count } == expected["correctness_counts"] as? [Int])
        let mean = { (x: [Double]) in x.withUnsafeBufferPointer { DataMapStatistics.confidence($0) } }
        #expect(mean(map.confidence) == Upstream.double(expected["mean_confidence"]))
        #expect(mean(map.variability) == Upstream.double(expected["mean_variability"]))
        #expect(mean(map.correctness.map(Double.init)) == Upstream.double(expected["mean_correctness"]))
        #expect(n - Set(map.variability).count == expected["variability_ties"] as? Int)
        #expect(n - Set(map.confidence).count == expected["confidence_ties"] as? Int)
        let bhatiaDavis = (0..<n).filter { map.variability[$0] * map.variability[$0] > map.confidence[$0] * (1 - map.confidence[$0]) }
        #expect(bhatiaDavis.count == expected["bhatia_davis_violations"] as? Int)
        #expect((0..<n).filter { map.correctness[$0] == maxCorrectness && map.confidence[$0] <= 0.5 }.count
                == expected["all_correct_but_low_confidence"] as? Int)
        #expect((0..<n).filter { map.correctness[$0] == 0 && map.confidence[$0] >= 0.5 }.count
                == expected["never_correct_but_high_confidence"] as? Int)
        #expect(DataMapPlot.correctnessCategories(map.correctness).labels == expected["hue_categories"] as? [String])

        let selections = try #require(expected["selections"] as? [String: Any])
        func guidSum(_ s: Selection) -> Int { s.indices.reduce(0) { $0 + guids[$1] } }
        var chosen: [String: Selection] = [:]
        for rule in [SelectionRule.cartography, .ftft] {
            for (mode, key) in [(SelectionMode.ambiguous, "ambiguous"), (.hardToLearn, "hard")] {
                let s = try #require(try Selector.select(map, mode: mode, rates: [0.33], rule: rule).first)
                let want = try #require(selections["\(rule.rawValue)_\(key)"] as? [String: Any])
                #expect(s.indices.count == want["count"] as? Int, "\(rule) \(key) count")
                #expect(guidSum(s) == want["guid_sum"] as? Int, "\(rule) \(key) guid sum")
                if rule == .ftft {
                    #expect(Float(s.boundaries[0] ?? .nan) == Float(Upstream.double(want["threshold"]) ?? .nan))
                    #expect(s.indices.count + 1 == want["float64_quantile_count"] as? Int)
                } else {
                    let scores = mode == .ambiguous ? map.variability : map.confidence
                    let last = try #require(s.boundaries[0])
                    #expect(last == Upstream.double(want["last"]))
                    let rest = Set(0..<n).subtracting(s.indices).map { scores[$0] }
                    let next = mode == .ambiguous ? rest.max() : rest.min()
                    #expect(next == Upstream.double(want["next"]))
                }
                chosen["\(rule.rawValue)_\(key)"] = s
            }
            let a = Set(chosen["\(rule.rawValue)_ambiguous"]?.indices ?? [])
            let h = Set(chosen["\(rule.rawValue)_hard"]?.indices ?? [])
            #expect(a.intersection(h).count == selections["\(rule.rawValue)_overlap"] as? Int)
            let easy = try #require(try Selector.select(map, mode: .easy, rates: [0.33], rule: rule).first)
            #expect(easy.indices.count == selections["\(rule.rawValue)_easy"] as? Int)
        }
    }
}
