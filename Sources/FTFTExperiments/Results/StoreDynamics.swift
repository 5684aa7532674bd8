import Foundation
import FTFTCartography
import FTFTStore

/// A stored run's training dynamics as the cartography module's `TrainingDynamics` (examples in training-file
/// order), so `ftft datamap` / `ftft select` work on runs of the store as on cartography files.
public enum StoreDynamics {
    /// The dynamics recorded in the training pass, or, if the run has none, from end-of-epoch passes.
    public static func trainingDynamics(store: RunStore, run: RunID) throws -> TrainingDynamics {
        _ = try existingRun(store: store, run: run)
        var mode = RecordingMode.trainingPass
        if try store.recordedEpochs(run: run, mode: .trainingPass).isEmpty {
            guard try !store.recordedEpochs(run: run, mode: .epochEndEvaluation).isEmpty else {
                let status = try store.run(run).status
                throw ExperimentError.unavailable(
                    what: "training dynamics of \(run)",
                    reason: "the run (\(status.rawValue)) recorded no complete epoch yet: it is a data map's reference run only once it has trained at least one full pass")
            }
            mode = .epochEndEvaluation
        }
        return try store.trainingDynamics(run: run, mode: mode).dynamics
    }

    /// The run, or an error naming the store and the runs it holds (`ftft runs` lists them).
    public static func existingRun(store: RunStore, run: RunID) throws -> Run {
        let runs = try store.runs()
        guard let found = runs.first(where: { $0.id == run }) else {
            throw ExperimentError.noSuchRun(store: store.path, run: run.rawValue, known: runs.map(\.id.rawValue))
        }
        return found
    }

    /// The paper's task family of the run's task (its Table 4 references), nil for any other task.
    public static func taskFamily(store: RunStore, run: RunID) throws -> EasyShareReference.TaskFamily? {
        let record = try existingRun(store: store, run: run)
        guard let configuration = try? JSONDecoder().decode(RunConfiguration.self, from: Data(record.configurationJSON.utf8))
        else { return nil }
        switch configuration.task.spec.kind {
        case .nli: return .nli
        case .hsd: return .hsd
        default: return nil
        }
    }
}
