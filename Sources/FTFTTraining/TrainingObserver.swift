/// What one optimizer update did: the training dynamics of its batch (method.md §2.1: the logits of the
/// training-mode forward pass, computed before the update that used them) and the optimizer's numbers.
public struct TrainingUpdate: Sendable {
    /// Pass over the data ("epoch" in FTFT), 0-based.
    public let epoch: Int
    /// Updates completed, this one included (1-based update number).
    public let step: Int
    /// Index of this batch within its epoch, 0-based.
    public let batchInEpoch: Int
    /// [B] the examples' `index` values, in batch order.
    public let exampleIndices: [Int]
    /// [B] gold labels.
    public let labels: [Int32]
    /// [B, K] logits of the training forward pass (dropout on), before this update.
    public let logits: [Float]
    /// Mean cross-entropy of the batch.
    public let loss: Float
    /// The learning rate this update used.
    public let learningRate: Double
    public let gradientNorm: GradientNorm
}

/// The evaluation hook's answer: go on, or stop training now (live early stopping).
public enum EvaluationDecision: Sendable, Equatable {
    case `continue`
    case stop
}

/// Hooks the training loop calls, in this order for each update u:
/// 1. `didUpdate` — after the optimizer step;
/// 2. `evaluate` — if u % eval_interval == 0 or u == max_steps;
/// 3. `epochDidEnd` — if u was the last update of its pass (complete, or cut short by max_steps or a stop);
/// 4. `stepDidFinish` — always; the trainer is between updates here, the only place (besides after `run`
///    returns) where `Trainer.saveCheckpoint` may be called.
/// An error thrown by a hook ends `run` with that error.
public protocol TrainingObserver: AnyObject {
    func didUpdate(_ update: TrainingUpdate, trainer: Trainer) throws
    func evaluate(trainer: Trainer) throws -> EvaluationDecision
    /// `examplesSeen` is the number of examples this pass trained on (all of them if `isComplete`).
    func epochDidEnd(epoch: Int, isComplete: Bool, examplesSeen: Int, trainer: Trainer) throws
    func stepDidFinish(trainer: Trainer) throws
}

extension TrainingObserver {
    public func didUpdate(_ update: TrainingUpdate, trainer: Trainer) throws {}
    public func evaluate(trainer: Trainer) throws -> EvaluationDecision { .continue }
    public func epochDidEnd(epoch: Int, isComplete: Bool, examplesSeen: Int, trainer: Trainer) throws {}
    public func stepDidFinish(trainer: Trainer) throws {}
}

/// Where the loop is, between updates. A run's whole random state is its seed plus this (the RNG is
/// counter-based: epoch e's order is `random.stream(.shuffle, e)`, update u's dropout `random.stream(.dropout, u − 1, …)`).
public struct TrainingPosition: Codable, Equatable, Sendable {
    /// Updates completed.
    public var completedSteps = 0
    /// The pass the next update belongs to.
    public var epoch = 0
    /// Index of the next batch within `epoch`; 0 means the pass has not started.
    public var batchInEpoch = 0
    /// Set when the evaluation hook answered `.stop`.
    public var stopped = false

    public init() {}
}

/// For the progress display (the CLI renders it); nothing here influences training.
public struct TrainingProgress: Sendable {
    public let completedSteps: Int
    public let maxSteps: Int
    public let epoch: Int
    public let loss: Float
    /// Mean loss over the updates of this `run` call (FTFT logs the same running mean).
    public let meanLoss: Double
    public let learningRate: Double
    public let trainingWallSeconds: Double
    public let evaluationWallSeconds: Double
    public let trainingFLOPs: Int64

    public init(completedSteps: Int, maxSteps: Int, epoch: Int, loss: Float, meanLoss: Double, learningRate: Double,
                trainingWallSeconds: Double, evaluationWallSeconds: Double, trainingFLOPs: Int64) {
        self.completedSteps = completedSteps
        self.maxSteps = maxSteps
        self.epoch = epoch
        self.loss = loss
        self.meanLoss = meanLoss
        self.learningRate = learningRate
        self.trainingWallSeconds = trainingWallSeconds
        self.evaluationWallSeconds = evaluationWallSeconds
        self.trainingFLOPs = trainingFLOPs
    }
}

/// What `Trainer.run` returns.
public struct TrainingOutcome: Sendable, Equatable {
    public let completedSteps: Int
    public let stoppedEarly: Bool
    /// FLOPs counted at the GEMM wrapper, training (forward + backward) and evaluation separately, including
    /// those before a resume.
    public let trainingFLOPs: Int64
    public let evaluationFLOPs: Int64
    /// Monotonic-clock seconds inside `Trainer.update` (forward, backward, clipping, AdamW) and inside
    /// `Trainer.evaluate` calls, including those before a resume.
    public let trainingWallSeconds: Double
    public let evaluationWallSeconds: Double
}
