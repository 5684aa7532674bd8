import Foundation
import FTFTIO
import FTFTStore

/// Where one planned run stands, from the experiment's store and its shard.
public enum PlannedRunState: Sendable, Equatable {
    /// Finished in `place` ("ftft.sqlite", or "shards/<id>.sqlite" not merged yet).
    case finished(place: String)
    /// Started in `place` but not finished: running, interrupted or failed (the store's status), with the steps of
    /// its last checkpoint.
    case unfinished(place: String, status: String, steps: Int?)
    case notStarted

    public var isFinished: Bool { if case .finished = self { return true } else { return false } }

    /// "reuse (ftft.sqlite)", "resume (shards/….sqlite: interrupted at step 120)", "train".
    public var text: String {
        switch self {
        case .finished(let place): return "reuse (\(place))"
        case .unfinished(let place, let status, let steps):
            return "resume (\(place): \(status)\(steps.map { " at step \($0)" } ?? ""))"
        case .notStarted: return "train"
        }
    }
}

extension ExperimentRunner {
    /// Where each planned run stands: the experiment's store first, then the run's shard (read-only; a shard
    /// being written that cannot be read right now counts as unfinished).
    public func states(of plan: ExperimentPlan) -> [Int64: PlannedRunState] {
        var states: [Int64: PlannedRunState] = [:]
        for planned in plan.runs {
            var state = PlannedRunState.notStarted
            if let run = try? storedRun(planned.configurationSHA256, in: store) {
                state = run.status == .finished ? .finished(place: RunStore.fileName)
                    : .unfinished(place: RunStore.fileName, status: run.status.rawValue, steps: try? store.recordedSteps(run: run.id))
            }
            if !state.isFinished {
                let path = ExperimentPlan.shardPath(directory, run: planned.id)
                let place = "shards/\(planned.id).sqlite"
                if FileManager.default.fileExists(atPath: path) {
                    if let shard = try? RunStore.open(path: path, access: .readOnly, options: RunStore.Options(busyTimeoutSeconds: 1, journal: .rollback)),
                       let run = try? shard.runs().first(where: { $0.id.rawValue == planned.id }) {
                        state = run.status == .finished ? .finished(place: place)
                            : .unfinished(place: place, status: run.status.rawValue, steps: try? shard.recordedSteps(run: run.id))
                    } else if case .notStarted = state {
                        state = .unfinished(place: place, status: "started", steps: nil)
                    }
                }
            }
            states[planned.id] = state
        }
        return states
    }

    /// The run with this configuration in `store`: finished if there is one, else the latest unfinished one.
    func storedRun(_ sha: String, in store: RunStore) throws -> Run? {
        for status in [RunStatus.finished, .interrupted, .running, .failed] {
            for role in RunRole.allCases {
                if let run = try store.findRun(configurationSHA256: sha, role: role, status: status) { return run }
            }
        }
        return nil
    }

    /// What `runShard` did.
    public enum ShardOutcome: Sendable, Equatable {
        case trained(RunID, shard: String)
        case alreadyFinished(RunID, place: String)
    }

    /// Trains exactly `planned`, writing only its shard (`shards/<id>.sqlite`, rollback journal, created if needed):
    /// the run it depends on is read, read-only, from the experiment's store or from its own shard, and its row is
    /// borrowed into this shard with the data map and selection made from it. Nothing is done when the run is
    /// finished already (in the experiment's store or the shard). The runner must have been made `readOnly`.
    ///
    /// One process per shard: a lock file beside it (`shards/<id>.lock`) refuses a second process at once.
    public func runShard(_ planned: ExperimentPlan.PlannedRun) throws -> ShardOutcome {
        if let run = try storedRun(planned.configurationSHA256, in: store), run.status == .finished {
            return .alreadyFinished(run.id, place: RunStore.fileName)
        }
        let path = ExperimentPlan.shardPath(directory, run: planned.id)
        try FileManager.default.createDirectory(atPath: ExperimentPlan.shardDirectory(directory), withIntermediateDirectories: true)
        let lockPath = URL(fileURLWithPath: ExperimentPlan.shardDirectory(directory)).appendingPathComponent("\(planned.id).lock").path
        guard let lock = try FileLock.acquire(path: lockPath, timeoutSeconds: 0) else {
            throw ExperimentError.unavailable(what: "run \(planned.id) (\(planned.title), seed \(planned.seed))",
                                              reason: "another process is writing its shard \(path) (it holds \(lockPath))")
        }
        defer { lock.release() }
        let shard = try RunStore.open(path: path, access: .readWrite, options: RunStore.Options(journal: .rollback))
        if let other = try shard.shardRun(), other.rawValue != planned.id {
            throw ExperimentError.inconsistentStore(reason: "\(path) is the shard of \(other), not of run \(planned.id)")
        }
        try shard.markShard(of: planned.runID)
        if let run = try storedRun(planned.configurationSHA256, in: shard), run.status == .finished {
            return .alreadyFinished(run.id, place: path)
        }
        if let dependency = planned.dependsOn {
            let (source, run) = try finishedDependency(RunID(dependency), of: planned)
            try shard.borrowRun(run)
            dependencyStore = source
        }
        let experimentStore = store
        store = shard
        defer {
            store = experimentStore
            dependencyStore = nil
        }
        let seed = planned.seed
        if planned.method == RunMethod.erm.rawValue {
            _ = try erm(model: planned.model, seed: seed, role: RunRole(rawValue: planned.role) ?? .main)
        } else {
            guard let method = spec.methods.first(where: { $0.label == planned.methodLabel }) else {
                throw ExperimentError.inconsistentStore(reason: "run \(planned.id) names method \(planned.methodLabel ?? "none"), which the experiment does not have")
            }
            _ = try run(method, seed: seed, unit: RunID(0))
        }
        return .trained(planned.runID, shard: path)
    }

    /// The finished run `id` and the store to read it from: the experiment's store, else its own shard.
    func finishedDependency(_ id: RunID, of planned: ExperimentPlan.PlannedRun) throws -> (RunStore, Run) {
        if let run = try? store.run(id), run.status == .finished { return (store, run) }
        let path = ExperimentPlan.shardPath(directory, run: id.rawValue)
        if FileManager.default.fileExists(atPath: path) {
            let shard = try RunStore.open(path: path, access: .readOnly, options: RunStore.Options(journal: .rollback))
            if let run = try shard.runs().first(where: { $0.id == id }), run.status == .finished { return (shard, run) }
        }
        throw ExperimentError.unavailable(
            what: "run \(planned.id) (\(planned.title), seed \(planned.seed))",
            reason: "it depends on \(id), which neither \(RunStore.fileName) nor shards/\(id.rawValue).sqlite holds finished; run that first (ftft run … --only \(id.rawValue))")
    }
}
