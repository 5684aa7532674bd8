import FTFTData
import Testing

/// The majority baseline: the training set's most frequent class, predicted everywhere, scored by the set's own
/// metric. Expected values are the metric's formula worked by hand for the constant prediction.
struct MajorityBaselineTests {
    static func labels(_ counts: [Int]) -> [Int] { counts.enumerated().flatMap { c, n in [Int](repeating: c, count: n) } }

    @Test func binaryMacroF1WithTenPercentPositivesIsPOverOnePlusP() throws {
        // 900 not hateful, 100 hateful in training; the same shares in a 200-post validation set.
        let baseline = try #require(MajorityBaseline(trainingLabels: Self.labels([900, 100]),
                                                     evaluationLabels: Self.labels([180, 20]), set: "cad", metric: .macroF1))
        #expect(baseline.majorityClass == 0 && baseline.trainingClassCounts == [900, 100] && baseline.exampleCount == 200)
        // Class 0: TP = 180, |true| = 180, |pred| = 200 → F1 = 360/380; class 1 is never predicted → F1 = 0.
        // The mean over both classes is (2p/(1 + p))/2 = p/(1 + p) with p = 0.9: 0.47368…
        #expect(baseline.exactValue == (360.0 / 380.0 + 0.0) / 2)
        #expect(abs(baseline.exactValue - 0.9 / 1.9) < 1e-15)
        #expect(baseline.value == 0.4737)
    }

    @Test func threeClassAccuracyIsTheValidationShareOfTheTrainingMajority() throws {
        // Training: class 1 is the most frequent; validation: class 2 is, but the baseline predicts class 1.
        let baseline = try #require(MajorityBaseline(trainingLabels: Self.labels([5, 7, 3]),
                                                     evaluationLabels: Self.labels([2, 3, 5]), set: "mnli", metric: .accuracy))
        #expect(baseline.majorityClass == 1)
        #expect(baseline.exactValue == 0.3 && baseline.value == 0.3)
    }

    @Test func hansAccuracyBinarisesTheConstantNLIPrediction() throws {
        // Neutral (1) is the majority: read as non-entailment, it is right on the 3 non-entailment pairs of 4.
        let baseline = try #require(MajorityBaseline(trainingLabels: Self.labels([1, 2, 1]),
                                                     evaluationLabels: [0, 1, 1, 1], set: "hans", metric: .hansAccuracy))
        #expect(baseline.majorityClass == 1 && baseline.value == 0.75)
    }

    @Test func aTieGoesToTheLowestClassIndex() throws {
        let baseline = try #require(MajorityBaseline(trainingLabels: [2, 1, 2, 1, 0], evaluationLabels: [1, 1, 2],
                                                     set: "v", metric: .accuracy))
        #expect(baseline.majorityClass == 1 && baseline.trainingClassCounts == [1, 2, 2])
        #expect(baseline.value == 0.6667)   // 2/3 rounded to 4 decimals as FTFT stores metrics
    }

    @Test func unlabelledTrainingExamplesAreNotCountedAndNothingToCompareGivesNil() {
        let baseline = MajorityBaseline(trainingLabels: [-1, -1, -1, 1], evaluationLabels: [0, 1], set: "v", metric: .accuracy)
        #expect(baseline?.majorityClass == 1 && baseline?.trainingClassCounts == [0, 1])
        #expect(MajorityBaseline(trainingLabels: [-1, -1], evaluationLabels: [0], set: "v", metric: .accuracy) == nil)
        #expect(MajorityBaseline(trainingLabels: [0, 1], evaluationLabels: [], set: "v", metric: .macroF1) == nil)
    }

    @Test func aRunExactlyAtTheBaselineIsFlaggedAndOneJustAboveIsNot() throws {
        let baseline = try #require(MajorityBaseline(trainingLabels: Self.labels([900, 100]),
                                                     evaluationLabels: Self.labels([180, 20]), set: "cad", metric: .macroF1))
        // A model that predicts class 0 everywhere is scored, and stored, exactly like the baseline.
        let constant = Metrics.roundedLikeFTFT(Metric.macroF1.score(predictions: [Int](repeating: 0, count: 200),
                                                                    labels: Self.labels([180, 20])))
        #expect(baseline.isAtOrBelow(constant))
        #expect(baseline.isAtOrBelow(0.4737) && baseline.isAtOrBelow(0.4736))
        #expect(!baseline.isAtOrBelow(0.4738))   // one step of the stored 4-decimal grid above
    }
}
