import Foundation
import FTFTData
import FTFTIO
import FTFTStore

/// An experiment's runs as a graph: every training run once (runs shared by several method rows — the ERM run of a
/// model is also the reference run of its data maps — appear once), in the order a one-process `ftft run` trains
/// them, each with the run it depends on (a DM/FTFT main run on its reference run; everything else on nothing).
///
/// Runs fall into two stages: `independent` (no dependency) and `dependent`; a run's `index` numbers it within
/// its stage, stably for a given experiment — what `ftft run --stage … --array-index i` and the Slurm arrays use.
/// Written as `plan.json` beside the store (with the resolved experiment), so shards can be merged and reported
/// however the experiment file changes later.
public struct ExperimentPlan: Codable, Sendable, Equatable {
    public static let fileName = "plan.json"
    public static let format = "ftft-plan-1"

    public enum Stage: String, Codable, Sendable, CaseIterable {
        case independent
        case dependent
    }

    public struct PlannedRun: Codable, Sendable, Equatable {
        /// `RunID(configurationSHA256:)`: the id the run has in every store.
        public var id: Int64
        public var configurationSHA256: String
        /// For people: "ERM large", "DM tiny→large".
        public var title: String
        public var method: String
        public var role: String
        public var model: String
        public var seed: UInt64
        /// The method row (label) whose code trains it; nil for an ERM run (the compute unit, a reference).
        public var methodLabel: String?
        public var stage: Stage
        public var index: Int
        /// The run it needs finished first (its reference run).
        public var dependsOn: Int64?
        /// The method rows it serves: "ERM large (seed 0)", "compute unit (seed 0)", "reference of DM tiny→large (seed 0)".
        public var serves: [String]
        public var prediction: RunPrediction

        public var runID: RunID { RunID(id) }
    }

    /// One method with one seed: the runs the manifest will name for it.
    public struct Row: Codable, Sendable, Equatable {
        public var label: String
        public var kind: MethodSpec.Kind
        public var seed: UInt64
        public var mainRun: Int64
        public var referenceRun: Int64?
        public var unitRun: Int64
        /// The full-length counterpart of an early-stopped method, when the experiment trains it.
        public var postHocRun: Int64?
        /// True when the row is read post hoc from `postHocRun` (`early_stopping: post_hoc`; `mainRun` is then
        /// that run): it has no run of its own.
        public var postHocDerived: Bool?
    }

    public var format = ExperimentPlan.format
    public var spec: ExperimentSpec
    /// N, the training set's size.
    public var trainingExamples: Int
    public var runs: [PlannedRun]
    public var rows: [Row]
    /// The validation set's majority baseline, for the manifest `ftft merge` writes (absent from older plans).
    public var majorityBaseline: MajorityBaseline? = nil

    public func run(_ id: Int64) -> PlannedRun? { runs.first { $0.id == id } }

    public func runs(in stage: Stage) -> [PlannedRun] { runs.filter { $0.stage == stage } }

    /// A run by its id (decimal), a prefix of its configuration SHA-256 (at least 8 hex digits), or nil.
    public func find(_ text: String) throws -> PlannedRun? {
        if let id = Int64(text), let run = run(id) { return run }
        let lower = text.lowercased()
        guard lower.count >= 8, lower.allSatisfy(\.isHexDigit) else { return nil }
        let matches = runs.filter { $0.configurationSHA256.hasPrefix(lower) }
        guard matches.count <= 1 else {
            throw ExperimentError.unavailable(what: "run \(text)", reason: "the prefix matches \(matches.count) runs; give more digits")
        }
        return matches.first
    }

    public static func path(directory: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(fileName).path
    }

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(self), to: path)
    }

    public static func read(path: String) throws -> ExperimentPlan {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExperimentError.unavailable(what: path, reason: "no plan here (`ftft run --only` and `ftft submit slurm` write it)")
        }
        do {
            let plan = try JSONDecoder().decode(ExperimentPlan.self, from: data)
            guard plan.format == format else {
                throw ExperimentError.unavailable(what: path, reason: "format \(plan.format), this ftft reads \(format)")
            }
            return plan
        } catch let error as ExperimentError {
            throw error
        } catch {
            throw ExperimentError.unavailable(what: path, reason: "the plan cannot be read (\(error))")
        }
    }

    /// `<experiment folder>/shards`.
    public static func shardDirectory(_ directory: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent("shards").path
    }

    /// `<experiment folder>/shards/<run id>.sqlite`: the only file the run's `ftft run --only` writes to.
    public static func shardPath(_ directory: String, run: Int64) -> String {
        URL(fileURLWithPath: shardDirectory(directory)).appendingPathComponent("\(run).sqlite").path
    }
}

/// What a run will cost, from the ledger's cost model: the GEMM FLOPs of its padded batches (`BertFLOPs`, as the
/// ledger counts them), and wall time at a FLOP rate measured on this store's finished runs of the same model
/// (their ledger), or else on a few calibration steps.
public struct RunPrediction: Codable, Sendable, Equatable {
    /// Updates: max_steps (an early-stopped run may stop sooner; the prediction is then an upper bound).
    public var steps: Int
    public var trainingFLOPs: Int64
    public var evaluationFLOPs: Int64
    /// nil when no rate is known (no finished run of the model, calibration off).
    public var wallSeconds: Double?
    /// Where the rate came from: "ledger: n runs of <model>", "calibration: k steps", or nil.
    public var rateSource: String?
    /// True for DM/FTFT main runs, whose subset is chosen only after their reference run: their FLOPs are
    /// estimated on the whole training set's lengths.
    public var estimatedOnFullSet: Bool
    public var upperBound: Bool
}
