import FTFTData
import FTFTIO
import FTFTStore

/// One evaluation of a run: each set's metric as stored (rounded to 4 decimals, as FTFT stores it) and the
/// early-stopping criterion computed from them.
public struct CheckpointResult: Sendable, Equatable {
    /// 1-based evaluation number c.
    public var checkpoint: Int
    public var step: Int
    /// Validation and OOD dev sets, by name.
    public var dev: [String: Double]
    /// OOD test sets, by name.
    public var test: [String: Double]
    /// Mean OOD-dev metric (method.md §5.1).
    public var criterion: Double
}

/// The evaluations of a stored run, checkpoint by checkpoint.
public enum RunResults {
    public static func checkpoints(store: RunStore, run: RunID, task: TaskDefinition) throws -> [CheckpointResult] {
        var byStep: [Int: CheckpointResult] = [:]
        for e in try store.evaluations(run: run) {
            var c = byStep[e.step] ?? CheckpointResult(checkpoint: e.checkpoint, step: e.step, dev: [:], test: [:], criterion: .nan)
            switch e.split {
            case .dev: c.dev[e.dataset] = e.value
            case .test: c.test[e.dataset] = e.value
            }
            byStep[e.step] = c
        }
        return try byStep.values.sorted { $0.step < $1.step }.map { c in
            var c = c
            c.criterion = try task.earlyStoppingCriterion(devMetrics: c.dev)
            return c
        }
    }

    /// The checkpoint reported for a run (method.md §5.1): for an early-stopped method the best by the criterion
    /// (ties keep the earlier one, as `EarlyStopping`); for a full-length one the last, which is what a
    /// full-length run of FTFT's code leaves and what its ERM and DM rows report.
    public static func reported(_ checkpoints: [CheckpointResult], earlyStopped: Bool) -> CheckpointResult? {
        guard earlyStopped else { return checkpoints.last }
        var best: CheckpointResult?
        for c in checkpoints where best == nil || c.criterion > best?.criterion ?? -.infinity { best = c }
        return best
    }

    /// SHA-256 (hex) over the logits `run` stored at `step`, every set in (split, name) order, each value as its
    /// little-endian float32 bits; nil when none are stored.
    public static func logitsFingerprint(store: RunStore, run: RunID, step: Int) throws -> String? {
        let sets = try store.evaluations(run: run).filter { $0.step == step }
            .sorted { ($0.split.rawValue, $0.dataset) < ($1.split.rawValue, $1.dataset) }
        var bytes: [UInt8] = []
        for e in sets {
            guard let logits = try store.evaluationLogits(run: run, step: step, split: e.split, dataset: e.dataset) else {
                return nil
            }
            bytes += Array("\(e.split.rawValue)/\(e.dataset)/\(logits.classes):".utf8)
            for v in logits.values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
        }
        return sets.isEmpty ? nil : SHA256.hex(of: bytes)
    }

    /// An early-stopped row read post hoc from its full-length counterpart `run` (`early_stopping: post_hoc`):
    /// the stop T = min(b + k, K) from the counterpart's criterion curve, its checkpoints up to T, the best b among
    /// them, and the ledger as the live run would have it at T. nil when the counterpart did not record that —
    /// no ledger entry at T, or not every set at b (a run recorded before `post_hoc`, or trained live).
    public struct PostHocReading: Sendable {
        public var checkpoints: [CheckpointResult]
        public var reported: CheckpointResult
        public var trained: Int
        public var compute: ComputeEntry
    }

    public static func postHocReading(store: RunStore, run: RunID, patience: Int, task: TaskDefinition) throws -> PostHocReading? {
        let all = try checkpoints(store: store, run: run, task: task)
        guard let stop = EarlyStopping.postHoc(criterion: all.map(\.criterion), patience: patience),
              all.count >= stop.trained else { return nil }
        var kept = Array(all.prefix(stop.trained))
        if PhaseRunner.policy(of: try store.run(run)) != .everyCheckpoint {
            // What the live run recorded: the other sets only at its new bests. The counterpart also has them at
            // its own last checkpoint, which may be the stop without being a new best.
            let stopping = Set(task.oodDev.map(\.name))
            var best = -Double.infinity
            for i in kept.indices {
                if kept[i].criterion <= best {
                    kept[i].dev = kept[i].dev.filter { stopping.contains($0.key) }
                    kept[i].test = [:]
                }
                best = max(best, kept[i].criterion)
            }
        }
        guard let best = reported(kept, earlyStopped: true), best.checkpoint == stop.best,
              Set(best.dev.keys).union(best.test.keys) == Set(task.allSets.dropFirst().map(\.name)),
              let compute = try store.ledger(run: run).first(where: { $0.phase == ledgerPhase(checkpoint: stop.trained) })
        else { return nil }
        return PostHocReading(checkpoints: kept, reported: best, trained: stop.trained, compute: compute)
    }

    /// The ledger phase of a post-hoc counterpart's entry at checkpoint c (1-based): its ledger as the live
    /// early-stopped run would have it there (written beside its own "train" entry).
    public static func ledgerPhase(checkpoint: Int) -> String { "train@checkpoint-\(checkpoint)" }

    /// The training-phase ledger entry of a run.
    public static func compute(store: RunStore, run: RunID) throws -> ComputeEntry {
        guard let entry = try store.ledger(run: run).first(where: { $0.phase == "train" }) else {
            throw ExperimentError.inconsistentStore(reason: "\(run) has no compute ledger entry")
        }
        return entry
    }
}

/// Mean and sample standard deviation (ddof 1, Bessel) over seeds; the standard deviation is NaN for one seed.
public struct SeedSummary: Sendable, Equatable {
    public var mean: Double
    public var standardDeviation: Double
    public var count: Int

    public init(_ values: [Double]) {
        count = values.count
        mean = values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
        if values.count < 2 {
            standardDeviation = .nan
        } else {
            let m = mean
            standardDeviation = (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
        }
    }
}
