import FTFTIO
import FTFTStore

/// A training phase that stopped with an error: the error itself (a non-finite loss, a full store, an unwritable
/// checkpoint …) with the run it happened in, so a message on the command line says which run, method and seed
/// failed, where its last good checkpoint is, and what `ftft run` will do next. The run is marked `failed` in the
/// store with this text; the next `ftft run` of the experiment retries it from that checkpoint (the pipeline
/// resumes failed runs like interrupted ones, `PhaseRunner.run`), so a transient failure — a full disk — heals
/// itself and a deterministic one — a diverging learning rate — fails again at the same update.
public struct PhaseFailure: UserFacingError {
    public let title: String
    public let seed: UInt64
    public let run: RunID
    public let method: RunMethod
    public let role: RunRole
    /// Completed steps in the last checkpoint written (or resumed from) before the failure; nil if none.
    public let lastCheckpointStep: Int?
    public let checkpointPath: String
    public let underlying: Error

    /// The underlying error's status (a non-finite loss: failure; a checkpoint that cannot be used: bad input).
    public var exitStatus: ExitStatus { (underlying as? UserFacingError)?.exitStatus ?? .failure }

    public var description: String {
        let kept = lastCheckpointStep.map { "its last checkpoint (step \($0), \(checkpointPath)) is kept and `ftft run` retries from it" }
            ?? "it has no checkpoint yet and `ftft run` retries it from the start"
        return "\(title) (seed \(seed)): \(run) (method \(method.rawValue), \(role.rawValue)) failed: \(underlying); the run is marked failed, \(kept)"
    }
}
