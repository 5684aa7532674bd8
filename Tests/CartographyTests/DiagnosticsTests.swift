import Foundation
import Testing
import FTFTTestSupport
@testable import FTFTCartography

@Test func overlapDefinitions() {
    #expect(TransferDiagnostics.overlap(["a", "b", "c", "d"], ["b", "d", "x"]) == 0.5)
    #expect(TransferDiagnostics.overlap([], ["a"]).isNaN)
    let m = TransferDiagnostics.overlapMatrix([["a", "b"], ["b", "c", "d", "e"]])
    #expect(m == [[1, 0.5], [0.25, 1]], "rows are normalised by their own set's size")
}

@Test func easySharesAndTheirAssessment() throws {
    let map = try DataMap.compute(from: try GoldenCase("e5c3", epochs: 5).readDynamics())
    for rule in SelectionRule.allCases {
        let shares = try TransferDiagnostics.easyShares(map, rule: rule)
        #expect(shares.map(\.rate) == EasyShareReference.rates)
        for s in shares {
            let easy = try Selector.select(map, mode: .easy, rates: [s.rate], rule: rule)[0]
            #expect(s.count == easy.indices.count && s.fraction == Double(s.count) / 100)
            if rule != .cartography { #expect(s.fraction <= 1 - s.rate + 1e-12, "easy share is at most 1 − p") }
        }
    }
    // NLI at 33 %: effective references 61.72–64.24 %, ineffective 38.34 % and 47.40 %.
    let typical = EasyShare(rate: 0.33, count: 63, fraction: 0.63)
    let between = EasyShare(rate: 0.33, count: 55, fraction: 0.55)
    let low = EasyShare(rate: 0.33, count: 40, fraction: 0.40)
    #expect(EasyShareReference.assess(typical, family: .nli) == .typical)
    #expect(EasyShareReference.assess(between, family: .nli) == .belowTypical)
    #expect(EasyShareReference.assess(low, family: .nli) == .farBelow)
    #expect(EasyShareReference.warning(low, family: .nli)?.contains("61.7–64.2%") == true)
    #expect(EasyShareReference.warning(between, family: .nli) == nil)
    #expect(EasyShareReference.assess(EasyShare(rate: 0.2, count: 1, fraction: 0.01), family: .nli) == nil)
}

/// The embedded Table 4 equals the paper's, as committed in paper-tables/published/table4_easy_fraction.csv.
@Test func tableFourMatchesThePublishedCSV() throws {
    let url = PackagePaths.root.appendingPathComponent("paper-tables/published/table4_easy_fraction.csv")
    let lines = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
    #expect(lines.count == EasyShareReference.rows.count)
    for (line, row) in zip(lines, EasyShareReference.rows) {
        let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(fields[1] == row.model)
        #expect(fields[2...5].compactMap(Double.init) == row.nli)
        #expect(fields[6...9].compactMap(Double.init) == row.hsd)
    }
}

@Test func seedAggregation() throws {
    let d = try GoldenCase("e5c3", epochs: 5).readDynamics()
    let maps = try [5, 4, 3].map { try DataMap.compute(from: d, options: DataMapOptions(burnOut: $0)) }
    // The third map lists its examples in reverse order: aggregation aligns by id.
    let reversed = maps[2]
    let shuffled = try DataMap(exampleIDs: reversed.exampleIDs.reversed(), goldLabels: reversed.goldLabels?.reversed(),
                               epochCount: 3, confidence: reversed.confidence.reversed(), variability: reversed.variability.reversed(),
                               correctness: reversed.correctness.reversed(), forgetfulness: nil, options: reversed.options,
                               ftft: reversed.ftft.map { FTFTScores(confidence: $0.confidence.reversed(), variability: $0.variability.reversed()) })
    let aggregate = try SeedAggregate(maps: [maps[0], maps[1], shuffled], rate: 0.33, rule: .exact)
    #expect(aggregate.seedCount == 3 && aggregate.exampleIDs == maps[0].exampleIDs)
    for i in [0, 17, 99] {
        let values = maps.map { $0.confidence[i] }
        let mean = values.reduce(0, +) / 3
        #expect(abs(aggregate.confidenceMean[i] - mean) < 1e-15)
        let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 2).squareRoot()
        #expect(abs(aggregate.confidenceSpread[i] - sd) < 1e-15)
    }
    #expect(aggregate.statistics.map(\.name) == ["mean confidence", "mean variability", "easy share at p = 10%",
                                                  "easy share at p = 25%", "easy share at p = 33%", "easy share at p = 50%"])
    #expect((0..<3).allSatisfy { aggregate.overlap[$0][$0] == 1 })
    let a = try maps.map { try Selector.select($0, mode: .ambiguous, rates: [0.33], rule: .exact)[0].ids }
    #expect(aggregate.overlap[0][1] == TransferDiagnostics.overlap(a[0], a[1]))
    #expect(aggregate.meanPairwiseOverlap > 0.33, "burn-out maps of one run agree more than random subsets")
    let other = try makeMap(variability: [0.1], confidence: [0.5])
    #expect(throws: CartographyError.self) { _ = try SeedAggregate(maps: [maps[0], other]) }
}
