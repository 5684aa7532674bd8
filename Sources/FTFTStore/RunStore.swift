import Foundation
internal import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The run store of one experiment: a single SQLite file, `<experiment dir>/ftft.sqlite`, in WAL mode with
/// foreign keys on. It holds runs and their configuration, evaluations per checkpoint, training dynamics,
/// data maps, selections, the compute ledger and checkpoint records.
///
/// Concurrency. The process that trains opens the store `.readWrite` (a GRDB `DatabasePool`: one writer
/// connection and a few reader connections). Any number of other processes or threads may open the same file
/// `.readOnly` (or use the `sqlite3` command) while it trains: in WAL mode readers never block the writer and
/// see only committed transactions, and every write here is one transaction, so a reader sees a whole epoch,
/// a whole checkpoint's evaluations, a whole data map — or nothing of it. Stores in different experiment
/// directories are different files and never interact.
///
/// Durability. The writer runs with `synchronous = FULL`: a commit is on disk when the call returns, so a
/// crash or power loss after `appendEpoch` returns never loses that epoch. Commits are few (one per epoch,
/// per checkpoint), so the fsyncs cost nothing measurable.
///
/// GRDB is imported `internal`: no GRDB type appears in this module's public interface.
public final class RunStore: Sendable {
    /// The database file name inside an experiment directory.
    public static let fileName = "ftft.sqlite"

    public enum Access: Sendable, Equatable {
        /// The training process: creates the directory and the file if needed and runs the migrations.
        case readWrite
        /// Readers (reports, the CLI, tests): never writes; every writing method throws `StoreError.readOnly`.
        case readOnly
    }

    public struct Options: Sendable, Equatable {
        /// A size quota: writes that would grow the file beyond it fail with `StoreError.diskFull` (SQLite's
        /// `max_page_count`). nil = limited only by the disk. Useful on shared disks, and how the tests reach
        /// the full-disk path without filling a real disk.
        public var maximumDatabaseBytes: Int64?
        /// How long a connection waits for a lock held by another process before failing.
        public var busyTimeoutSeconds: Double

        /// How the file keeps its transactions (see `Journal`).
        public var journal: Journal

        public init(maximumDatabaseBytes: Int64? = nil, busyTimeoutSeconds: Double = 10, journal: Journal = .writeAheadLog) {
            self.maximumDatabaseBytes = maximumDatabaseBytes
            self.busyTimeoutSeconds = busyTimeoutSeconds
            self.journal = journal
        }
    }

    /// SQLite's journal mode for the file.
    public enum Journal: Sendable, Equatable {
        /// WAL: readers never block the writer and see committed transactions only — for an experiment's store
        /// (`ftft.sqlite`), written by one process and read by reports while it trains, on one host. The WAL
        /// index is a memory-mapped `-shm` file, coherent only between processes of one host.
        case writeAheadLog
        /// The rollback journal (`journal_mode = DELETE`), for the store shards of `ftft run --only`, which may
        /// live on a network filesystem and be read from other hosts (the merge job, dependants, `ftft plan` on
        /// the login node): it relies only on POSIX file locks and fsync, which NFS and Lustre implement, never
        /// on shared memory across hosts; and a shard whose writer has closed is one self-contained file, with no
        /// `-wal`/`-shm` beside it to copy or lose.
        case rollback
    }

    /// Path of the database file.
    public let path: String
    public let access: Access
    /// All reads go through this (the pool itself for a read-write store).
    let reader: any DatabaseReader
    /// nil when the store is read-only.
    let writer: (any DatabaseWriter)?

    init(path: String, access: Access, reader: any DatabaseReader, writer: (any DatabaseWriter)?) {
        self.path = path
        self.access = access
        self.reader = reader
        self.writer = writer
    }

    /// The database path for an experiment directory.
    public static func databasePath(directory: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(fileName).path
    }

    /// Opens (and for `.readWrite`, creates and migrates) the store of the experiment directory `directory`.
    public static func open(directory: String, access: Access = .readWrite, options: Options = Options()) throws -> RunStore {
        try open(path: databasePath(directory: directory), access: access, options: options)
    }

    /// Opens the store file at `path` (its folder is created for `.readWrite`).
    public static func open(path: String, access: Access = .readWrite, options: Options = Options()) throws -> RunStore {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        switch access {
        case .readWrite: return try openForWriting(directory: directory, path: path, options: options)
        case .readOnly: return try openForReading(directory: directory, path: path, options: options)
        }
    }

