/// The knobs of one training run, with FTFT's defaults (method.md §1, `F:config.py`).
public struct TrainingConfiguration: Codable, Equatable, Sendable {
    /// `max_train_steps`: optimizer updates in total; the schedule spans all of them.
    public var maxSteps: Int
    /// Train batch size (32).
    public var batchSize: Int
    /// Peak learning rate of the linear schedule.
    public var learningRate: Double
    /// `warmup_rate` (0.1): a fraction of `maxSteps` if < 1, else a number of steps.
    public var warmupRate: Double
    public var adam: AdamWHyperparameters
    /// `max_grad_norm` (1.0); nil turns clipping off (`--no_grad_clip`).
    public var maxGradNorm: Double?
    /// `eval_interval`; nil means the number of batches per epoch (`F:trainers.py L73-74`).
    public var evalInterval: Int?
    /// How each pass's shuffled order is cut into batches (`random`, FTFT's, unless told).
    public var batching: TrainingBatching
    /// How evaluation sets are cut into batches (FTFT: 64 in data-set order; ftft's default: by length, up to
    /// 8,192 padded tokens per batch). The logits are the same function either way (see `EvaluationBatches`).
    public var evaluationBatching: EvaluationBatching
    /// Token id used to pad batches.
    public var padTokenId: Int32

    public init(maxSteps: Int, batchSize: Int = 32, learningRate: Double, warmupRate: Double = 0.1,
                adam: AdamWHyperparameters = .init(), maxGradNorm: Double? = 1.0, evalInterval: Int? = nil,
                batching: TrainingBatching = .random, evaluationBatching: EvaluationBatching = .standard,
                padTokenId: Int32 = 0) {
        self.maxSteps = maxSteps
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.warmupRate = warmupRate
        self.adam = adam
        self.maxGradNorm = maxGradNorm
        self.evalInterval = evalInterval
        self.batching = batching
        self.evaluationBatching = evaluationBatching
        self.padTokenId = padTokenId
    }

    /// Names the first field out of range.
    public func validate() throws {
        func require(_ ok: Bool, _ field: String, _ why: String) throws {
            if !ok { throw TrainingError.invalidConfiguration(field: field, reason: why) }
        }
        try require(maxSteps >= 0, "max_steps", "must not be negative (got \(maxSteps))")
        try require(batchSize > 0, "batch_size", "must be positive (got \(batchSize))")
        if case .lengthGrouped(let k) = batching {
            try require(k >= 1, "mega_batch_mult", "must be at least 1 (got \(k))")
        }
        try evaluationBatching.validate()
        try require(learningRate.isFinite && learningRate >= 0, "learning_rate", "must be finite and ≥ 0 (got \(learningRate))")
        try require(warmupRate.isFinite && warmupRate >= 0, "warmup_rate", "must be finite and ≥ 0 (got \(warmupRate))")
        try require((0..<1).contains(adam.beta1), "adam_beta1", "must be in [0, 1) (got \(adam.beta1))")
        try require((0..<1).contains(adam.beta2), "adam_beta2", "must be in [0, 1) (got \(adam.beta2))")
        try require(adam.epsilon > 0 && adam.epsilon.isFinite, "adam_eps", "must be positive (got \(adam.epsilon))")
        try require(adam.weightDecay >= 0 && adam.weightDecay.isFinite, "weight_decay", "must be finite and ≥ 0 (got \(adam.weightDecay))")
        if let maxGradNorm {
            try require(maxGradNorm > 0 && maxGradNorm.isFinite, "max_grad_norm", "must be positive (got \(maxGradNorm))")
        }
        if let evalInterval { try require(evalInterval > 0, "eval_interval", "must be positive (got \(evalInterval))") }
    }

    /// Batches per pass over `exampleCount` examples, the last one smaller (no drop_last): ⌈N / B⌉.
    /// MNLI: ⌈392702 / 32⌉ = 12272 (method.md §1.5).
    public static func batchesPerEpoch(exampleCount: Int, batchSize: Int) -> Int {
        (exampleCount + batchSize - 1) / batchSize
    }

    /// FTFT evaluates after update s (1-based) when s % eval_interval == 0 or s == max_train_steps
    /// (`F:trainers.py L116-117`): 13 evaluations for 49088 steps every 4090, 9 for 1620 every 180.
    public static func isEvaluationStep(_ s: Int, interval: Int, maxSteps: Int) -> Bool {
        s % interval == 0 || s == maxSteps
    }
}
