import FTFTEncoder
import FTFTTensors

/// FTFT's training loop (method.md §1.5–1.6, `F:trainers.py L82-158`) around any `SequenceClassifier`:
///
///     while completed_steps < max_steps:                 (one pass = one "epoch" e = 0, 1, …)
///         order ← random.stream(.shuffle, e).permutation(N)   (length-grouped batching then regroups it,
///                                                              from the same stream: `TrainingBatching`)
///         for each batch of `batchSize` consecutive examples of `order` (the last one smaller):
///             forward + backward (dropout stream: update − 1), clip, AdamW, schedule
///             hooks: didUpdate, evaluate (every eval_interval and at max_steps), epochDidEnd, stepDidFinish
///             stop once completed_steps == max_steps
///
/// The model's parameters are used as they are when the trainer is made (pretrained or random); the optimizer
/// starts empty. `restore(fromCheckpoint:)` continues an interrupted run bit-exactly.
public final class Trainer {
    public let model: SequenceClassifier
    public let examples: [EncodedExample]
    /// [N] token count of each example, in `examples` order.
    public let exampleLengths: [Int]
    public let configuration: TrainingConfiguration
    public let random: SeededRandom
    public let schedule: LinearWarmupSchedule
    public let optimizer: AdamW
    /// Contexts for training updates and for evaluation: same backend and threads, separate FLOP counters.
    public let trainingContext: ComputeContext
    public let evaluationContext: ComputeContext
    public internal(set) var position = TrainingPosition()
    /// Seconds and FLOPs from before a resume (restored from the checkpoint).
    var priorTrainingFLOPs: Int64 = 0
    var priorEvaluationFLOPs: Int64 = 0
    public internal(set) var trainingWallSeconds = 0.0
    public internal(set) var evaluationWallSeconds = 0.0
    /// True between updates: the state is then exactly what a checkpoint stores.
    public internal(set) var isBetweenUpdates = true
    /// The current epoch's order (positions into `examples`), cached.
    private var epochOrder: (epoch: Int, order: [Int])?
    var cachedFingerprint: String?

    /// - Parameters:
    ///   - examples: the training set, in data-set order; each `index` keys its dynamics.
    ///   - threads: ftft's own threads for elementwise work (AdamW, clipping) and the model's parallel loops.
    public init(model: SequenceClassifier, examples: [EncodedExample], configuration: TrainingConfiguration,
                random: SeededRandom, threads: Int = 1, backend: GEMMBackend = .blas) throws {
        try configuration.validate()
        guard !examples.isEmpty else {
            throw TrainingError.invalidConfiguration(field: "examples", reason: "the training set is empty")
        }
        for example in examples { try example.validate(numLabels: model.numLabels, allowUnlabelled: false) }
        let arenaCount = model.parameters.count
        guard model.gradients.count == arenaCount,
              model.parameterEntries.allSatisfy({ $0.offset >= 0 && $0.offset + $0.count <= arenaCount }) else {
            throw TrainingError.invalidConfiguration(field: "model", reason: "parameter entries do not fit the parameter arena")
        }
        self.model = model
        self.examples = examples
        exampleLengths = examples.map(\.inputIds.count)
        self.configuration = configuration
        self.random = random
        schedule = LinearWarmupSchedule(totalSteps: configuration.maxSteps, warmupRate: configuration.warmupRate,
                                        baseLearningRate: configuration.learningRate)
        optimizer = AdamW(entries: model.parameterEntries, arenaCount: arenaCount, hyperparameters: configuration.adam)
        trainingContext = ComputeContext(flops: FLOPCounter(), backend: backend, threads: threads)
        evaluationContext = ComputeContext(flops: FLOPCounter(), backend: backend, threads: threads)
    }

    public var batchesPerEpoch: Int {
        TrainingConfiguration.batchesPerEpoch(exampleCount: examples.count, batchSize: configuration.batchSize)
    }

    /// `eval_interval`, or the batches per epoch when unset (FTFT's default).
    public var evaluationInterval: Int { configuration.evalInterval ?? batchesPerEpoch }

    public var trainingFLOPs: Int64 { priorTrainingFLOPs + trainingContext.flops.flops }
    public var evaluationFLOPs: Int64 { priorEvaluationFLOPs + evaluationContext.flops.flops }

    /// Positions into `examples` in the order pass `epoch` visits them: a fresh permutation per pass (regrouped by
    /// length under `.lengthGrouped` batching), drawn from `random.stream(.shuffle, epoch)` alone, so it can be
    /// recomputed on resume.
    public func order(epoch: Int) -> [Int] {
        if let cached = epochOrder, cached.epoch == epoch { return cached.order }
        let order = configuration.batching.order(lengths: exampleLengths, batchSize: configuration.batchSize,
                                                 random: random, epoch: epoch)
        epochOrder = (epoch, order)
        return order
    }

    /// Runs from the current position until `maxSteps` updates are done or the evaluation hook says stop.
    @discardableResult
    public func run(observer: TrainingObserver? = nil, progress: ((TrainingProgress) -> Void)? = nil) throws -> TrainingOutcome {
        let batches = batchesPerEpoch, batchSize = configuration.batchSize
        var lossSum = 0.0, updates = 0
        while position.completedSteps < configuration.maxSteps && !position.stopped {
            isBetweenUpdates = false
            let epoch = position.epoch, b = position.batchInEpoch
            let order = order(epoch: epoch)
            let slice = order[(b * batchSize) ..< min((b + 1) * batchSize, examples.count)]
            let batch = TokenBatch(examples: slice.map { examples[$0] }, padTokenId: configuration.padTokenId)
            let result = try update(batch: batch)
            position.batchInEpoch += 1
            lossSum += Double(result.loss)
            updates += 1

            let record = TrainingUpdate(
                epoch: epoch, step: position.completedSteps, batchInEpoch: b, exampleIndices: batch.exampleIndices,
                labels: batch.labels, logits: result.logits, loss: result.loss, learningRate: result.learningRate,
                gradientNorm: result.gradientNorm)
            try observer?.didUpdate(record, trainer: self)
            if TrainingConfiguration.isEvaluationStep(position.completedSteps, interval: evaluationInterval,
                                                      maxSteps: configuration.maxSteps),
               let observer, try observer.evaluate(trainer: self) == .stop {
                position.stopped = true
            }
            let passEnded = position.batchInEpoch == batches
            if passEnded || position.completedSteps == configuration.maxSteps || position.stopped {
                try observer?.epochDidEnd(epoch: epoch, isComplete: passEnded,
                                          examplesSeen: min(position.batchInEpoch * batchSize, examples.count),
                                          trainer: self)
                position.epoch += 1
                position.batchInEpoch = 0
            }
            isBetweenUpdates = true
            try observer?.stepDidFinish(trainer: self)
            progress?(TrainingProgress(
                completedSteps: position.completedSteps, maxSteps: configuration.maxSteps, epoch: epoch,
                loss: result.loss, meanLoss: lossSum / Double(updates), learningRate: result.learningRate,
                trainingWallSeconds: trainingWallSeconds, evaluationWallSeconds: evaluationWallSeconds,
                trainingFLOPs: trainingFLOPs))
        }
        isBetweenUpdates = true
        return TrainingOutcome(
            completedSteps: position.completedSteps, stoppedEarly: position.stopped, trainingFLOPs: trainingFLOPs,
            evaluationFLOPs: evaluationFLOPs, trainingWallSeconds: trainingWallSeconds,
            evaluationWallSeconds: evaluationWallSeconds)
    }
}
