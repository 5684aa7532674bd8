import Foundation
internal import GRDB

/// Store shards: one SQLite file per run of an experiment split over many processes or hosts (`ftft run --only`),
/// written by exactly one process in the rollback-journal mode (`RunStore.Journal.rollback`), and folded into the
/// experiment's store by `merge(shardAt:)`.
///
/// A shard holds its own run (named in `shard_run`) with everything recorded for it — evaluations and their
/// logits, dynamics, the ledger, checkpoint records — plus, for a DM/FTFT main run, the borrowed row of its
/// reference run and the data map and selection made from that run's dynamics. Run ids are derived from the
/// configuration (`RunID(configurationSHA256:)`), so a shard's rows carry the ids a one-process run gives them.
extension RunStore {
    /// Marks this store as the shard of `run` (before the run exists; see `shard_run`).
    public func markShard(of run: RunID) throws {
        try write("markShard(\(run))") { db in
            try db.execute(sql: "INSERT OR IGNORE INTO shard_run (run_id) VALUES (?)", arguments: [run.rawValue])
        }
    }

    /// The run this shard was made for; nil in a store that is not a shard.
    public func shardRun() throws -> RunID? {
        try read("shardRun") { db in
            try Int64.fetchOne(db, sql: "SELECT run_id FROM shard_run ORDER BY run_id LIMIT 1").map(RunID.init)
        }
    }

    /// Copies a finished run's row from another store into this one, as it is (id, configuration, provenance,
    /// status, timestamps): how a shard borrows the reference run its data map is made from. A no-op when the
    /// row is already here with the same configuration; an error when the id holds another configuration.
    public func borrowRun(_ run: Run) throws {
        let operation = "borrowRun(\(run.id))"
        try write(operation) { db in
            if let here = try RunRecord.fetchOne(db, key: run.id.rawValue) {
                guard here.configurationSHA256 == run.configurationSHA256 else {
                    throw StoreError.duplicate(path: path, what: "\(run.id) with another configuration (\(operation))")
                }
                return
            }
            var record = RunRecord(
                id: run.id.rawValue, experiment: run.experiment, method: run.method.rawValue, role: run.role.rawValue,
                seed: Int64(bitPattern: run.seed), model: run.model, configurationJSON: run.configurationJSON,
                configurationSHA256: run.configurationSHA256, provenanceJSON: run.provenanceJSON,
                status: run.status.rawValue, statusMessage: run.statusMessage, referenceRunID: nil,
                createdAt: run.createdAt, finishedAt: run.finishedAt)
            try record.insert(db)
        }
    }

    /// Steps recorded in a run's ledger so far (its last checkpoint), nil before the first one.
    public func recordedSteps(run: RunID) throws -> Int? {
        try read("recordedSteps(\(run))") { db in
            try Int.fetchOne(db, sql: "SELECT max(steps) FROM compute_entry WHERE run_id = ?", arguments: [run.rawValue])
        }
    }

    /// The shard file each run of this store was merged from (run id → the path recorded at merge time).
    public func mergedShards() throws -> [RunID: String] {
        try read("mergedShards") { db in
            var result: [RunID: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT run_id, shard_file FROM merged_shard") {
                result[RunID(row["run_id"])] = row["shard_file"]
            }
            return result
        }
    }

    /// An empty store in memory (migrated): a stand-in where no store exists yet and nothing may be written to disk
    /// (planning an experiment that has not started).
    public static func inMemory() throws -> RunStore {
        do {
            var configuration = Configuration()
            configuration.foreignKeysEnabled = true
            let queue = try DatabaseQueue(configuration: configuration)
            try StoreSchema.migrator.migrate(queue)
            return RunStore(path: ":memory:", access: .readWrite, reader: queue, writer: queue)
        } catch let error as DatabaseError {
            throw StoreError.cannotOpen(path: ":memory:", reason: error.message ?? "\(error)")
        }
    }
}
