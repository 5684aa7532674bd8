/// Early stopping with patience k on a criterion evaluated at checkpoints c = 1, 2, … (paper §6; method.md §5.1).
///
/// The criterion is the average OOD-dev metric (ANLI R1–R3 dev accuracy for NLI, the mean macro-F1 of the six
/// DynaHate dev sets for HSD), computed from the stored metrics, which are rounded to 4 decimals as FTFT stores
/// them. A checkpoint improves on the best so far only if strictly greater (ties keep the earlier one). After
/// `patience` consecutive checkpoints without improvement, training stops: the run has trained
/// T = min(b + k, K) checkpoints, where b is the best, and the model reported is checkpoint b.
public struct EarlyStopping: Sendable, Equatable, Codable {
    public let patience: Int
    public private(set) var bestCheckpoint: Int? = nil   // 1-based
    public private(set) var bestValue: Double = -.infinity
    public private(set) var checkpointsSeen = 0
    public private(set) var shouldStop = false

    public init(patience: Int) {
        precondition(patience >= 1, "patience must be at least 1 (validated when the experiment is loaded)")
        self.patience = patience
    }

    /// Records the criterion at the next checkpoint; returns true when training should stop now.
    @discardableResult
    public mutating func observe(_ value: Double) -> Bool {
        checkpointsSeen += 1
        if bestCheckpoint == nil || value > bestValue {
            bestValue = value
            bestCheckpoint = checkpointsSeen
        }
        if let best = bestCheckpoint, checkpointsSeen - best >= patience { shouldStop = true }
        return shouldStop
    }

    /// The paper's post-hoc accounting on a full run's logged criterion values (one per checkpoint, K of them):
    /// returns the best checkpoint b and the checkpoints trained T = min(b + k, K).
    public static func postHoc(criterion: [Double], patience: Int) -> (best: Int, trained: Int)? {
        var monitor = EarlyStopping(patience: patience)
        for value in criterion {
            if monitor.observe(value) { break }
        }
        guard let best = monitor.bestCheckpoint else { return nil }
        return (best, monitor.checkpointsSeen)
    }
}