    private static func baseConfiguration(_ options: Options) -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(options.busyTimeoutSeconds)
        configuration.label = "ftft.store"
        return configuration
    }

    private static func openForWriting(directory: String, path: String, options: Options) throws -> RunStore {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            let reason = folderProblem(directory) ?? "\(error)"
            throw StoreError.cannotOpen(path: path, reason: "cannot create the folder \(directory): \(reason)")
        }
        var configuration = baseConfiguration(options)
        if let limit = options.maximumDatabaseBytes {
            configuration.prepareDatabase { db in
                guard !db.configuration.readonly else { return }
                let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
                try db.execute(sql: "PRAGMA max_page_count = \(max(1, limit / pageSize))")
            }
        }
        let pool: any DatabaseWriter
        do {
            switch options.journal {
            case .writeAheadLog:
                pool = try DatabasePool(path: path, configuration: configuration)
            case .rollback:
                pool = try DatabaseQueue(path: path, configuration: configuration)
                try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = DELETE") }
            }
            // GRDB's WAL set-up chose synchronous = NORMAL; FULL makes every commit durable (see the type's note).
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            let unknown = try pool.read { db in
                try StoreSchema.migrator.appliedIdentifiers(db).subtracting(StoreSchema.migrator.migrations)
            }
            guard unknown.isEmpty else { throw StoreError.newerSchema(path: path, unknownMigrations: unknown.sorted()) }
            try StoreSchema.migrator.migrate(pool)
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw openingError(error, path: path, directory: directory, forWriting: true)
        }
        return RunStore(path: path, access: .readWrite, reader: pool, writer: pool)
    }

    private static func openForReading(directory: String, path: String, options: Options) throws -> RunStore {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError.cannotOpen(path: path, reason: "no run store in \(directory) (expected \(fileName))")
        }
        var configuration = baseConfiguration(options)
        configuration.readonly = true
        let reader: any DatabaseReader
        do {
            if options.journal == .rollback {
                let queue = try DatabaseQueue(path: path, configuration: configuration)
                try queue.read { _ = try $0.tableExists("grdb_migrations") }
                reader = queue
            } else {
                reader = try openReader(path: path, directory: directory, configuration: configuration)
            }
            let missing = try reader.read { db in
                try Set(StoreSchema.migrator.migrations).subtracting(StoreSchema.migrator.appliedIdentifiers(db))
            }
            guard missing.isEmpty else { throw StoreError.outdatedSchema(path: path, missingMigrations: missing.sorted()) }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw openingError(error, path: path, directory: directory, forWriting: false)
        }
        return RunStore(path: path, access: .readOnly, reader: reader, writer: nil)
    }

    private static func openReader(path: String, directory: String, configuration: Configuration) throws -> any DatabaseReader {
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            try pool.read { _ = try $0.tableExists("grdb_migrations") }
            return pool
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CANTOPEN && folderProblem(directory) != nil {
            // A WAL reader needs to create the `-shm` file beside the database. In an unwritable folder that
            // is impossible, but a store whose writer has closed cleanly (no `-wal` left) cannot be changing,
            // so SQLite's immutable mode reads it safely.
            let wal = path + "-wal"
            if let size = try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int, size > 0 {
                throw StoreError.cannotOpen(
                    path: path,
                    reason: "the folder is not writable and the store has an unfinished write-ahead log (\(wal)); "
                        + "open it once where the folder is writable")
            }
            // URI filenames need an SQLite built with SQLITE_USE_URI (Debian's is; GRDB does not pass
            // SQLITE_OPEN_URI), otherwise the URI would be taken for a file name.
            let uriSupport = try DatabaseQueue().read {
                try Bool.fetchOne($0, sql: "SELECT sqlite_compileoption_used('USE_URI')")
            }
            guard uriSupport == true else {
                throw StoreError.cannotOpen(
                    path: path, reason: "the folder is not writable, and this SQLite (built without URI filenames) cannot "
                        + "read a WAL store there; copy the folder somewhere writable")
            }
            let queue = try DatabaseQueue(path: immutableURI(path), configuration: configuration)
            try queue.read { _ = try $0.tableExists("grdb_migrations") }
            return queue
        }
    }

    /// `file:` URI with `immutable=1` (SQLite URI filenames; percent-encodes what a URI path cannot hold).
    private static func immutableURI(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
        return "file:\(encoded)?immutable=1"
    }

    /// Turns SQLite's terse opening errors into one that says what is wrong with the folder or the file.
    private static func openingError(_ error: DatabaseError, path: String, directory: String, forWriting: Bool) -> StoreError {
        switch error.resultCode {
        case .SQLITE_NOTADB:
            return .cannotOpen(path: path, reason: "the file is not an SQLite database")
        case .SQLITE_FULL:
            return .diskFull(path: path, operation: "opening the store")
        case .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_IOERR, .SQLITE_PERM, .SQLITE_AUTH:
            if let problem = folderProblem(directory) {
                let advice = forWriting ? "open the store with access .readOnly to read it" : "SQLite could not read it there"
                return .cannotOpen(path: path, reason: "the folder \(directory) is not writable (\(problem)); \(advice)")
            }
            return .cannotOpen(path: path, reason: "SQLite error \(error.extendedResultCode.rawValue): \(error.message ?? "unknown")")
        default:
            return .cannotOpen(path: path, reason: "SQLite error \(error.extendedResultCode.rawValue): \(error.message ?? "unknown")")
        }
    }

    /// Why files cannot be created in `directory` (the OS's own words, e.g. "Read-only file system",
    /// "Permission denied", "No space left on device"), or nil if a probe file can be created. A probe rather
    /// than `access(2)`: root passes `access` even in folders it cannot write (immutable, read-only mounts).
    static func folderProblem(_ directory: String) -> String? {
        let probe = URL(fileURLWithPath: directory).appendingPathComponent(".ftft-write-probe-\(getpid())").path
        return createAndRemoveProbe(probe)
    }
}

/// Creates `path` exclusively and removes it again; the OS's error message if creation fails. At file scope
/// so that `open` means the C function, not `RunStore.open`.
private func createAndRemoveProbe(_ path: String) -> String? {
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    if fd < 0 { return String(cString: strerror(errno)) }
    close(fd)
    unlink(path)
    return nil
}
