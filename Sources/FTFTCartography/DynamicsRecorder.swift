/// What the trainer calls while it trains: per batch, the logits of the batch's examples; per epoch end,
/// `finishEpoch`. Implementations validate as they go and keep nothing half-recorded: a call that throws has
/// recorded nothing. `DynamicsRecorder` keeps everything in memory; the run store persists each finished epoch
/// (one transaction per `EpochLogits`).
public protocol DynamicsRecording: AnyObject {
    /// Records one batch. `exampleIndices` (B) are rows of the training set (FTFT's `data_idx`), `logits` is
    /// [B, C] row-major float32, `labels` (B) the labels the trainer used, checked against the gold labels.
    func record(epoch: Int, exampleIndices: [Int], logits: UnsafeBufferPointer<Float>, labels: [Int]) throws
    /// Closes `epoch`: every example must have been recorded exactly once. Returns the epoch's logits.
    func finishEpoch(_ epoch: Int) throws -> EpochLogits
}

extension DynamicsRecording {
    /// `record` for logits held in an array, [B, C] row-major.
    public func record(epoch: Int, exampleIndices: [Int], logits: [Float], labels: [Int]) throws {
        try logits.withUnsafeBufferPointer { try record(epoch: epoch, exampleIndices: exampleIndices, logits: $0, labels: labels) }
    }
}

/// One finished epoch: [N, C] float32 logits in training-file order.
public struct EpochLogits: Sendable, Equatable {
    public let epoch: Int
    public let logits: [Float]
}

/// What to do with a last epoch that is incomplete when the dynamics are taken (training stopped mid-epoch).
public enum PartialEpochRule: String, Sendable, CaseIterable {
    /// Throw `incompleteEpoch`, naming the first missing example.
    case reject
    /// FTFT's rule (`F:utils.py L134-139`, method.md §2.1): if any example lacks the last epoch, that whole epoch
    /// is discarded. Only the last epoch is affected; an earlier gap is always an error.
    case dropIncompleteLastEpoch = "drop-incomplete-last-epoch"
}

/// In-memory recorder of training dynamics for N examples (see `DynamicsRecording`).
///
/// Epochs are recorded in order 0, 1, …; within an epoch, batches may come in any order (the shuffle order),
/// and each example must appear exactly once. The same recorder serves both `RecordingMode`s: the trainer calls
/// it during training passes, or from its end-of-epoch evaluation pass, and states which in `mode`.
public final class DynamicsRecorder: DynamicsRecording {
    public let exampleIDs: [String]
    public let goldLabels: [Int]
    public let classCount: Int
    public let mode: RecordingMode
    public private(set) var completedEpochs = 0

    private var completed: [Float] = []       // [completedEpochs, N, C]
    private var current: [Float]              // [N, C] of epoch `completedEpochs`
    private var seen: [Bool]                  // N
    private var seenCount = 0

    public init(exampleIDs: [String], goldLabels: [Int], classCount: Int, mode: RecordingMode) throws {
        // Validate ids and labels once, through the dynamics initialiser's checks (with zero epochs of logits).
        guard classCount >= 1 else { throw CartographyError.invalidDynamics(reason: "need at least one class") }
        _ = try TrainingDynamics(exampleIDs: exampleIDs, goldLabels: goldLabels, classCount: classCount, epochCount: 1,
                                 logits: [Float](repeating: 0, count: exampleIDs.count * classCount),
                                 metadata: DynamicsMetadata(mode: mode, source: "validation"))
        self.exampleIDs = exampleIDs
        self.goldLabels = goldLabels
        self.classCount = classCount
        self.mode = mode
        current = [Float](repeating: 0, count: exampleIDs.count * classCount)
        seen = [Bool](repeating: false, count: exampleIDs.count)
    }

    public var exampleCount: Int { exampleIDs.count }

    /// Number of examples recorded so far in the current (unfinished) epoch.
    public var recordedInCurrentEpoch: Int { seenCount }

