import FTFTData
import FTFTTestSupport
import Testing

/// Metrics against scikit-learn and Python's own rounding (golden/generate_metrics.py → golden/metrics.ftg).
/// Every comparison is exact: both sides compute the same Double operations in the same order.
struct MetricsTests {
    @Test func accuracyAndMacroF1MatchScikitLearn() throws {
        let golden = try GoldenFixture("metrics.ftg")
        let cases = golden.order.filter { $0.hasPrefix("case") && $0.hasSuffix(".expected") }.map { $0.dropLast(".expected".count) }
        #expect(cases.count == 15)
        for name in cases {
            let labels = try golden.ints("\(name).labels"), predictions = try golden.ints("\(name).predictions")
            let expected = try golden.entry("\(name).expected").doubles
            let accuracy = Metrics.accuracy(predictions: predictions, labels: labels)
            let f1 = Metrics.macroF1(predictions: predictions, labels: labels)
            #expect(accuracy == expected[0], "\(name): accuracy")
            #expect(f1 == expected[1], "\(name): macro-F1 \(f1) vs sklearn \(expected[1])")
            #expect(Metrics.roundedLikeFTFT(accuracy) == expected[2], "\(name): rounded accuracy")
            #expect(Metrics.roundedLikeFTFT(f1) == expected[3], "\(name): rounded macro-F1")
            #expect(Metric.macroF1.score(predictions: predictions, labels: labels) == expected[1])
        }
    }

    @Test func hansAccuracyBinarisesNeutralAndContradiction() throws {
        let golden = try GoldenFixture("metrics.ftg")
        for i in 0..<3 {
            let labels = try golden.ints("hans\(i).labels"), predictions = try golden.ints("hans\(i).predictions")
            let expected = try golden.entry("hans\(i).expected").doubles
            #expect(Set(predictions) == [0, 1, 2])
            let accuracy = Metric.hansAccuracy.score(predictions: predictions, labels: labels)
            #expect(accuracy == expected[0])
            #expect(Metrics.roundedLikeFTFT(accuracy) == expected[1])
        }
        #expect([0, 1, 2].map(Metrics.hansBinarized) == [0, 1, 1])
    }

    @Test func roundingMatchesPythonFormat() throws {
        let golden = try GoldenFixture("metrics.ftg")
        let inputs = try golden.entry("rounding.inputs").doubles, outputs = try golden.entry("rounding.outputs").doubles
        #expect(inputs.count == outputs.count && inputs.count > 500)
        var mismatches: [String] = []
        for (x, y) in zip(inputs, outputs) where Metrics.roundedLikeFTFT(x) != y {
            mismatches.append("\(x) → \(Metrics.roundedLikeFTFT(x)), Python \(y)")
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        #expect(Metrics.roundedLikeFTFT(.nan).isNaN)
    }

    @Test func emptyInputIsNaN() {
        #expect(Metrics.accuracy(predictions: [], labels: []).isNaN)
        #expect(Metrics.macroF1(predictions: [], labels: []).isNaN)
        #expect(Metrics.mean([]).isNaN)
    }

    @Test func pairwiseSumIsNotLeftToRightBeyondSevenValues() {
        // The property the golden 12-, 20- and 150-class cases rely on: with ≥ 8 values numpy's order differs.
        let values = (0..<16).map { 1.0 / Double($0 + 3) }
        let pairwise = Metrics.numpyPairwiseSum(values[...])
        let r = (0..<8).map { values[$0] + values[$0 + 8] }
        #expect(pairwise == ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7])))
        #expect(Metrics.numpyPairwiseSum(values[..<5]) == values[..<5].reduce(0, +))
    }
}
