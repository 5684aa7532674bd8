import Foundation
import FTFTIO
import FTFTStore

/// `ftft merge`: folds every finished shard of an experiment folder into its store (`ftft.sqlite`), one
/// transaction per shard, and rewrites the manifest from the plan, listing the method rows still missing.
///
/// Idempotent (a shard merged before is recognised by its run and file and skipped; a second merge changes
/// nothing) and crash-safe (a shard is merged wholly or not at all). Unfinished shards — being written,
/// interrupted, failed, not started — are listed and left alone. Two files claiming one run are an error naming
/// both; the other shards are merged all the same. One merge at a time per folder (a lock file, `.merge.lock`).
public enum ExperimentMerge {
    public struct Report: Sendable {
        public var merged: [(run: RunID, shard: String)] = []
        public var alreadyMerged: [(run: RunID, shard: String)] = []
        public var unfinished: [(shard: String, run: RunID?, reason: String)] = []
        public var waiting: [(shard: String, run: RunID, dependency: RunID)] = []
        public var conflicts: [String] = []
        /// The manifest written (nil without a plan: shards were merged but the rows are unknown).
        public var manifest: ExperimentManifest?

        /// What happened, one line per shard that was not simply merged, for people.
        public var lines: [String] {
            var lines = ["merged \(merged.count) shard(s), \(alreadyMerged.count) merged before"]
            lines += unfinished.map { "left alone: \($0.shard) (\($0.run.map { "\($0)" } ?? "run unknown")): \($0.reason)" }
            lines += waiting.map { "left alone: \($0.shard) (\($0.run)): it needs \($0.dependency) merged first, whose shard is not finished" }
            lines += conflicts.map { "conflict: \($0)" }
            return lines
        }
    }

