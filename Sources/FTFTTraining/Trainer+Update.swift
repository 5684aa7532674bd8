import FTFTEncoder
import FTFTTensors

extension Trainer {
    /// What one update returns to the loop.
    public struct UpdateResult: Sendable {
        public let loss: Float
        /// [B, K] training-mode logits, before the update.
        public let logits: [Float]
        public let learningRate: Double
        public let gradientNorm: GradientNorm
    }

    /// One optimizer update u = completedSteps + 1 on `batch` — the body of FTFT's inner loop
    /// (`F:trainers.py L86-96`): zero the gradients, forward + backward in training mode (dropout from
    /// `random.stream(.dropout, u − 1, site)`), clip, AdamW with the schedule's lr for u.
    ///
    /// A non-finite loss or gradient throws before any parameter changes, naming update u. Advances
    /// `position.completedSteps` only; the loop keeps the rest of the position. Tests and custom loops may call
    /// it directly with batches of their own.
    @discardableResult
    public func update(batch: TokenBatch) throws -> UpdateResult {
        let start = ContinuousClock.now
        defer { trainingWallSeconds += seconds(since: start) }
        let u = position.completedSteps + 1
        model.gradients.zero()
        let (loss, logits) = try model.trainingStep(batch: batch, random: random, step: u - 1, context: trainingContext)
        guard loss.isFinite else { throw TrainingError.nonFiniteLoss(step: u, loss: loss) }
        let norm = try GradientClipping.clip(gradients: model.gradients, entries: model.parameterEntries,
                                             maxNorm: configuration.maxGradNorm, step: u,
                                             threads: trainingContext.threads)
        let learningRate = schedule.learningRate(update: u)
        optimizer.step(parameters: model.parameters, gradients: model.gradients, learningRate: learningRate,
                       threads: trainingContext.threads)
        position.completedSteps = u
        return UpdateResult(loss: loss, logits: logits, learningRate: learningRate, gradientNorm: norm)
    }

    /// Evaluation-mode logits [N, K] for `examples`, in their order, batched as `batches` says (made once per set
    /// and kept with it; nil: cut now as `configuration.evaluationBatching` says); counted in `evaluationFLOPs`
    /// and `evaluationWallSeconds`.
    public func evaluate(_ examples: [EncodedExample], batches: EvaluationBatches? = nil) throws -> [Float] {
        let start = ContinuousClock.now
        defer { evaluationWallSeconds += seconds(since: start) }
        let batches = batches ?? EvaluationBatches(examples: examples, batching: configuration.evaluationBatching)
        return try predictLogits(model: model, examples: examples, batches: batches,
                                 padTokenId: configuration.padTokenId, context: evaluationContext)
    }
}

/// Evaluation-mode logits [N, K] of `model` for `examples`, in the given order (FTFT stores evaluation logits
/// in data-set order, method.md §1.6), in consecutive batches of `batchSize`, each padded to its longest example.
public func predictLogits(model: SequenceClassifier, examples: [EncodedExample], batchSize: Int = 64,
                          padTokenId: Int32 = 0, context: ComputeContext) throws -> [Float] {
    guard batchSize > 0 else {
        throw TrainingError.invalidConfiguration(field: "eval_batch_size", reason: "must be positive (got \(batchSize))")
    }
    let batching = EvaluationBatching(order: .dataSet, maxExamples: batchSize, maxTokens: nil)
    return try predictLogits(model: model, examples: examples, batches: EvaluationBatches(examples: examples, batching: batching),
                             padTokenId: padTokenId, context: context)
}

/// Evaluation-mode logits [N, K] of `model` for `examples`, returned in the examples' order whatever order
/// `batches` evaluates them in; each batch is padded to its longest example.
public func predictLogits(model: SequenceClassifier, examples: [EncodedExample], batches: EvaluationBatches,
                          padTokenId: Int32 = 0, context: ComputeContext) throws -> [Float] {
    guard batches.order.count == examples.count else {
        throw TrainingError.invalidConfiguration(
            field: "evaluation batches", reason: "cover \(batches.order.count) examples, the set has \(examples.count)")
    }
    for example in examples { try example.validate(numLabels: model.numLabels, allowUnlabelled: true) }
    let K = model.numLabels
    var out = [Float](repeating: 0, count: examples.count * K)
    for range in batches.batches {
        let members = batches.order[range]
        let batch = TokenBatch(examples: members.map { examples[$0] }, padTokenId: padTokenId)
        let logits = try model.logits(batch: batch, context: context)
        precondition(logits.count == members.count * K, "model returned \(logits.count) logits for \(members.count)×\(K)")
        for (row, position) in members.enumerated() {
            for k in 0..<K { out[position * K + k] = logits[row * K + k] }
        }
    }
    return out
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}
