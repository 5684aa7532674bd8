import Foundation
internal import GRDB

/// What `merge(shardAt:recordAs:)` did with one shard.
public enum ShardMergeOutcome: Sendable, Equatable {
    /// Folded in, in one transaction.
    case merged(RunID)
    /// Nothing to do: this file was merged before, or the store finished the run itself.
    case alreadyMerged(RunID)
    /// Left alone: its run is not finished (being written, interrupted, failed, or not started).
    case unfinished(RunID?, reason: String)
    /// Left alone for now: it borrows a run (its reference run) that the store does not hold finished yet.
    case waiting(RunID, dependency: RunID)
}

extension RunStore {
    /// Folds one finished shard into this store, in one transaction: its run with its evaluations, logits, dynamics,
    /// ledger and checkpoint records, and the data maps and selections it made (kept once: a second copy must be
    /// identical). The shard is only read (attached read-only); a crash anywhere leaves this store as it was
    /// before the call. Recorded in `merged_shard` under `name` (the shard's path relative to the experiment), so
    /// merging it again is a no-op, and another file claiming the same run is an error naming both.
    ///
    /// Throws `StoreError.shardConflict` when the shard contradicts the store (another file already merged for its
    /// run, a data map or selection that differs, an id that holds another configuration).
    public func merge(shardAt shardPath: String, recordAs name: String) throws -> ShardMergeOutcome {
        let operation = "merge(\(name))"
        guard let writer else { throw StoreError.readOnly(path: path, operation: operation) }
        let shard: RunStore
        let own: RunID
        let ownRun: Run?
        do {
            shard = try RunStore.open(path: shardPath, access: .readOnly,
                                      options: Options(busyTimeoutSeconds: 2, journal: .rollback))
            guard let run = try shard.shardRun() else {
                throw StoreError.corrupt(path: shardPath, what: "not a store shard (it names no run in shard_run)")
            }
            own = run
            ownRun = try shard.runs().first { $0.id == run }
        } catch StoreError.database(_, _, let code, let message) {
            // Locked by its writer, or a transaction its writer did not finish (a hot journal that only a writer
            // may roll back): not ours to touch.
            return .unfinished(nil, reason: "being written (SQLite \(code): \(message))")
        }
        guard let ownRun else { return .unfinished(own, reason: "started, nothing recorded yet") }
        guard ownRun.status == .finished else {
            let steps = (try? shard.recordedSteps(run: own)).flatMap { $0 }.map { ", last checkpoint at step \($0)" } ?? ""
            return .unfinished(own, reason: "\(ownRun.status.rawValue)\(steps)\(ownRun.statusMessage.map { ": \($0)" } ?? "")")
        }
        do {
            return try writer.writeWithoutTransaction { db -> ShardMergeOutcome in
                try db.execute(sql: "ATTACH DATABASE ? AS shard", arguments: [try Self.readOnlyURI(shardPath, db)])
                defer { try? db.execute(sql: "DETACH DATABASE shard") }
                var outcome = ShardMergeOutcome.alreadyMerged(own)
                try db.inTransaction {
                    outcome = try ShardFold(db: db, store: path, shard: shardPath, name: name, run: own).fold()
                    return .commit
                }
                return outcome
            }
        } catch {
            throw storeError(error, operation: operation)
        }
    }

    /// `file:` URI opening the shard read-only (SQLite URI filenames, on in Debian's build); the plain path where
    /// this SQLite has no URI support (it is then only read all the same).
    static func readOnlyURI(_ path: String, _ db: Database) throws -> String {
        guard try Bool.fetchOne(db, sql: "SELECT sqlite_compileoption_used('USE_URI')") == true else { return path }
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:\(path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path)?mode=ro"
    }
}

/// The body of one merge transaction: `main` is the store, `shard` the attached shard.
private struct ShardFold {
    let db: Database
    let store: String
    let shard: String
    let name: String
    let run: RunID

    func conflict(_ other: String, _ reason: String) -> StoreError {
        .shardConflict(path: store, run: run.rawValue, shard: name, other: other, reason: reason)
    }

