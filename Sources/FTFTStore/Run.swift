import Foundation
import FTFTIO

/// A run's id in its store. A distinct type so a run id is never passed where a data-map or selection id is meant.
public struct RunID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public static func < (a: RunID, b: RunID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "run \(rawValue)" }

    /// The id an experiment gives a run: a number derived from the run's identity, the first 13 hex digits
    /// (52 bits) of its configuration's SHA-256. Every process that creates the run — a one-process `ftft run`,
    /// a Slurm array task writing a shard, on any host, in any order — gives it the same id, so stores merged from
    /// shards are identical to a one-process store and ids mean the same run in every store. 52 bits so the id
    /// is exact as a double too (JSON readers, pandas). Two configurations sharing a prefix in one store (about
    /// n²/2⁵³ for n runs) are refused by `createRun`, never confused.
    public init(configurationSHA256 sha: String) {
        self.rawValue = Int64(sha.prefix(13), radix: 16) ?? 0
    }
}

/// The methods of the paper (method.md §0, issue 5). Raw values are what the database stores.
public enum RunMethod: String, Sendable, CaseIterable {
    case erm
    case ermES = "erm_es"
    case dm
    case randomDM = "random_dm"
    case ftft
}

/// Which phase of a method a run is: the reference model whose dynamics are recorded, or the main model.
public enum RunRole: String, Sendable, CaseIterable {
    case reference
    case main
}

public enum RunStatus: String, Sendable, CaseIterable {
    case running
    case finished
    case failed
    /// Stopped from outside (signal, pre-emption) and resumable from its last checkpoint.
    case interrupted
}

/// What `createRun` needs. The configuration is stored verbatim; its SHA-256 (of the exact UTF-8 bytes) is the
/// key `findRun` uses to reuse a finished reference run, so callers should serialise it canonically (sorted
/// keys, no insignificant whitespace) for equal configurations to hash equally.
public struct NewRun: Sendable, Equatable {
    public var experiment: String
    public var method: RunMethod
    public var role: RunRole
    public var seed: UInt64
    /// A short description of the model, e.g. "MiniLM-L6-H384".
    public var model: String
    /// The full configuration of this phase, as JSON text.
    public var configurationJSON: String
    /// Toolchain, BLAS configuration and threads, data-file hashes … as JSON text.
    public var provenanceJSON: String
    /// For a main run: the reference run whose data map and selection it used.
    public var referenceRun: RunID?
    /// The id to give the run (`RunID(configurationSHA256:)` for an experiment's runs); nil lets SQLite choose.
    public var id: RunID?

    public init(
        experiment: String, method: RunMethod, role: RunRole, seed: UInt64, model: String,
        configurationJSON: String, provenanceJSON: String, referenceRun: RunID? = nil, id: RunID? = nil
    ) {
        self.id = id
        self.experiment = experiment
        self.method = method
        self.role = role
        self.seed = seed
        self.model = model
        self.configurationJSON = configurationJSON
        self.provenanceJSON = provenanceJSON
        self.referenceRun = referenceRun
    }
}

/// A stored run. `createdAt`/`finishedAt` are wall-clock metadata for people (runs are listed in `createdAt` order);
/// nothing computes with them.
public struct Run: Sendable, Equatable {
    public var id: RunID
    public var experiment: String
    public var method: RunMethod
    public var role: RunRole
    public var seed: UInt64
    public var model: String
    public var configurationJSON: String
    public var configurationSHA256: String
    public var provenanceJSON: String
    public var status: RunStatus
    /// Why a run failed or was interrupted (nil otherwise).
    public var statusMessage: String?
    public var referenceRun: RunID?
    public var createdAt: Date
    public var finishedAt: Date?
}

extension RunStore {
    /// The cache key of a configuration: lowercase hex SHA-256 of its UTF-8 bytes.
    public static func configurationSHA256(_ configurationJSON: String) -> String {
        SHA256.hex(of: Array(configurationJSON.utf8))
    }
}
