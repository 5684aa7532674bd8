import Foundation
import Testing
import FTFTTestSupport
@testable import FTFTCartography

/// Statistics of the synthetic cases against numpy/torch (golden/generate_cartography.py), all bit for bit: the
/// import keeps epoch-0 order and exact logits; p (torch's float32 softmax), cartography's float64 confidence,
/// variability (ddof 0, 1, include_ci), threshold closeness, correctness and forgetfulness; FTFT's float32 μ
/// and σ; burn-out.
@Test(arguments: goldenCases.map(\.name))
func goldenStatisticsMatchReferences(_ name: String) throws {
    let spec = try #require(goldenCases.first { $0.name == name })
    let golden = try GoldenCase(name, epochs: spec.e)
    let dynamics = try golden.readDynamics()
    #expect(dynamics.exampleIDs == (try golden.ints("guid")).map(String.init))
    #expect(dynamics.goldLabels == (try golden.ints("gold")))
    #expect(dynamics.epochCount == spec.e && dynamics.classCount == spec.c && dynamics.exampleCount == spec.n)
    #expect(dynamics.logits == (try golden.floats("logits")), "logits are multiples of 2^-10 and must import exactly")

    let p = dynamics.goldProbabilities()
    let pCheck = try golden.fixture.compare("p_gold", actual: p, shape: [spec.e, spec.n], tolerance: .exact)
    #expect(pCheck.passed, "\(pCheck)")

    let map = try DataMap.compute(from: dynamics)
    #expect(map.confidence == (try golden.doubles("confidence")))
    #expect(map.variability == (try golden.doubles("variability")))
    #expect(map.thresholdCloseness == (try golden.doubles("threshold_closeness")))
    #expect(map.correctness == (try golden.ints("correctness")))
    #expect(map.forgetfulness == (try golden.ints("forgetfulness")))
    #expect(map.epochCount == spec.e)

    let ddof1 = try DataMap.compute(from: dynamics, options: DataMapOptions(variabilityDDOF: 1))
    #expect(ddof1.variability == (try golden.doubles("variability_ddof1")))
    let ci = try DataMap.compute(from: dynamics, options: DataMapOptions(includeConfidenceInterval: true))
    #expect(ci.variability == (try golden.doubles("variability_ci")))

    let ftft = try #require(map.ftft)
    let fc = try golden.fixture.compare("ftft_confidence", actual: ftft.confidence, shape: [spec.n], tolerance: .exact)
    let fv = try golden.fixture.compare("ftft_variability", actual: ftft.variability, shape: [spec.n], tolerance: .exact)
    #expect(fc.passed, "\(fc)")
    #expect(fv.passed, "\(fv)")

    if spec.e >= 3 {
        let burn = try DataMap.compute(from: dynamics, options: DataMapOptions(burnOut: spec.e - 1))
        #expect(burn.epochCount == spec.e - 1)
        #expect(burn.confidence == (try golden.doubles("burnout_confidence")))
        #expect(burn.variability == (try golden.doubles("burnout_variability")))
        #expect(burn.correctness == (try golden.ints("burnout_correctness")))
        #expect(burn.forgetfulness == (try golden.ints("burnout_forgetfulness")))
        // Reading only the first k files (cartography's burn-out reader) gives the same map.
        let truncated = try CartographyFiles.readDynamics(folder: golden.folder.path, options: DynamicsReadOptions(maxEpochs: spec.e - 1))
        let fromFiles = try DataMap.compute(from: truncated)
        #expect(fromFiles.confidence == burn.confidence && fromFiles.variability == burn.variability)
        #expect(fromFiles.correctness == burn.correctness && fromFiles.forgetfulness == burn.forgetfulness)
    }
}

