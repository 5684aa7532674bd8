/// How a run's per-epoch logits were obtained (issue 4). The recorder is the same for both; the trainer decides
/// and says which, so a data map can state what it was computed from.
public enum RecordingMode: String, Sendable, Codable, CaseIterable {
    /// Logits of the training forward pass (train mode, dropout on), taken before that batch's optimizer step:
    /// what both FTFT (`F:trainers.py L86-113`) and cartography (`C:run_glue.py L222-241`) record (method.md §2).
    case trainingPass = "training-pass"
    /// Logits of a separate evaluation pass over the training set at each epoch's end (eval mode); costs one
    /// extra forward pass per epoch, which the compute ledger reports.
    case epochEndEvaluation = "epoch-end-evaluation"
    /// Imported from files that do not say (e.g. cartography's `dynamics_epoch_{e}.jsonl`).
    case unknown
}

/// What a `TrainingDynamics` value was made from.
public struct DynamicsMetadata: Sendable, Equatable, Codable {
    public var mode: RecordingMode
    /// Free text naming the producer, e.g. "ftft recorder" or "cartography files in /path".
    public var source: String
    /// True when an incomplete last epoch was dropped by FTFT's rule (method.md §2.1).
    public var droppedPartialEpoch: Bool

    public init(mode: RecordingMode, source: String, droppedPartialEpoch: Bool = false) {
        self.mode = mode
        self.source = source
        self.droppedPartialEpoch = droppedPartialEpoch
    }
}

/// The training dynamics of one run: logits for N examples × E epochs × C classes plus gold labels.
///
/// Layout (compact, one allocation): `logits` is epoch-major, shape [E, N, C] flattened, so element
/// (epoch e, example i, class c) is at `(e·N + i)·C + c`. Epoch-major because dynamics arrive one epoch at a
/// time (recorder, store, cartography files) and burn-out keeps a prefix of epochs.
///
/// Example ids are strings (FTFT's uids are strings, cartography's guids integers); `integerID(at:)` gives the
/// integer view cartography's files need. Examples are kept in training-file order (for imports: the order of
/// first appearance in epoch 0, which is cartography's `index`). Dynamics are rectangular: ragged inputs are
/// rejected or trimmed by the reader, never stored.
public struct TrainingDynamics: Sendable, Equatable {
    public let exampleIDs: [String]
    public let goldLabels: [Int]
    public let classCount: Int
    public let epochCount: Int
    /// [E, N, C] float32, see above.
    public let logits: [Float]
    public var metadata: DynamicsMetadata

    public var exampleCount: Int { exampleIDs.count }

    /// Builds and validates: shapes agree, ids are unique, gold labels lie in 0..<C, every logit is finite.
    public init(exampleIDs: [String], goldLabels: [Int], classCount: Int, epochCount: Int, logits: [Float],
                metadata: DynamicsMetadata) throws {
        let n = exampleIDs.count
        guard n > 0 else { throw CartographyError.invalidDynamics(reason: "no examples") }
        guard classCount >= 1, epochCount >= 1 else {
            throw CartographyError.invalidDynamics(reason: "need at least one class and one epoch (C = \(classCount), E = \(epochCount))")
        }
        guard goldLabels.count == n else {
            throw CartographyError.invalidDynamics(reason: "\(goldLabels.count) gold labels for \(n) examples")
        }
        guard logits.count == epochCount * n * classCount else {
            throw CartographyError.invalidDynamics(
                reason: "\(logits.count) logits but E·N·C = \(epochCount)·\(n)·\(classCount) = \(epochCount * n * classCount)")
        }
        var seen = Set<String>(minimumCapacity: n)
        for id in exampleIDs where !seen.insert(id).inserted {
            throw CartographyError.invalidDynamics(reason: "example id \(id) occurs twice")
        }
        for (i, gold) in goldLabels.enumerated() where gold < 0 || gold >= classCount {
            throw CartographyError.invalidDynamics(reason: "example \(exampleIDs[i]) has gold label \(gold), outside 0..<\(classCount)")
        }
        if let bad = logits.firstIndex(where: { !$0.isFinite }) {
            let example = (bad / classCount) % n
            throw CartographyError.nonFiniteRecordedLogit(
                epoch: bad / (n * classCount), id: exampleIDs[example], classIndex: bad % classCount)
        }
        self.init(unchecked: exampleIDs, goldLabels: goldLabels, classCount: classCount, epochCount: epochCount,
                  logits: logits, metadata: metadata)
    }

    /// For producers that validated as they went (the recorder, the cartography reader).
    init(unchecked exampleIDs: [String], goldLabels: [Int], classCount: Int, epochCount: Int, logits: [Float],
         metadata: DynamicsMetadata) {
        self.exampleIDs = exampleIDs
        self.goldLabels = goldLabels
        self.classCount = classCount
        self.epochCount = epochCount
        self.logits = logits
        self.metadata = metadata
    }

    /// Offset of the C logits of (epoch, example) in `logits`.
    @inline(__always)
    public func offset(epoch: Int, example: Int) -> Int { (epoch * exampleIDs.count + example) * classCount }

    /// The C logits of one example in one epoch.
    public func logits(epoch: Int, example: Int) -> ArraySlice<Float> {
        let start = offset(epoch: epoch, example: example)
        return logits[start ..< start + classCount]
    }

    /// The first `k` epochs only (cartography's `--burn_out k`, method.md §3). k must be in 1...E.
    public func keepingFirstEpochs(_ k: Int) throws -> TrainingDynamics {
        guard k >= 1, k <= epochCount else { throw CartographyError.burnOutOutOfRange(burnOut: k, epochs: epochCount) }
        if k == epochCount { return self }
        return TrainingDynamics(unchecked: exampleIDs, goldLabels: goldLabels, classCount: classCount, epochCount: k,
                                logits: Array(logits[0 ..< k * exampleIDs.count * classCount]), metadata: metadata)
    }

    /// The id of example i as an integer, if it is a canonical decimal integer (what cartography's `guid` is);
    /// nil otherwise.
    public func integerID(at i: Int) -> Int64? { canonicalInteger(exampleIDs[i]) }
}

/// The value of `text` if it is a canonical decimal integer (optional "-", no leading zeros, no "+", fits
/// Int64), so that printing the value gives `text` back; nil otherwise.
func canonicalInteger(_ text: String) -> Int64? {
    guard let value = Int64(text), String(value) == text else { return nil }
    return value
}
