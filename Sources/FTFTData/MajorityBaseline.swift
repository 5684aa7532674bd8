/// The majority baseline of an evaluation set: the score of a model that always predicts the training set's most
/// frequent gold class. The paper excluded runs at or below it on the in-distribution validation set as failed
/// (appendix A.1; method.md §5.1) — e.g. CAD dev macro-F1 ≈ 47.5 when 10 % of the posts are hateful, NLI accuracy =
/// the validation set's share of the training set's largest class.
///
/// The value is the set's own metric (`Metric.score`, the evaluator's code) applied to the constant prediction, so
/// macro-F1 follows scikit-learn's convention there too: the class never predicted and the predicted class are both
/// averaged (F1 = 0 for the first), which gives (2p/(1 + p))/2 = p/(1 + p) for a binary set whose predicted class has
/// share p (47.37 % for p = 0.9).
public struct MajorityBaseline: Sendable, Hashable, Codable {
    /// The evaluation set's name and metric.
    public var set: String
    public var metric: Metric
    /// The class predicted: the most frequent gold label of the training set. A tie goes to the lowest class index,
    /// so the choice depends on the counts alone (not on file order or dictionary order).
    public var majorityClass: Int
    /// Gold-label counts of the training set, by class index (labels below 0 — unlabelled — are not counted).
    public var trainingClassCounts: [Int]
    /// Examples scored (the evaluation set's size).
    public var exampleCount: Int
    /// The metric of the constant prediction, unrounded.
    public var exactValue: Double
    /// `exactValue` rounded to 4 decimals as FTFT stores every metric (`Metrics.roundedLikeFTFT`): reported values
    /// are compared with the baseline on that grid, so a run that predicts the majority class throughout is at it
    /// exactly.
    public var value: Double

    /// nil when the training set has no labelled example or the evaluation set is empty (nothing to compare with).
    public init?(trainingLabels: [Int], evaluationLabels: [Int], set: String, metric: Metric) {
        let classes = max(trainingLabels.max() ?? -1, -1) + 1
        guard classes > 0, !evaluationLabels.isEmpty else { return nil }
        var counts = [Int](repeating: 0, count: classes)
        for label in trainingLabels where label >= 0 { counts[label] += 1 }
        var majority = 0
        // Strictly greater: on a tie the earlier (lower) class index stays.
        for c in counts.indices where counts[c] > counts[majority] { majority = c }
        let exact = metric.score(predictions: [Int](repeating: majority, count: evaluationLabels.count), labels: evaluationLabels)
        self.set = set
        self.metric = metric
        majorityClass = majority
        trainingClassCounts = counts
        exampleCount = evaluationLabels.count
        exactValue = exact
        value = Metrics.roundedLikeFTFT(exact)
    }

    /// Whether a reported metric (as stored: rounded to 4 decimals) is at or below the baseline — a degenerate run.
    /// At counts too: a model that predicts the majority class everywhere scores the baseline exactly.
    public func isAtOrBelow(_ reported: Double) -> Bool { reported <= value }
}
