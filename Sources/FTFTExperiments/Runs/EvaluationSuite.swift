import FTFTData
import FTFTStore
import FTFTTraining

/// The sets evaluated at every checkpoint (method.md §1.6): the in-distribution validation set and the OOD dev
/// sets ("dev", as FTFT's `validation_result.json`), then the OOD test sets ("test"), each with its metric.
public struct EvaluationSuite: Sendable {
    public struct EncodedSet: Sendable {
        public let name: String
        public let split: EvaluationSplit
        public let metric: Metric
        public let examples: [EncodedExample]
        public let labels: [Int]
    }

    public let definition: TaskDefinition
    public let sets: [EncodedSet]

    public init(task: PreparedTask, encoder: ExampleEncoder, maxLength: Int) throws {
        definition = task.definition
        var sets: [EncodedSet] = []
        for (set, spec) in zip(task.devSets, task.definition.devSets) {
            sets.append(EncodedSet(name: spec.name, split: .dev, metric: spec.metric,
                                   examples: try encoder.encode(set, maxLength: maxLength), labels: set.labels))
        }
        for (set, spec) in zip(task.testSets, task.definition.testSets) {
            sets.append(EncodedSet(name: spec.name, split: .test, metric: spec.metric,
                                   examples: try encoder.encode(set, maxLength: maxLength), labels: set.labels))
        }
        self.sets = sets
    }

    /// One checkpoint's evaluation: every set's exact metric (and logits if asked), and the early-stopping
    /// criterion — the mean OOD-dev metric computed from the metrics rounded to 4 decimals, as FTFT stores them
    /// and the paper averaged them (method.md §5.1). `willEvaluate(i, name)` is called before set i (progress).
    public func evaluate(_ trainer: Trainer, keepLogits: Bool,
                         willEvaluate: (Int, String) -> Void = { _, _ in }) throws -> (results: [EvaluationResult], criterion: Double) {
        var results: [EvaluationResult] = []
        var roundedDev: [String: Double] = [:]
        let K = trainer.model.numLabels
        for (i, set) in sets.enumerated() {
            willEvaluate(i, set.name)
            let logits = try trainer.evaluate(set.examples)
            let predictions = Self.argmax(logits, classes: K)
            let value = set.metric.score(predictions: predictions, labels: set.labels)
            results.append(EvaluationResult(dataset: set.name, split: set.split, metric: set.metric.rawValue, exactValue: value,
                                            exampleCount: set.examples.count,
                                            logits: keepLogits ? EvaluationLogits(classes: K, values: logits) : nil))
            if set.split == .dev { roundedDev[set.name] = Metrics.roundedLikeFTFT(value) }
        }
        return (results, try definition.earlyStoppingCriterion(devMetrics: roundedDev))
    }

    /// Row-wise argmax of [N, K] logits, ties to the first maximum (torch/numpy `argmax`).
    public static func argmax(_ logits: [Float], classes K: Int) -> [Int] {
        stride(from: 0, to: logits.count, by: K).map { start in
            var best = 0
            for k in 1..<K where logits[start + k] > logits[start + best] { best = k }
            return best
        }
    }
}