    public static func merge(directory: String, lockTimeoutSeconds: Double = 300) throws -> Report {
        let lockPath = URL(fileURLWithPath: directory).appendingPathComponent(".merge.lock").path
        guard FileManager.default.fileExists(atPath: directory) else {
            throw ExperimentError.unavailable(what: directory, reason: "no such experiment folder")
        }
        guard let lock = try FileLock.acquire(path: lockPath, timeoutSeconds: lockTimeoutSeconds) else {
            throw ExperimentError.unavailable(what: "merging \(directory)",
                                              reason: "another ftft merge holds \(lockPath) (waited \(Int(lockTimeoutSeconds)) s)")
        }
        defer { lock.release() }
        let store = try RunStore.open(directory: directory, access: .readWrite)
        var report = Report()
        let shardFolder = ExperimentPlan.shardDirectory(directory)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: shardFolder)) ?? [])
            .filter { $0.hasSuffix(".sqlite") }.sorted()

        // Which run each file claims; two files for one run are a conflict, and neither is merged.
        var claims: [RunID: [String]] = [:]
        var pending: [(name: String, path: String)] = []
        for name in names {
            let path = URL(fileURLWithPath: shardFolder).appendingPathComponent(name).path
            let relative = "shards/\(name)"
            if let shard = try? RunStore.open(path: path, access: .readOnly, options: RunStore.Options(busyTimeoutSeconds: 2, journal: .rollback)),
               let run = try? shard.shardRun() {
                claims[run, default: []].append(relative)
            }
            pending.append((relative, path))
        }
        var excluded: Set<String> = []
        for (run, files) in claims.sorted(by: { $0.key < $1.key }) where files.count > 1 {
            report.conflicts.append("\(files.joined(separator: " and ")) both claim \(run); neither is merged — keep the right one")
            excluded.formUnion(files)
        }
        pending.removeAll { excluded.contains($0.name) }

        // Shards that borrow a run wait until the shard of that run is merged: repeat while anything moves.
        var progress = true
        while progress && !pending.isEmpty {
            progress = false
            var next: [(name: String, path: String)] = []
            report.waiting = []
            for shard in pending {
                do {
                    switch try store.merge(shardAt: shard.path, recordAs: shard.name) {
                    case .merged(let run):
                        report.merged.append((run, shard.name))
                        progress = true
                    case .alreadyMerged(let run):
                        report.alreadyMerged.append((run, shard.name))
                    case .unfinished(let run, let reason):
                        report.unfinished.append((shard.name, run, reason))
                    case .waiting(let run, let dependency):
                        report.waiting.append((shard.name, run, dependency))
                        next.append(shard)
                    }
                } catch let error as StoreError {
                    // A conflict is reported; a shard that cannot be read is left alone, named: the rest is merged.
                    if case .shardConflict = error { report.conflicts.append("\(error)") } else {
                        report.unfinished.append((shard.name, nil, "cannot be read: \(error)"))
                    }
                }
            }
            pending = next
        }

        let planPath = ExperimentPlan.path(directory: directory)
        if FileManager.default.fileExists(atPath: planPath) {
            let plan = try ExperimentPlan.read(path: planPath)
            let manifest = try manifest(plan: plan, store: store, directory: directory)
            try manifest.write(directory: directory)
            report.manifest = manifest
        }
        return report
    }

    /// The manifest `ftft run` would have written for the runs the store holds finished: an entry for every method
    /// row and seed whose runs are all finished, in the plan's order, and the others listed as missing.
    static func manifest(plan: ExperimentPlan, store: RunStore, directory: String) throws -> ExperimentManifest {
        var finished: Set<Int64> = []
        for run in try store.runs() where run.status == .finished { finished.insert(run.id.rawValue) }
        let states = stateTexts(plan: plan, store: store, directory: directory)
        var entries: [ExperimentManifest.Entry] = [], missing: [ExperimentManifest.Missing] = []
        for row in plan.rows {
            let needed = [row.unitRun, row.referenceRun, row.mainRun].compactMap { $0 }
            if let absent = needed.first(where: { !finished.contains($0) }) {
                let title = plan.run(absent)?.title ?? "run"
                missing.append(ExperimentManifest.Missing(label: row.label, seed: row.seed,
                                                          reason: "run \(absent) (\(title)): \(states[absent] ?? "not started")"))
                continue
            }
            var entry = ExperimentManifest.Entry(
                label: row.label, kind: row.kind, seed: row.seed, mainRun: row.mainRun, referenceRun: row.referenceRun,
                unitRun: row.unitRun, postHocRun: row.postHocRun.flatMap { finished.contains($0) ? $0 : nil },
                postHocDerived: row.postHocDerived, poolCount: nil, selectedCount: nil)
            if row.postHocDerived == true, let method = plan.spec.methods.first(where: { $0.label == row.label }),
               let patience = method.patience,
               try RunResults.postHocReading(store: store, run: RunID(row.mainRun), patience: patience,
                                             task: plan.spec.task.definition()) == nil {
                missing.append(ExperimentManifest.Missing(label: row.label, seed: row.seed,
                                                          reason: "run \(row.mainRun) is finished but did not record what a post-hoc reading needs (the ledger at the stop, every set at the best checkpoint); run the row live (early_stopping: live)"))
                continue
            }
            if let method = plan.spec.methods.first(where: { $0.label == row.label }), method.selectsSubset {
                let spec = method.kind == .randomDM
                    ? SelectionSpec(mode: .random, rate: method.rate, rule: method.rule, seed: row.seed)
                    : SelectionSpec(mode: method.mode, rate: method.rate, rule: method.rule)
                let owner = RunID(row.referenceRun ?? row.mainRun)
                if let selection = try store.selections(run: owner).first(where: { $0.spec == spec }) {
                    (entry.poolCount, entry.selectedCount) = (selection.poolCount, selection.exampleIndices.count)
                }
            }
            entries.append(entry)
        }
        return ExperimentManifest(spec: plan.spec, trainingExamples: plan.trainingExamples, entries: entries,
                                  missing: missing.isEmpty ? nil : missing, majorityBaseline: plan.majorityBaseline)
    }

    /// Where each unfinished planned run stands, in words ("failed at step 40 (shards/….sqlite): …").
    static func stateTexts(plan: ExperimentPlan, store: RunStore, directory: String) -> [Int64: String] {
        var texts: [Int64: String] = [:]
        for planned in plan.runs {
            let path = ExperimentPlan.shardPath(directory, run: planned.id)
            guard FileManager.default.fileExists(atPath: path) else { continue }
            guard let shard = try? RunStore.open(path: path, access: .readOnly, options: RunStore.Options(busyTimeoutSeconds: 1, journal: .rollback)),
                  let run = try? shard.runs().first(where: { $0.id.rawValue == planned.id }) else {
                texts[planned.id] = "started, nothing recorded yet (shards/\(planned.id).sqlite)"
                continue
            }
            let steps = (try? shard.recordedSteps(run: run.id)).flatMap { $0 }.map { " at step \($0)" } ?? ""
            texts[planned.id] = "\(run.status.rawValue)\(steps) (shards/\(planned.id).sqlite)\(run.statusMessage.map { ": \($0)" } ?? "")"
        }
        return texts
    }
}