    public func record(epoch: Int, exampleIndices: [Int], logits: UnsafeBufferPointer<Float>, labels: [Int]) throws {
        guard epoch == completedEpochs else { throw CartographyError.epochOutOfOrder(expected: completedEpochs, found: epoch) }
        let b = exampleIndices.count, c = classCount, n = exampleIDs.count
        guard logits.count == b * c else { throw CartographyError.logitCount(epoch: epoch, expected: b * c, found: logits.count) }
        guard labels.count == b else {
            throw CartographyError.invalidDynamics(reason: "epoch \(epoch): \(labels.count) labels for a batch of \(b)")
        }
        // Pass 1: check everything before touching state.
        for (row, index) in exampleIndices.enumerated() {
            guard index >= 0, index < n else {
                throw CartographyError.exampleIndexOutOfRange(epoch: epoch, index: index, exampleCount: n)
            }
            guard labels[row] == goldLabels[index] else {
                throw CartographyError.labelMismatch(epoch: epoch, id: exampleIDs[index], recorded: labels[row],
                                                     expected: goldLabels[index])
            }
            if seen[index] { throw CartographyError.duplicateRecord(epoch: epoch, id: exampleIDs[index]) }
            for k in 0..<c where !logits[row * c + k].isFinite {
                throw CartographyError.nonFiniteRecordedLogit(epoch: epoch, id: exampleIDs[index], classIndex: k)
            }
        }
        // Pass 2: mark, undoing the marks if the batch itself repeats an example.
        for (row, index) in exampleIndices.enumerated() {
            if seen[index] {
                for undo in exampleIndices[..<row] { seen[undo] = false }
                throw CartographyError.duplicateRecord(epoch: epoch, id: exampleIDs[index])
            }
            seen[index] = true
        }
        for (row, index) in exampleIndices.enumerated() {
            for k in 0..<c { current[index * c + k] = logits[row * c + k] }
        }
        seenCount += b
    }

    public func finishEpoch(_ epoch: Int) throws -> EpochLogits {
        guard epoch == completedEpochs else { throw CartographyError.epochOutOfOrder(expected: completedEpochs, found: epoch) }
        if seenCount < exampleIDs.count {
            let first = seen.firstIndex(of: false) ?? 0
            throw CartographyError.incompleteEpoch(epoch: epoch, missing: exampleIDs.count - seenCount,
                                                   firstMissingID: exampleIDs[first])
        }
        let finished = EpochLogits(epoch: epoch, logits: current)
        completed.append(contentsOf: current)
        completedEpochs += 1
        for i in seen.indices { seen[i] = false }
        seenCount = 0
        return finished
    }

    /// The dynamics recorded so far. A complete but unfinished current epoch is included; an incomplete one is
    /// handled by `partialEpoch` (an epoch with no records at all is simply not there yet).
    public func dynamics(partialEpoch: PartialEpochRule) throws -> TrainingDynamics {
        var logits = completed
        var epochs = completedEpochs
        var dropped = false
        if seenCount == exampleIDs.count {
            logits.append(contentsOf: current)
            epochs += 1
        } else if seenCount > 0 {
            switch partialEpoch {
            case .reject:
                let first = seen.firstIndex(of: false) ?? 0
                throw CartographyError.incompleteEpoch(epoch: completedEpochs, missing: exampleIDs.count - seenCount,
                                                       firstMissingID: exampleIDs[first])
            case .dropIncompleteLastEpoch:
                dropped = true
            }
        }
        guard epochs > 0 else { throw CartographyError.tooFewEpochs(needed: 1, available: 0, reason: "a data map") }
        return TrainingDynamics(unchecked: exampleIDs, goldLabels: goldLabels, classCount: classCount, epochCount: epochs,
                                logits: logits,
                                metadata: DynamicsMetadata(mode: mode, source: "ftft recorder", droppedPartialEpoch: dropped))
    }
}
