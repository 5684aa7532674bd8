import FTFTCartography

/// Records a run's training dynamics into the store through cartography's `DynamicsRecording`: each batch is
/// checked as it arrives (`EpochRecording`: known example, label equal to its gold label, no example twice,
/// finite logits) and each finished epoch is appended in one transaction (`appendEpoch`), rows in the order
/// they were processed.
///
/// The run's examples are given up front by their rows in the training file (`exampleIndices`, the trainer's
/// `data_idx`; a main run on a subset has a subset of rows), with their ids and gold labels, so a batch that
/// names an unknown row is an error, not a silent default.
public final class StoreDynamicsRecorder: DynamicsRecording {
    public let store: RunStore
    public let run: RunID
    public let mode: RecordingMode
    public let classCount: Int
    /// [N] rows of the training file, ascending; slot i of an `EpochRecording` is row `exampleIndices[i]`.
    public let exampleIndices: [Int]
    /// [N] by slot.
    public let exampleIDs: [String]
    /// [N] by slot.
    public let goldLabels: [Int]
    private let slotOfIndex: [Int: Int]
    /// The epoch being recorded; nil before the first batch and after a finished or dropped epoch.
    public private(set) var current: EpochRecording?
    /// Optimizer steps completed when the next `finishEpoch` closes its epoch (stored with the epoch).
    public var completedSteps: Int?

    /// `examples` are (row in the training file, id, gold label), in any order; rows must be distinct.
    public init(store: RunStore, run: RunID, mode: RecordingMode, classCount: Int,
                examples: [(index: Int, id: String, gold: Int)]) throws {
        let sorted = examples.sorted { $0.index < $1.index }
        // The cartography type's checks: unique ids, gold labels in 0..<C (with one epoch of zero logits).
        _ = try TrainingDynamics(exampleIDs: sorted.map(\.id), goldLabels: sorted.map(\.gold), classCount: classCount,
                                 epochCount: 1, logits: [Float](repeating: 0, count: sorted.count * classCount),
                                 metadata: DynamicsMetadata(mode: mode, source: "validation"))
        var slots = [Int: Int](minimumCapacity: sorted.count)
        for (slot, example) in sorted.enumerated() where slots.updateValue(slot, forKey: example.index) != nil {
            throw CartographyError.invalidDynamics(reason: "training row \(example.index) is given twice")
        }
        self.store = store
        self.run = run
        self.mode = mode
        self.classCount = classCount
        exampleIndices = sorted.map(\.index)
        exampleIDs = sorted.map(\.id)
        goldLabels = sorted.map(\.gold)
        slotOfIndex = slots
    }

    public func record(epoch: Int, exampleIndices indices: [Int], logits: UnsafeBufferPointer<Float>, labels: [Int]) throws {
        var recording = current ?? EpochRecording(epoch: epoch, exampleCount: exampleIDs.count, classCount: classCount)
        guard recording.epoch == epoch else {
            throw CartographyError.epochOutOfOrder(expected: recording.epoch, found: epoch)
        }
        let slots = try indices.map { index in
            guard let slot = slotOfIndex[index] else {
                throw CartographyError.exampleIndexOutOfRange(epoch: epoch, index: index, exampleCount: exampleIDs.count)
            }
            return slot
        }
        try recording.record(slots: slots, logits: logits, labels: labels, exampleIDs: exampleIDs, goldLabels: goldLabels)
        current = recording
    }

    /// Appends the finished epoch to the store (one transaction) and returns its logits by slot.
    public func finishEpoch(_ epoch: Int) throws -> EpochLogits {
        guard let recording = current, recording.epoch == epoch else {
            throw CartographyError.epochOutOfOrder(expected: current?.epoch ?? epoch, found: epoch)
        }
        let finished = try recording.finished(exampleIDs: exampleIDs)
        guard let pending = pendingRows else { return finished }
        let rows = DynamicsRows(exampleIndices: pending.exampleIndices, exampleIDs: recording.order.map { exampleIDs[$0] },
                                golds: recording.order.map { goldLabels[$0] }, classes: classCount, logits: pending.logits)
        try store.appendEpoch(run: run, epoch: epoch, mode: mode, completedSteps: completedSteps, rows: rows)
        current = nil
        return finished
    }

    /// Forgets the epoch being recorded (FTFT's rule for a last epoch cut short, method.md §2.1).
    public func dropCurrentEpoch() { current = nil }

    /// The current epoch's rows in processing order (row indices and [B, C] logits), for a checkpoint;
    /// `record` them again to resume.
    public var pendingRows: (epoch: Int, exampleIndices: [Int], logits: [Float])? {
        guard let recording = current else { return nil }
        let c = classCount
        var logits = [Float]()
        logits.reserveCapacity(recording.order.count * c)
        for slot in recording.order { logits += recording.logits[(slot * c)..<((slot + 1) * c)] }
        return (recording.epoch, recording.order.map { exampleIndices[$0] }, logits)
    }

    /// The gold label of a training row, for re-recording checkpointed rows.
    public func goldLabel(ofIndex index: Int) -> Int? { slotOfIndex[index].map { goldLabels[$0] } }
}
