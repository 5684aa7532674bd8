import Foundation

/// Where a run's wall time goes besides training updates and evaluations (which the trainer times): preparing
/// its data and model, writing checkpoints, writing to the store, and the run's whole wall time. Kept with the
/// run's checkpoint, so a resumed run adds to what the earlier processes measured (up to its last checkpoint).
struct PhaseTimes: Codable, Equatable, Sendable {
    /// Loading the task, tokenizing, reading a data map and selecting a subset, building the model (loading its
    /// weights): what the run waited for before its first update. Work shared by several runs (the task, the
    /// tokenized sets) is charged to the first run that a process trains after doing it.
    var dataPreparationWallSeconds = 0.0
    var checkpointWallSeconds = 0.0
    /// Evaluations, dynamics epochs, ledger rows and run status written to the run store.
    var storeWriteWallSeconds = 0.0
    /// The run end to end in the processes that trained it (the parts above, training, evaluation and the rest).
    var phaseWallSeconds = 0.0
}

func wallSeconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}
