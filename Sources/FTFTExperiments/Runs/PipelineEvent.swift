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

/// What the pipeline reports while it works (the CLI renders these on stderr; tests may collect them).
public enum PipelineEvent: Sendable {
    case phaseStarted(PhaseDescription, run: RunID, resumedAtStep: Int?)
    /// A finished run with the same configuration was found in the store and is used as it is.
    case phaseReused(PhaseDescription, run: RunID)
    case step(PhaseDescription, TrainingProgress)
    case evaluated(PhaseDescription, step: Int, checkpoint: Int, criterion: Double, best: Int?, stopping: Bool)
    case phaseFinished(PhaseDescription, run: RunID, steps: Int, stoppedEarly: Bool, trainingWallSeconds: Double)
    case selected(title: String, seed: UInt64, count: Int, pool: Int)
    case note(String)
}
