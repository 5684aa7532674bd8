import FTFTStore
import FTFTTraining

/// Names one training phase for people: e.g. "ERM large", seed 0, "main".
public struct PhaseDescription: Sendable, Equatable {
    public var title: String
    public var seed: UInt64
    public var model: String
    public var role: RunRole
    public var maxSteps: Int
    public var trainingExamples: Int
    public var batchSize: Int

    public init(title: String, seed: UInt64, model: String, role: RunRole, maxSteps: Int, trainingExamples: Int,
                batchSize: Int) {
        self.title = title
        self.seed = seed
        self.model = model
        self.role = role
        self.maxSteps = maxSteps
        self.trainingExamples = trainingExamples
        self.batchSize = batchSize
    }
}

/// One checkpoint's evaluation, as the pipeline reports it while training (the store holds the same numbers).
public struct CheckpointEvaluation: Sendable {
    /// Optimizer steps completed.
    public var step: Int
    /// 1-based checkpoint number c.
    public var checkpoint: Int
    /// Each set's metric at full precision, in the task's order (validation, OOD dev sets, OOD test sets); no logits.
    public var results: [EvaluationResult]
    /// The early-stopping criterion: the mean OOD-dev metric from the rounded metrics (method.md §5.1).
    public var criterion: Double
    /// The monitor after this checkpoint (best checkpoint and value, checkpoints seen, whether it stops now);
    /// nil for runs without patience.
    public var earlyStopping: EarlyStopping?

    public init(step: Int, checkpoint: Int, results: [EvaluationResult], criterion: Double, earlyStopping: EarlyStopping?) {
        self.step = step
        self.checkpoint = checkpoint
        self.results = results
        self.criterion = criterion
        self.earlyStopping = earlyStopping
    }

    /// True when this evaluation ends the run early.
    public var stopping: Bool { earlyStopping?.shouldStop ?? false }
}

/// What the pipeline reports while it works (the CLI renders these on stderr; tests may collect them).
public enum PipelineEvent: Sendable {
    case phaseStarted(PhaseDescription, run: RunID, resumedAtStep: Int?)
    /// A finished run with the same configuration was found in the store and is used as it is.
    case phaseReused(PhaseDescription, run: RunID)
    case step(PhaseDescription, TrainingProgress)
    /// A checkpoint's evaluation has started set `index` (0-based) of `count`, named `set`.
    case evaluating(PhaseDescription, step: Int, set: String, index: Int, count: Int)
    case evaluated(PhaseDescription, CheckpointEvaluation)
    case phaseFinished(PhaseDescription, run: RunID, steps: Int, stoppedEarly: Bool, trainingWallSeconds: Double)
    case selected(title: String, seed: UInt64, count: Int, pool: Int)
    case note(String)
}
