import FTFTIO
/// Errors of the run store. Every case names the database file and what was being done, so a message read
/// in a log says which experiment, which run and which epoch failed; the CLI renders `description`.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// The database could not be opened or created (missing or unwritable folder, not a database, …).
    case cannotOpen(path: String, reason: String)
    /// A write was attempted on a store opened read-only, or the file system refused the write.
    case readOnly(path: String, operation: String)
    /// The disk (or the store's size quota, `RunStore.Options.maximumDatabaseBytes`) is full. The failed
    /// transaction was rolled back; everything committed before it is intact and readable.
    case diskFull(path: String, operation: String)
    /// The file was written by a newer ftft whose migrations this build does not know; it may still be read.
    case newerSchema(path: String, unknownMigrations: [String])
    /// A read-only store found a database that lacks migrations this build needs (open it read-write once).
    case outdatedSchema(path: String, missingMigrations: [String])
    /// A run, data map, selection or other row the operation refers to does not exist.
    case notFound(path: String, what: String)
    /// The epoch was already recorded for this run and mode; dynamics are append-only (see `discard(run:afterStep:)`).
    case duplicateEpoch(path: String, run: Int64, mode: String, epoch: Int)
    /// A row with the same key already exists (an evaluation of the same step and data set, a data map with the
    /// same options, …).
    case duplicate(path: String, what: String)
    /// Input rejected before or during a write; `field` names the column and `index` the row (0-based, in the
    /// order given) when known. Nothing of the operation was written.
    case invalidInput(path: String, operation: String, field: String, index: Int?, reason: String)
    /// Stored content that this build cannot interpret (an unknown enum value, a BLOB of the wrong length,
    /// epochs with different example sets where a dense array was asked for).
    case corrupt(path: String, what: String)
    /// The epochs of a run hold different example sets (e.g. a partial last epoch, as cartography records
    /// them), so they do not form the dense [E, N, C] array asked for; read them one by one with `epoch(run:…)`.
    case raggedDynamics(path: String, run: Int64, epoch: Int, reason: String)
    /// A store shard that contradicts the store it is merged into (or another shard): `shard` and `other` name the
    /// two files (the store itself, or the shard merged before), `run` the run both claim.
    case shardConflict(path: String, run: Int64, shard: String, other: String, reason: String)
    /// Any other SQLite failure, with SQLite's extended result code and message.
    case database(path: String, operation: String, code: Int32, message: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "\(path): cannot open the run store: \(reason)"
        case .readOnly(let path, let operation):
            return "\(path): \(operation): the store is read-only (opened read-only, or the file system refused the write)"
        case .diskFull(let path, let operation):
            return "\(path): \(operation): the disk or the store's size quota is full; the write was rolled back and the store is intact"
        case .newerSchema(let path, let unknown):
            let names = unknown.joined(separator: ", ")
            return "\(path): written by a newer ftft (unknown migrations: \(names)); open it read-only or upgrade ftft"
        case .outdatedSchema(let path, let missing):
            return "\(path): the store lacks migrations \(missing.joined(separator: ", ")); open it read-write once to upgrade it"
        case .notFound(let path, let what):
            return "\(path): \(what) does not exist"
        case .duplicateEpoch(let path, let run, let mode, let epoch):
            return "\(path): run \(run) already has epoch \(epoch) (\(mode)); dynamics are append-only"
        case .duplicate(let path, let what):
            return "\(path): \(what) already exists"
        case .invalidInput(let path, let operation, let field, let index, let reason):
            let row = index.map { " row \($0)" } ?? ""
            return "\(path): \(operation):\(row) field \(field): \(reason); nothing was written"
        case .corrupt(let path, let what):
            return "\(path): unreadable content: \(what)"
        case .raggedDynamics(let path, let run, let epoch, let reason):
            return "\(path): run \(run) epoch \(epoch): \(reason); the epochs are ragged, read them one by one"
        case .shardConflict(let path, let run, let shard, let other, let reason):
            return "\(path): cannot merge \(shard): it and \(other) both claim run \(run) — \(reason); nothing of it was merged"
        case .database(let path, let operation, let code, let message):
            return "\(path): \(operation): SQLite error \(code): \(message)"
        }
    }
}

extension StoreError: UserFacingError {
    /// The store's failures are run-time failures (a missing store, a full disk, SQLite errors), input checked
    /// before a write included: the store is written by ftft, not by people.
    public var exitStatus: ExitStatus { .failure }
}
