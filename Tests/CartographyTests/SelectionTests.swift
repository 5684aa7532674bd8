import Testing
import FTFTTestSupport
@testable import FTFTCartography

/// A map with chosen columns (no dynamics), gold labels cycling over `classes`.
func makeMap(variability: [Double], confidence: [Double], classes: Int? = 3, epochs: Int? = 5) throws -> DataMap {
    let n = variability.count
    return try DataMap(exampleIDs: (0..<n).map { "id\($0)" }, goldLabels: classes.map { c in (0..<n).map { $0 % c } },
                       epochCount: epochs, confidence: confidence, variability: variability,
                       correctness: [Int](repeating: 0, count: n), forgetfulness: nil, options: DataMapOptions(), ftft: nil)
}

struct SelectionTests {
    let map: DataMap
    init() throws { map = try DataMap.compute(from: try GoldenCase("e5c3", epochs: 5).readDynamics()) }

    @Test func exactRuleCountsAndTieBreak() throws {
        for rate in [0.0, 0.01, 0.1, 0.125, 0.33, 0.5, 0.995, 1.0] {
            for mode in [SelectionMode.ambiguous, .hardToLearn] {
                let s = try Selector.select(map, mode: mode, rates: [rate])[0]
                #expect(s.indices.count == Int((rate * 100).rounded()), "rate \(rate)")
                #expect(s.indices == s.indices.sorted() && s.ids == s.indices.map { map.exampleIDs[$0] })
                // Every selected score is at least every unselected one.
                let score = mode == .ambiguous ? map.variability : map.confidence.map { -$0 }
                let rest = Set(0..<100).subtracting(s.indices)
                if let low = s.indices.map({ score[$0] }).min(), let high = rest.map({ score[$0] }).max() { #expect(low >= high) }
            }
        }
        // Ties are broken by file order: of five equal scores, the first ones in the file are taken.
        let tied = try makeMap(variability: [0.1, 0.3, 0.3, 0.2, 0.3, 0.3, 0.3], confidence: [Double](repeating: 0.5, count: 7))
        #expect(try Selector.select(tied, mode: .ambiguous, rates: [3.0 / 7]).first?.indices == [1, 2, 4])
        #expect(try Selector.select(tied, mode: .hardToLearn, rates: [2.0 / 7]).first?.indices == [0, 1])
    }

    @Test func severalRatesInOnePassEqualSinglePasses() throws {
        let rates = [0.05, 0.33, 0.2, 0.5]
        for rule in SelectionRule.allCases {
            for mode in SelectionMode.allCases {
                let together = try Selector.select(map, mode: mode, rates: rates, rule: rule, seed: 9)
                for (k, rate) in rates.enumerated() {
                    #expect(together[k].indices == (try Selector.select(map, mode: mode, rates: [rate], rule: rule, seed: 9))[0].indices)
                }
            }
        }
    }

    @Test func stratifiedExactCounts() throws {
        let gold = try #require(map.goldLabels)
        let sizes = (0..<3).map { c in gold.filter { $0 == c }.count }
        for rate in [0.1, 0.25, 0.33, 0.5] {
            let s = try Selector.select(map, mode: .ambiguous, rates: [rate], stratifyByClass: true)[0]
            #expect(s.indices.count == Int((rate * 100).rounded()))
            for c in 0..<3 {
                let k = s.indices.filter { gold[$0] == c }.count
                let quota = rate * Double(sizes[c])
                #expect(Double(k) >= quota.rounded(.down) && Double(k) <= quota.rounded(.up), "class \(c) at \(rate)")
                let chosen = s.indices.filter { gold[$0] == c }.map { map.variability[$0] }
                let rest = (0..<100).filter { gold[$0] == c && !s.indices.contains($0) }.map { map.variability[$0] }
                if let low = chosen.min(), let high = rest.max() { #expect(low >= high) }
            }
        }
        #expect(SelectionRules.exactCounts(rate: 0.5, strataSizes: [3, 3, 3]) == [2, 2, 1])
    }

    @Test func cartographyAndRandomCounts() throws {
        #expect(SelectionRules.cartographyCount(rate: 0.33, count: 40398) == Int(0.3319 * 40398) + 1)
        #expect(SelectionRules.cartographyCount(rate: 0.17, count: 1000) == Int(0.1667 * 1000) + 1)
        #expect(SelectionRules.cartographyCount(rate: 0.0, count: 10) == 1)
        #expect(SelectionRules.cartographyCount(rate: 1.0, count: 10) == 10)
        #expect(SelectionRules.randomCount(rule: .ftft, rate: 0.33, count: 392_702) == 129_591)
        #expect(SelectionRules.randomCount(rule: .exact, rate: 0.33, count: 392_702) == 129_592)
        for (rule, expected) in [(SelectionRule.exact, 33), (.ftft, 33), (.cartography, 33)] {
            #expect(try Selector.select(map, mode: .random, rates: [0.33], rule: rule)[0].indices.count == expected)
        }
    }

    @Test func randomSelectionIsSeededNestedAndUniform() throws {
        let a = try Selector.select(map, mode: .random, rates: [0.1, 0.5], seed: 1)
        let b = try Selector.select(map, mode: .random, rates: [0.1, 0.5], seed: 1)
        let c = try Selector.select(map, mode: .random, rates: [0.1, 0.5], seed: 2)
        #expect(a == b)
        #expect(a[1].indices != c[1].indices)
        #expect(Set(a[0].indices).isSubset(of: Set(a[1].indices)), "smaller rates are prefixes of the same permutation")
        let stratified = try Selector.select(map, mode: .random, rates: [0.5], stratifyByClass: true, seed: 3)[0]
        let gold = try #require(map.goldLabels)
        let sizes = (0..<3).map { c in gold.filter { $0 == c }.count }
        let counts = SelectionRules.exactCounts(rate: 0.5, strataSizes: sizes)
        #expect((0..<3).map { c in stratified.indices.filter { gold[$0] == c }.count } == counts)
        // Over 200 seeds every example is chosen about half the time (binomial sd ≈ 7; bounds are 5.6 sd).
        var hits = [Int](repeating: 0, count: 100)
        for seed in 0..<200 {
            for i in try Selector.select(map, mode: .random, rates: [0.5], seed: UInt64(seed))[0].indices { hits[i] += 1 }
        }
        #expect(hits.allSatisfy { (60...140).contains($0) })
    }

    @Test func easyIsTheComplementOfAmbiguousAndHard() throws {
        for rule in SelectionRule.allCases {
            for rate in [0.1, 0.33] {
                let a = Set(try Selector.select(map, mode: .ambiguous, rates: [rate], rule: rule)[0].indices)
                let h = Set(try Selector.select(map, mode: .hardToLearn, rates: [rate], rule: rule)[0].indices)
                let e = try Selector.select(map, mode: .easy, rates: [rate], rule: rule)[0].indices
                #expect(Set(e) == Set(0..<100).subtracting(a.union(h)))
            }
        }
    }

    @Test func invalidRequests() throws {
        for rate in [-0.1, 1.5, Double.nan] {
            #expect(throws: CartographyError.self) { _ = try Selector.select(map, mode: .ambiguous, rates: [rate]) }
        }
        let noLabels = try makeMap(variability: [0.1, 0.2], confidence: [0.5, 0.6], classes: nil)
        #expect(throws: CartographyError.labelsRequired(reason: "stratified selection")) {
            _ = try Selector.select(noLabels, mode: .ambiguous, rates: [0.5], stratifyByClass: true)
        }
        let one = try DynamicsRecorder(exampleIDs: ["a", "b"], goldLabels: [0, 1], classCount: 2, mode: .trainingPass)
        try one.record(epoch: 0, exampleIndices: [0, 1], logits: [1, 0, 0, 1], labels: [0, 1])
        let singleEpoch = try DataMap.compute(from: try one.dynamics(partialEpoch: .reject))
        #expect(throws: CartographyError.tooFewEpochs(needed: 2, available: 1, reason: "the FTFT selection rule")) {
            _ = try Selector.select(singleEpoch, mode: .ambiguous, rates: [0.5], rule: .ftft)
        }
        #expect(throws: CartographyError.tooFewEpochs(needed: 2, available: 1, reason: "variability with ddof 1")) {
            _ = try DataMap.compute(from: try one.dynamics(partialEpoch: .reject), options: DataMapOptions(variabilityDDOF: 1))
        }
    }
}
