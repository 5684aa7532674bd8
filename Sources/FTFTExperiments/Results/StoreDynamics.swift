import FTFTCartography
import FTFTStore

/// A stored run's training dynamics as the cartography module's `TrainingDynamics` (examples in training-file
/// order), so `ftft datamap` / `ftft select` work on runs of the store as on cartography files.
public enum StoreDynamics {
    /// The dynamics recorded in the training pass, or, if the run has none, from end-of-epoch passes.
    public static func trainingDynamics(store: RunStore, run: RunID) throws -> TrainingDynamics {
        var mode = DynamicsMode.trainingPass
        if try store.recordedEpochs(run: run, mode: .trainingPass).isEmpty {
            guard try !store.recordedEpochs(run: run, mode: .endOfEpochPass).isEmpty else {
                throw ExperimentError.unavailable(what: "training dynamics of \(run)", reason: "the run recorded no complete epoch")
            }
            mode = .endOfEpochPass
        }
        let recorded = try store.dynamics(run: run, mode: mode)
        return try TrainingDynamics(
            exampleIDs: recorded.exampleIDs, goldLabels: recorded.golds, classCount: recorded.classes,
            epochCount: recorded.epochs.count, logits: recorded.logits,
            metadata: DynamicsMetadata(mode: mode == .trainingPass ? .trainingPass : .epochEndEvaluation,
                                       source: "ftft run store \(store.path), \(run)"))
    }
}
