import Foundation
import FTFTData
import FTFTIO

/// The index of an experiment folder (`<output>/<experiment>/manifest.json`): the resolved experiment and, for
/// every method and seed finished so far, the store runs that make it up. Reports and tables read results
/// through it from the store; it holds no result itself. Rewritten atomically after every method and seed.
public struct ExperimentManifest: Codable, Sendable, Equatable {
    public static let fileName = "manifest.json"

    public struct Entry: Codable, Sendable, Equatable {
        public var label: String
        public var kind: MethodSpec.Kind
        public var seed: UInt64
        /// The run whose evaluations are reported (the main model's run).
        public var mainRun: Int64
        /// The reference run whose data map chose the subset (dm, ftft).
        public var referenceRun: Int64?
        /// ERM of the compute unit model with the same seed (the denominator of Compute).
        public var unitRun: Int64
        /// The full-length run with the same main model, data and seed whose logged checkpoints give the paper's
        /// post-hoc early stopping (ERM for ERM(ES), the matching DM run for FTFT), when the experiment has one.
        public var postHocRun: Int64?
        /// True when this early-stopped row was read from `postHocRun` (`early_stopping: post_hoc`; `mainRun` is
        /// then that run, and the row's checkpoints, reported cells and cost are those up to the stop); absent
        /// for a live row.
        public var postHocDerived: Bool?
        /// Training-set size and size of the selected subset (subset methods).
        public var poolCount: Int?
        public var selectedCount: Int?
        /// The main run's kept model folder, relative to the experiment folder (`keep:`), when there is one.
        public var model: String?
        /// The subset's source when it came from outside (dm, ftft with `subset_file` or `reference_dynamics`).
        public var externalReference: ExternalReference?
    }

    /// A method row with a seed that has no results yet (`ftft merge` of a partly finished experiment).
    public struct Missing: Codable, Sendable, Equatable {
        public var label: String
        public var seed: UInt64
        /// Which run is missing and where it stands, e.g. "run 123 (DM tiny→large): failed at step 40 (shards/123.sqlite)".
        public var reason: String
    }

    public var spec: ExperimentSpec
    /// N: the training set's size after any sampling.
    public var trainingExamples: Int?
    public var entries: [Entry]
    /// Rows without results (absent from the file when there are none).
    public var missing: [Missing]?
    /// The validation set's majority baseline, computed from the data the runs were trained and scored on (absent
    /// from manifests written before it was recorded: results then recompute it, `ExperimentResults+Majority`).
    public var majorityBaseline: MajorityBaseline?

    public init(spec: ExperimentSpec, trainingExamples: Int?, entries: [Entry], missing: [Missing]? = nil,
                majorityBaseline: MajorityBaseline? = nil) {
        self.spec = spec
        self.trainingExamples = trainingExamples
        self.entries = entries
        self.missing = missing
        self.majorityBaseline = majorityBaseline
    }

    public func entry(label: String, seed: UInt64) -> Entry? { entries.first { $0.label == label && $0.seed == seed } }

    public static func path(directory: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(fileName).path
    }

    public func write(directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(self), to: Self.path(directory: directory))
    }

    public static func read(directory: String) throws -> ExperimentManifest {
        let path = path(directory: directory)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExperimentError.unavailable(what: path, reason: "no experiment manifest here (run `ftft run` first)")
        }
        do {
            return try JSONDecoder().decode(ExperimentManifest.self, from: data)
        } catch {
            throw ExperimentError.unavailable(what: path, reason: "the manifest cannot be read (\(error))")
        }
    }
}
