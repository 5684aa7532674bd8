import FTFTData
import FTFTStore
import FTFTTraining

/// Which sets a run evaluates at which checkpoint.
///
/// - `everyCheckpoint`: every set at every checkpoint (FTFT's loop; gives whole learning curves).
/// - `reported`: the early-stopping sets (the OOD dev sets, whose mean is the criterion) at every checkpoint, and
///   the other sets (in-distribution validation, OOD test) only where a checkpoint can be reported: the last one
///   of a full-length run, and each new best of an early-stopped run (the reported checkpoint is the last new
///   best). The reported numbers are the same as under `everyCheckpoint`; the learning curves of the other sets
///   are not recorded.
/// - `lastCheckpoint`: every set at the last checkpoint only. Not a choice in experiment files: it is what
///   `reported` asks of a full-length run whose criterion curve nothing reads (no early-stopped row of the
///   experiment is checked post hoc against it, no best weights are kept) — its reported checkpoint is the last,
///   and the early-stopping sets along the way decide nothing (`ExperimentRunner.evaluationPolicy`).
public enum EvaluationPolicy: String, Codable, Sendable, CaseIterable {
    case reported
    case everyCheckpoint = "every_checkpoint"
    case lastCheckpoint = "last_checkpoint"

    /// The policies an experiment file or the command line may ask for.
    public static let choices: [EvaluationPolicy] = [.reported, .everyCheckpoint]

    /// Whether a run recorded under `self` holds everything a run under `needed` would record
    /// (every_checkpoint ⊇ reported ⊇ last_checkpoint).
    public func covers(_ needed: EvaluationPolicy) -> Bool { rank >= needed.rank }

    private var rank: Int {
        switch self {
        case .lastCheckpoint: return 0
        case .reported: return 1
        case .everyCheckpoint: return 2
        }
    }
}

/// The sets evaluated at checkpoints (method.md §1.6): the in-distribution validation set and the OOD dev sets
/// ("dev", as FTFT's `validation_result.json`), then the OOD test sets ("test"), each with its metric.
///
/// Each set is cut into evaluation batches once, here (`EvaluationBatches`: by length unless told otherwise, a
/// permutation kept with the set); logits come back in data-set order whatever the batch order.
public struct EvaluationSuite: Sendable {
    public struct EncodedSet: Sendable {
        public let name: String
        public let split: EvaluationSplit
        public let metric: Metric
        public let examples: [EncodedExample]
        public let labels: [Int]
        public let batches: EvaluationBatches
        /// Padded (Σ B·T) and real tokens of one evaluation of this set.
        public let paddedTokens: Int
        public let realTokens: Int

        init(name: String, split: EvaluationSplit, metric: Metric, examples: [EncodedExample], labels: [Int],
             batching: EvaluationBatching) {
            self.name = name
            self.split = split
            self.metric = metric
            self.examples = examples
            self.labels = labels
            let lengths = examples.map(\.inputIds.count)
            batches = EvaluationBatches(lengths: lengths, batching: batching)
            (paddedTokens, realTokens) = batches.tokenCounts(lengths: lengths)
        }
    }

    public let definition: TaskDefinition
    public let sets: [EncodedSet]

    public init(task: PreparedTask, encoder: ExampleEncoder, maxLength: Int, batching: EvaluationBatching = .standard) throws {
        definition = task.definition
        var sets: [EncodedSet] = []
        for (set, spec) in zip(task.devSets, task.definition.devSets) {
            sets.append(EncodedSet(name: spec.name, split: .dev, metric: spec.metric,
                                   examples: try encoder.encode(set, maxLength: maxLength), labels: set.labels,
                                   batching: batching))
        }
        for (set, spec) in zip(task.testSets, task.definition.testSets) {
            sets.append(EncodedSet(name: spec.name, split: .test, metric: spec.metric,
                                   examples: try encoder.encode(set, maxLength: maxLength), labels: set.labels,
                                   batching: batching))
        }
        self.sets = sets
    }

    /// Positions in `sets` of the early-stopping sets: the OOD dev sets the criterion averages.
    /// A task without OOD dev sets stops on its validation set (`TaskDefinition.earlyStoppingCriterion`).
    public var earlyStoppingSets: [Int] {
        let names = Set(definition.oodDev.isEmpty ? [definition.validation.name] : definition.oodDev.map(\.name))
        return sets.indices.filter { sets[$0].split == .dev && names.contains(sets[$0].name) }
    }

    /// Positions in `sets` of all the others (validation, OOD test).
    public var otherSets: [Int] {
        let stopping = Set(earlyStoppingSets)
        return sets.indices.filter { !stopping.contains($0) }
    }

    /// The exact metric (and logits if asked) of each set at positions `which`, in that order.
    /// `willEvaluate(i, name)` is called before set i (progress).
    public func evaluate(_ trainer: Trainer, sets which: [Int], keepLogits: Bool,
                         willEvaluate: (Int, String) -> Void = { _, _ in }) throws -> [EvaluationResult] {
        let K = trainer.model.numLabels
        return try which.map { i in
            let set = sets[i]
            willEvaluate(i, set.name)
            let logits = try trainer.evaluate(set.examples, batches: set.batches)
            let value = set.metric.score(predictions: Self.argmax(logits, classes: K), labels: set.labels)
            return EvaluationResult(dataset: set.name, split: set.split, metric: set.metric.rawValue, exactValue: value,
                                    exampleCount: set.examples.count,
                                    logits: keepLogits ? EvaluationLogits(classes: K, values: logits) : nil)
        }
    }

    /// Every set's metric (and logits if asked), and the early-stopping criterion.
    public func evaluate(_ trainer: Trainer, keepLogits: Bool,
                         willEvaluate: (Int, String) -> Void = { _, _ in }) throws -> (results: [EvaluationResult], criterion: Double) {
        let results = try evaluate(trainer, sets: Array(sets.indices), keepLogits: keepLogits, willEvaluate: willEvaluate)
        return (results, try criterion(results))
    }

    /// The early-stopping criterion from results that include every OOD dev set: the mean OOD-dev metric computed
    /// from the metrics rounded to 4 decimals, as FTFT stores them and the paper averaged them (method.md §5.1).
    public func criterion(_ results: [EvaluationResult]) throws -> Double {
        var roundedDev: [String: Double] = [:]
        for r in results where r.split == .dev { roundedDev[r.dataset] = Metrics.roundedLikeFTFT(r.exactValue) }
        return try definition.earlyStoppingCriterion(devMetrics: roundedDev)
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
