import FTFTIO
/// Errors of the training module. Steps are 1-based update numbers (the update that failed); files and tensors
/// are named where one is at fault.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// The loss of update `step` is NaN or infinite; no parameter was changed by it.
    case nonFiniteLoss(step: Int, loss: Float)
    /// A gradient of update `step` is NaN or infinite (the first such tensor named); no parameter was changed.
    case nonFiniteGradient(step: Int, tensor: String)
    case invalidConfiguration(field: String, reason: String)
    /// A training example that cannot be used (e.g. a label outside 0..<K, no tokens).
    case invalidExample(index: Int, reason: String)
    /// A checkpoint file that is not one of ftft's, or is damaged.
    case invalidCheckpoint(file: String, reason: String)
    /// A checkpoint that does not belong to this run (other model, data, seed or configuration).
    case checkpointMismatch(file: String, field: String, reason: String)

    public var description: String {
        switch self {
        case .nonFiniteLoss(let step, let loss):
            return "update \(step): the loss is \(loss); training stopped before applying it"
        case .nonFiniteGradient(let step, let tensor):
            return "update \(step): the gradient of \(tensor) is not finite; training stopped before applying it"
        case .invalidConfiguration(let field, let reason):
            return "invalid training configuration: \(field) \(reason)"
        case .invalidExample(let index, let reason):
            return "training example \(index): \(reason)"
        case .invalidCheckpoint(let file, let reason):
            return "\(file): not a usable ftft checkpoint: \(reason)"
        case .checkpointMismatch(let file, let field, let reason):
            return "\(file): the checkpoint does not belong to this run: \(field) \(reason)"
        }
    }
}

extension TrainingError: UserFacingError {
    /// A configuration, example or checkpoint that cannot be used is bad input; a loss or gradient that is not
    /// finite is a run-time failure.
    public var exitStatus: ExitStatus {
        switch self {
        case .invalidCheckpoint, .checkpointMismatch, .invalidConfiguration, .invalidExample: return .badInput
        case .nonFiniteLoss, .nonFiniteGradient: return .failure
        }
    }
}
