@testable import FTFTCartography

/// In-memory recorder of training dynamics for N examples (see `DynamicsRecording`), for the cartography
/// tests: slots are example indices 0..<N. Epochs are recorded in order 0, 1, …; within an epoch, batches may
/// come in any order (the shuffle order), and each example must appear exactly once (`EpochRecording`).
final class DynamicsRecorder: DynamicsRecording {
    let exampleIDs: [String]
    let goldLabels: [Int]
    let classCount: Int
    let mode: RecordingMode
    private(set) var completedEpochs = 0

    private var completed: [Float] = []       // [completedEpochs, N, C]
    private var current: EpochRecording        // epoch `completedEpochs`

    init(exampleIDs: [String], goldLabels: [Int], classCount: Int, mode: RecordingMode) throws {
        // Validate ids and labels once, through the dynamics initialiser's checks (with zero epochs of logits).
        guard classCount >= 1 else { throw CartographyError.invalidDynamics(reason: "need at least one class") }
        _ = try TrainingDynamics(exampleIDs: exampleIDs, goldLabels: goldLabels, classCount: classCount, epochCount: 1,
                                 logits: [Float](repeating: 0, count: exampleIDs.count * classCount),
                                 metadata: DynamicsMetadata(mode: mode, source: "validation"))
        self.exampleIDs = exampleIDs
        self.goldLabels = goldLabels
        self.classCount = classCount
        self.mode = mode
        current = EpochRecording(epoch: 0, exampleCount: exampleIDs.count, classCount: classCount)
    }

    var exampleCount: Int { exampleIDs.count }

    /// Number of examples recorded so far in the current (unfinished) epoch.
    var recordedInCurrentEpoch: Int { current.recordedCount }

    func record(epoch: Int, exampleIndices: [Int], logits: UnsafeBufferPointer<Float>, labels: [Int]) throws {
        guard epoch == completedEpochs else { throw CartographyError.epochOutOfOrder(expected: completedEpochs, found: epoch) }
        try current.record(slots: exampleIndices, logits: logits, labels: labels, exampleIDs: exampleIDs, goldLabels: goldLabels)
    }

    func finishEpoch(_ epoch: Int) throws -> EpochLogits {
        guard epoch == completedEpochs else { throw CartographyError.epochOutOfOrder(expected: completedEpochs, found: epoch) }
        let finished = try current.finished(exampleIDs: exampleIDs)
        completed.append(contentsOf: finished.logits)
        completedEpochs += 1
        current = EpochRecording(epoch: completedEpochs, exampleCount: exampleIDs.count, classCount: classCount)
        return finished
    }

    /// The dynamics recorded so far. A complete but unfinished current epoch is included; an incomplete one is
    /// handled by `partialEpoch` (an epoch with no records at all is simply not there yet).
    func dynamics(partialEpoch: PartialEpochRule) throws -> TrainingDynamics {
        var logits = completed
        var epochs = completedEpochs
        var dropped = false
        if current.isComplete {
            logits.append(contentsOf: current.logits)
            epochs += 1
        } else if current.recordedCount > 0 {
            switch partialEpoch {
            case .reject: _ = try current.finished(exampleIDs: exampleIDs)
            case .dropIncompleteLastEpoch: dropped = true
            }
        }
        guard epochs > 0 else { throw CartographyError.tooFewEpochs(needed: 1, available: 0, reason: "a data map") }
        return TrainingDynamics(unchecked: exampleIDs, goldLabels: goldLabels, classCount: classCount, epochCount: epochs,
                                logits: logits,
                                metadata: DynamicsMetadata(mode: mode, source: "ftft recorder", droppedPartialEpoch: dropped))
    }
}
