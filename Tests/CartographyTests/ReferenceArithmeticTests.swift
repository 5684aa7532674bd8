import Testing
import FTFTTestSupport
@testable import FTFTCartography

/// torch's float32 softmax (SLEEF expf_u10 with FMA, reciprocal then product), bit for bit, for C = 2 and 3 and
/// logit scales up to exp's underflow cut-off.
@Test func torchSoftmaxIsBitExact() throws {
    let fixture = try GoldenFixture("cartography/torch_softmax.ftg")
    for c in [2, 3] {
        let logits = try fixture.floats("logits_c\(c)")
        let rows = logits.count / c
        var softmax: [Float] = []
        softmax.reserveCapacity(logits.count)
        for r in 0..<rows {
            let row = Array(logits[c * r ..< c * r + c])
            for k in 0..<c { softmax.append(DataMapStatistics.goldProbability(row, gold: k)) }
        }
        let check = try fixture.compare("softmax_c\(c)", actual: softmax, shape: [rows, c], tolerance: .exact)
        #expect(check.passed, "\(check)")
    }
}

/// numpy's pairwise summation behind np.sum/np.mean/np.std, bit for bit for every length 1…160.
@Test func numpyReductionsAreBitExact() throws {
    let fixture = try GoldenFixture("cartography/numpy_reductions.ftg")
    let lengths = try fixture.ints("lengths")
    let values = try fixture.entry("values").doubles
    let sums = try fixture.entry("sum").doubles, means = try fixture.entry("mean").doubles
    let stds = try fixture.entry("std").doubles, stds1 = try fixture.entry("std_ddof1").doubles
    var offset = 0
    for (k, n) in lengths.enumerated() {
        let v = Array(values[offset ..< offset + n])
        offset += n
        v.withUnsafeBufferPointer { p in
            #expect(DataMapStatistics.pairwiseSum(p) == sums[k], "sum of \(n)")
            #expect(DataMapStatistics.confidence(p) == means[k], "mean of \(n)")
            #expect(DataMapStatistics.variability(p, ddof: 0) == stds[k], "std of \(n)")
            if n > 1 { #expect(DataMapStatistics.variability(p, ddof: 1) == stds1[k], "std ddof 1 of \(n)") }
        }
    }
}

/// torch 2.0.1's float32 quantile (FTFT's threshold) on random vectors, ties, rates 0 and 1, the cases where a
/// fused and a separately rounded lerp differ, and the engineered vector where ">" drops one example.
@Test func torchQuantileMatchesTorch201() throws {
    let fixture = try GoldenFixture("cartography/quantile_cases.ftg")
    let lengths = try fixture.ints("lengths"), rates = try fixture.entry("rates").doubles
    let scores = try fixture.floats("scores"), fused = try fixture.floats("threshold_fused")
    let separate = try fixture.floats("threshold_separate"), counts = try fixture.ints("count")
    var offset = 0
    var fusedDiffers = 0
    for (k, n) in lengths.enumerated() {
        let x = Array(scores[offset ..< offset + n])
        offset += n
        let sorted = x.sorted()
        let t = SelectionRules.torchQuantile(sortedAscending: sorted, q: 1 - rates[k])
        let t2 = SelectionRules.torchQuantile(sortedAscending: sorted, q: 1 - rates[k], fusedMultiplyAdd: false)
        #expect(t.bitPattern == fused[k].bitPattern, "case \(k): n \(n) rate \(rates[k])")
        #expect(t2.bitPattern == separate[k].bitPattern, "case \(k) (separate rounding)")
        if t != t2 { fusedDiffers += 1 }
        let (selected, threshold) = SelectionRules.ftftSelect(x, among: Array(0..<n), rate: rates[k])
        #expect(threshold.bitPattern == t.bitPattern)
        #expect(selected.count == counts[k])
        #expect(selected == selected.sorted())
    }
    #expect(fusedDiffers >= 8, "the fixture must contain cases where the lerp's rounding matters")
    let engineered = try fixture.floats("engineered_scores")
    let (selected, threshold) = SelectionRules.ftftSelect(engineered, among: Array(engineered.indices), rate: 0.33)
    #expect(threshold == (try fixture.floats("engineered_threshold"))[0])
    #expect(selected.count == (try fixture.ints("engineered_count"))[0])
    #expect(selected.count + 1 == (try fixture.ints("engineered_count_float64_quantile"))[0])
}

/// The WinoGrande situation reproduced from logits (golden case "lerp"): FTFT's float32 σ from the recorded
/// dynamics, bit for bit, puts torch 2.0.1's quantile exactly on the next score, so ">" keeps one example fewer
/// than a float64 quantile would.
@Test func ftftRuleDropsOneExampleFromLogits() throws {
    let golden = try GoldenCase("lerp", epochs: 2)
    let map = try DataMap.compute(from: try golden.readDynamics())
    let ftft = try #require(map.ftft)
    let selection = try Selector.select(map, mode: .ambiguous, rates: [0.33], rule: .ftft)[0]
    let threshold = Float(try #require(selection.boundaries[0]))
    #expect(ftft.variability.contains(threshold), "the threshold is itself one of the scores")
    #expect(selection.indices.count + 1 == (try golden.ints("lerp_float64_quantile_count"))[0])
    #expect(selection.indices.count == ftft.variability.filter { $0 > threshold }.count)
}