    func fold() throws -> ShardMergeOutcome {
        let id = run.rawValue
        guard let shardSHA = try String.fetchOne(db, sql: "SELECT configuration_sha256 FROM shard.run WHERE id = ? AND status = 'finished'",
                                                 arguments: [id]) else {
            return .unfinished(run, reason: "not finished")
        }
        // Nothing is written before this point: a shard that must wait leaves the store untouched.
        for borrowed in try Row.fetchAll(db, sql: "SELECT id, configuration_sha256 FROM shard.run WHERE id <> ?", arguments: [id]) {
            let sha: String = borrowed["configuration_sha256"]
            let finished = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM main.run WHERE id = ? AND configuration_sha256 = ? AND status = 'finished')",
                                             arguments: [borrowed["id"] as Int64, sha]) ?? false
            if !finished { return .waiting(run, dependency: RunID(borrowed["id"])) }
        }
        if let here = try Row.fetchOne(db, sql: "SELECT configuration_sha256, status FROM main.run WHERE id = ?", arguments: [id]) {
            guard here["configuration_sha256"] == shardSHA else {
                throw conflict(store, "the store's \(run) has another configuration (\((here["configuration_sha256"] as String? ?? "").prefix(16))…)")
            }
            if here["status"] == "finished" {
                let source = try String.fetchOne(db, sql: "SELECT shard_file FROM main.merged_shard WHERE run_id = ?", arguments: [id])
                if let source, source != name { throw conflict(source, "both are shards of \(run); \(source) was merged first") }
                return .alreadyMerged(run)
            }
            // Unfinished here (an interrupted one-process run): the finished shard replaces it.
            try db.execute(sql: "DELETE FROM main.run WHERE id = ?", arguments: [id])
        }
        try copy("run", where: "id = ?")
        for table in ["evaluation_logits", "compute_entry", "checkpoint"] { try copy(table, where: "run_id = ?") }
        try copy("evaluation", where: "run_id = ?", without: "id")
        for epoch in try Int64.fetchAll(db, sql: "SELECT id FROM shard.dynamics_epoch WHERE run_id = ? ORDER BY id", arguments: [id]) {
            let newEpoch = try copyRow("dynamics_epoch", id: epoch)
            try copy("dynamics", where: "epoch_id = ?", argument: epoch, replacing: "epoch_id", with: newEpoch)
        }
        var dataMaps: [Int64: Int64] = [:]
        for map in try Int64.fetchAll(db, sql: "SELECT id FROM shard.data_map ORDER BY id") {
            dataMaps[map] = try keep(table: "data_map", id: map, children: "data_map_entry", parent: "data_map_id",
                                     match: "m.run_id = s.run_id AND m.dynamics_mode = s.dynamics_mode AND m.ddof = s.ddof "
                                         + "AND m.epochs_used = s.epochs_used AND m.include_ci = s.include_ci")
        }
        for selection in try Row.fetchAll(db, sql: "SELECT id, data_map_id FROM shard.selection ORDER BY id") {
            let mapID: Int64? = (selection["data_map_id"] as Int64?).flatMap { dataMaps[$0] }
            _ = try keep(table: "selection", id: selection["id"], children: "selection_member", parent: "selection_id",
                         match: "m.run_id = s.run_id AND m.data_map_id IS ? AND m.mode = s.mode AND m.rate = s.rate "
                             + "AND m.rule = s.rule AND m.stratified = s.stratified AND m.seed IS s.seed",
                         matchArgument: mapID, replacing: "data_map_id", with: mapID)
        }
        try db.execute(sql: "INSERT INTO main.merged_shard (run_id, shard_file, merged_at) VALUES (?, ?, ?)",
                       arguments: [id, name, Date()])
        return .merged(run)
    }

    func columns(_ table: String) throws -> [String] {
        try Row.fetchAll(db, sql: "PRAGMA main.table_info(\(table))").map { $0["name"] }
    }

    /// INSERT INTO main.t SELECT … FROM shard.t WHERE <condition>, by column name (main's columns), optionally
    /// leaving out a surrogate id or putting a new parent id in place of one column.
    func copy(_ table: String, where condition: String, argument: Int64? = nil, without: String? = nil,
              replacing: String? = nil, with value: Int64? = nil) throws {
        let names = try columns(table).filter { $0 != without }
        let selected = names.map { $0 == replacing ? "?" : $0 }
        var arguments: [(any DatabaseValueConvertible)?] = []
        if replacing != nil { arguments.append(value) }
        arguments.append(argument ?? run.rawValue)
        try db.execute(sql: "INSERT INTO main.\(table) (\(names.joined(separator: ", "))) SELECT \(selected.joined(separator: ", ")) FROM shard.\(table) WHERE \(condition)",
                       arguments: StatementArguments(arguments))
    }

    /// Copies the row `id` of `table` with a new id; returns the new id.
    func copyRow(_ table: String, id: Int64, replacing: String? = nil, with value: Int64? = nil) throws -> Int64 {
        try copy(table, where: "id = ?", argument: id, without: "id", replacing: replacing, with: value)
        return db.lastInsertedRowID
    }

    /// A data map or selection of the shard: the store's row that `match` pairs with it (m: the store's, s: the
    /// shard's) if there is one — its children must then be identical to the shard's —, else a copy with its
    /// children. Returns the store's id.
    func keep(table: String, id: Int64, children: String, parent: String, match: String, matchArgument: Int64? = nil,
              replacing: String? = nil, with value: Int64? = nil) throws -> Int64 {
        var arguments: [(any DatabaseValueConvertible)?] = [id]
        if match.contains("?") { arguments.append(matchArgument) }
        let existing = try Int64.fetchOne(db, sql: "SELECT m.id FROM main.\(table) AS m, shard.\(table) AS s WHERE s.id = ? AND \(match)",
                                          arguments: StatementArguments(arguments))
        let childColumns = try columns(children).filter { $0 != parent }.joined(separator: ", ")
        if let existing {
            let differing = try Int.fetchOne(db, sql: """
                SELECT (SELECT count(*) FROM (SELECT \(childColumns) FROM shard.\(children) WHERE \(parent) = ?
                                              EXCEPT SELECT \(childColumns) FROM main.\(children) WHERE \(parent) = ?))
                     + (SELECT count(*) FROM (SELECT \(childColumns) FROM main.\(children) WHERE \(parent) = ?
                                              EXCEPT SELECT \(childColumns) FROM shard.\(children) WHERE \(parent) = ?))
                """, arguments: [id, existing, existing, id]) ?? 0
            guard differing == 0 else {
                throw conflict(store, "its \(table) \(id) differs from the store's \(table) \(existing) with the same key in \(differing) rows")
            }
            return existing
        }
        let newID = try copyRow(table, id: id, replacing: replacing, with: value)
        try copy(children, where: "\(parent) = ?", argument: id, replacing: parent, with: newID)
        return newID
    }
}
