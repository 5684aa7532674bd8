/// What the trainer calls while it trains: per batch, the logits of the batch's examples; per epoch end,
/// `finishEpoch`. Implementations validate as they go (`EpochRecording` does the checks) and keep nothing
/// half-recorded: a call that throws has recorded nothing. The pipeline records through the run store's
/// `StoreDynamicsRecorder`, which persists each finished epoch in one transaction; the cartography tests use an
/// in-memory recorder.
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

/// One epoch of training dynamics as it arrives, batch by batch, for N examples known in advance by slot
/// 0..<N: the checks every `DynamicsRecording` makes, in one place. A batch is checked whole (slots in range,
/// labels equal to the gold labels, no example twice, finite logits) before any of it is kept.
public struct EpochRecording: Sendable, Equatable {
    public let epoch: Int
    public let classCount: Int
    /// [N, C] row-major by slot; rows not yet recorded are 0.
    public private(set) var logits: [Float]
    /// The slots recorded so far, in the order they were recorded (the epoch's processing order).
    public private(set) var order: [Int] = []
    private var seen: [Bool]

    public init(epoch: Int, exampleCount: Int, classCount: Int) {
        self.epoch = epoch
        self.classCount = classCount
        logits = [Float](repeating: 0, count: exampleCount * classCount)
        seen = [Bool](repeating: false, count: exampleCount)
    }

    public var exampleCount: Int { seen.count }
    public var recordedCount: Int { order.count }
    public var isComplete: Bool { order.count == seen.count }

    /// Records B rows: `slots` (B), `logits` [B, C] row-major, `labels` (B) as the trainer used them.
    /// `exampleIDs` and `goldLabels` (N, by slot) name examples in errors and are the labels' reference;
    /// `indexOfSlot` gives the index an error reports for a slot (the caller's own numbering).
    public mutating func record(slots: [Int], logits batch: UnsafeBufferPointer<Float>, labels: [Int],
                                exampleIDs: [String], goldLabels: [Int]) throws {
        let b = slots.count, c = classCount, n = seen.count
        guard batch.count == b * c else { throw CartographyError.logitCount(epoch: epoch, expected: b * c, found: batch.count) }
        guard labels.count == b else {
            throw CartographyError.invalidDynamics(reason: "epoch \(epoch): \(labels.count) labels for a batch of \(b)")
        }
        var inBatch = Set<Int>(minimumCapacity: b)
        for (row, slot) in slots.enumerated() {
            guard slot >= 0, slot < n else { throw CartographyError.exampleIndexOutOfRange(epoch: epoch, index: slot, exampleCount: n) }
            guard labels[row] == goldLabels[slot] else {
                throw CartographyError.labelMismatch(epoch: epoch, id: exampleIDs[slot], recorded: labels[row],
                                                     expected: goldLabels[slot])
            }
            guard !seen[slot], inBatch.insert(slot).inserted else {
                throw CartographyError.duplicateRecord(epoch: epoch, id: exampleIDs[slot])
            }
            for k in 0..<c where !batch[row * c + k].isFinite {
                throw CartographyError.nonFiniteRecordedLogit(epoch: epoch, id: exampleIDs[slot], classIndex: k)
            }
        }
        for (row, slot) in slots.enumerated() {
            seen[slot] = true
            for k in 0..<c { logits[slot * c + k] = batch[row * c + k] }
        }
        order += slots
    }

    /// The finished epoch; throws `incompleteEpoch` naming the first example not recorded.
    public func finished(exampleIDs: [String]) throws -> EpochLogits {
        guard isComplete else {
            let first = seen.firstIndex(of: false) ?? 0
            throw CartographyError.incompleteEpoch(epoch: epoch, missing: seen.count - order.count,
                                                   firstMissingID: exampleIDs[first])
        }
        return EpochLogits(epoch: epoch, logits: logits)
    }
}
