import FTFTCartography
import FTFTStore

/// A stored run's training dynamics as the cartography module's `TrainingDynamics` (examples in training-file
/// order), so `ftft datamap` / `ftft select` work on runs of the store as on cartography files.
public enum StoreDynamics {
    /// The dynamics recorded in the training pass, or, if the run has none, from end-of-epoch passes.
    public static func trainingDynamics(store: RunStore, run: RunID) throws -> TrainingDynamics {
        var mode = RecordingMode.trainingPass
        if try store.recordedEpochs(run: run, mode: .trainingPass).isEmpty {
            guard try !store.recordedEpochs(run: run, mode: .epochEndEvaluation).isEmpty else {
                throw ExperimentError.unavailable(what: "training dynamics of \(run)", reason: "the run recorded no complete epoch")
            }
            mode = .epochEndEvaluation
        }
        return try store.trainingDynamics(run: run, mode: mode).dynamics
    }
}