/// Every selection rule and mode against the generator's independent implementation, exactly.
@Test(arguments: goldenCases.map(\.name))
func goldenSelectionsMatchReferences(_ name: String) throws {
    let spec = try #require(goldenCases.first { $0.name == name })
    let golden = try GoldenCase(name, epochs: spec.e)
    let map = try DataMap.compute(from: try golden.readDynamics())
    let rates = try golden.doubles("rates")
    for rule in SelectionRule.allCases {
        for (mode, key) in [(SelectionMode.ambiguous, "ambiguous"), (.hardToLearn, "hard"), (.easy, "easy")] {
            let expected = try golden.selected("\(rule.rawValue)_\(key)")
            let actual = try Selector.select(map, mode: mode, rates: rates, rule: rule)
            for r in rates.indices {
                #expect(actual[r].indices == expected[r], "\(name) \(rule) \(mode) rate \(rates[r])")
                #expect(actual[r].ids == expected[r].map { map.exampleIDs[$0] })
            }
        }
    }
    for (mode, key) in [(SelectionMode.ambiguous, "ambiguous"), (.hardToLearn, "hard")] {
        let expected = try golden.selected("exact_stratified_\(key)")
        let actual = try Selector.select(map, mode: mode, rates: rates, rule: .exact, stratifyByClass: true)
        for r in rates.indices { #expect(actual[r].indices == expected[r], "\(name) stratified \(mode) rate \(rates[r])") }
        let thresholds = try golden.floats("ftft_\(key)_threshold")
        let ftft = try Selector.select(map, mode: mode, rates: rates, rule: .ftft)
        for r in rates.indices {
            #expect(Float(ftft[r].boundaries[0] ?? .nan) == thresholds[r], "\(name) ftft \(key) threshold at \(rates[r])")
        }
    }
}

/// Writing the computed map in cartography's formats reproduces the generator's files byte for byte.
@Test(arguments: goldenCases.map(\.name))
func goldenExportsAreByteExact(_ name: String) throws {
    let spec = try #require(goldenCases.first { $0.name == name })
    let golden = try GoldenCase(name, epochs: spec.e)
    let map = try DataMap.compute(from: try golden.readDynamics())
    let out = try PackagePaths.temporaryDirectory("ftft-carto-export")
    defer { try? FileManager.default.removeItem(at: out) }
    try CartographyFiles.writeCoordinates(map, path: out.appendingPathComponent("coordinates.jsonl").path)
    try CartographyFiles.writeTDMetrics(map, path: out.appendingPathComponent("td_metrics.jsonl").path)
    for file in ["coordinates.jsonl", "td_metrics.jsonl"] {
        let actual = try Data(contentsOf: out.appendingPathComponent(file))
        let expected = try Data(contentsOf: try golden.file(file))
        #expect(actual == expected, "\(name)/\(file) differs from the golden file")
    }
    // Reading the coordinates back gives the map's columns (to 10 decimals) in the same order.
    let back = try CartographyFiles.readDataMap(path: out.appendingPathComponent("td_metrics.jsonl").path)
    #expect(back.exampleIDs == map.exampleIDs && back.correctness == map.correctness && back.forgetfulness == map.forgetfulness)
    #expect(zip(back.confidence, map.confidence).allSatisfy { abs($0 - $1) <= 0.5e-10 + 1e-16 })
}

/// Each dynamics line re-encodes to its exact bytes, and writing then reading the dynamics round-trips.
@Test(arguments: goldenCases.map(\.name))
func goldenDynamicsRoundTrip(_ name: String) throws {
    let spec = try #require(goldenCases.first { $0.name == name })
    let golden = try GoldenCase(name, epochs: spec.e)
    for e in 0..<spec.e {
        let url = golden.folder.appendingPathComponent("dynamics_epoch_\(e).jsonl")
        let records = try CartographyFiles.readEpochFile(path: url.path, epoch: e)
        let text = try String(contentsOf: url, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { Array($0.utf8) + [0x0A] }
        #expect(records.count == lines.count)
        for k in 0..<records.count {
            let c = records.classCount
            let encoded = CartographyFiles.encodeDynamicsLine(id: records.ids[k], epoch: e,
                                                              logits: records.logits[k * c ..< (k + 1) * c], gold: records.golds[k])
            #expect(encoded == lines[k], "\(name) epoch \(e) line \(k + 1)")
        }
    }
    let dynamics = try golden.readDynamics()
    let out = try PackagePaths.temporaryDirectory("ftft-carto-dyn")
    defer { try? FileManager.default.removeItem(at: out) }
    try CartographyFiles.writeDynamics(dynamics, folder: out.path)
    var back = try CartographyFiles.readDynamics(folder: out.path)
    back.metadata = dynamics.metadata
    #expect(back == dynamics)
}
