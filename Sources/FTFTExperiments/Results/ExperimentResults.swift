import Foundation
import FTFTData
import FTFTStore

/// The results of one method with one seed, read back from the store.
public struct SeedResult: Sendable {
    public var seed: UInt64
    public var mainRun: RunID
    public var checkpoints: [CheckpointResult]
    public var reported: CheckpointResult
    /// Updates the main model made, and checkpoints it trained (T).
    public var mainSteps: Int
    public var checkpointsTrained: Int
    /// The paper's post-hoc early stopping on the logged checkpoints of the matching full-length run (best b,
    /// trained T = min(b + k, K)), when the experiment has that run.
    public var postHoc: (best: Int, trained: Int)?
    public var main: ComputeEntry
    public var reference: ComputeEntry?
    public var unit: ComputeEntry
    public var selectedCount: Int?
    public var poolCount: Int?
    /// The subset's source when it came from outside (no reference run here).
    public var externalReference: ExternalReference? = nil
    /// The main run's kept model folder, relative to the experiment folder (`keep:`).
    public var modelFolder: String? = nil
    /// The reference run (dm, ftft with a reference model trained here).
    public var referenceRun: RunID? = nil

    /// An external reference's training FLOPs as its source states them (0 when it states none).
    var externalFLOPs: Int64 { Int64(externalReference?.trainingFLOPs ?? 0) }
    /// The OpenBLAS builds and kernels of the runs behind this result (main, reference, compute unit), distinct, in
    /// that order: results are bit-identical only for the same ones.
    public var blas: [BLASIdentity] = []
    /// SHA-256 (hex) over the main run's logits at the reported checkpoint, all sets in name order, as float32 bits:
    /// equal fingerprints mean bit-identical predictions. nil when the store keeps no logits.
    public var reportedLogitsSHA256: String?
    /// True when the row was read post hoc from its full-length counterpart (`early_stopping: post_hoc`):
    /// `mainRun` is that run, and the checkpoints, reported cells and `main` ledger are those up to the stop.
    public var readPostHoc = false

    /// Compute relative to ERM of the unit model = 100, from the FLOPs counted at the GEMM wrapper:
    /// reference training (if any; an external reference's as its source states it) + main training up to where it
    /// stopped.
    public var countedCompute: Double {
        RelativeCompute.percent(main.countedTrainingFLOPs + (reference?.countedTrainingFLOPs ?? 0) + externalFLOPs,
                                of: unit.countedTrainingFLOPs)
    }
    /// The same from the architecture's exact count (equal to the counted figure on a real run).
    public var preciseCompute: Double {
        RelativeCompute.percent(main.preciseTrainingFLOPs + (reference?.preciseTrainingFLOPs ?? 0) + externalFLOPs,
                                of: unit.preciseTrainingFLOPs)
    }
    /// The same from 6·N·D (D with padding).
    public var kaplanCompute: Double {
        RelativeCompute.percent(main.kaplanTrainingFLOPs + (reference?.kaplanTrainingFLOPs ?? 0) + externalFLOPs,
                                of: unit.kaplanTrainingFLOPs)
    }
    /// The paper's estimate from parameter counts alone (method.md §5.2): N_ref/N_unit · ref steps/max_steps +
    /// N_main/N_unit · steps/max_steps, `maxSteps` being the compute unit's budget (a reference trained for fewer
    /// updates, `models.<name>.max_steps`, costs its share; at the full budget the share is 1, the paper's case).
    public func parameterEstimate(maxSteps: Int) -> Double {
        RelativeCompute.parameterEstimate(referenceParameters: reference?.parameterCount, mainParameters: main.parameterCount,
                                          mainFraction: Double(main.steps) / Double(maxSteps), unitParameters: unit.parameterCount,
                                          referenceFraction: reference.map { Double($0.steps) / Double(maxSteps) } ?? 1)
    }
}

/// The OpenBLAS build (without the kernel's name) and kernel a run was made with, from its provenance.
public struct BLASIdentity: Sendable, Hashable, CustomStringConvertible {
    public var build: String
    public var kernel: String

    public init(build: String, kernel: String) {
        self.build = build
        self.kernel = kernel
    }

    /// nil when the provenance does not record the kernel.
    public init?(provenanceJSON: String) {
        struct Stored: Decodable { var blasConfiguration: String?; var blasCoreName: String?; var blasBuild: String? }
        guard let stored = try? JSONDecoder().decode(Stored.self, from: Data(provenanceJSON.utf8)),
              let kernel = stored.blasCoreName else { return nil }
        let build = stored.blasBuild ?? stored.blasConfiguration.map {
            $0.split(separator: " ").filter { $0.lowercased() != kernel.lowercased() }.joined(separator: " ")
        } ?? "OpenBLAS (build not recorded)"
        self.init(build: build, kernel: kernel)
    }

    public var description: String { "\(build), kernel \(kernel)" }
}

extension ExperimentResults {
    /// Every distinct OpenBLAS build and kernel behind the results, in order of first use.
    public var blasIdentities: [BLASIdentity] {
        var all: [BLASIdentity] = []
        for method in methods { for seed in method.seeds { for b in seed.blas where !all.contains(b) { all.append(b) } } }
        return all
    }

    /// One line naming them, for reports and tables.
    public var blasLine: String {
        let all = blasIdentities
        if all.isEmpty { return "OpenBLAS build and kernel: not recorded" }
        return "Made with " + all.map(\.description).joined(separator: "; ")
            + (all.count > 1 ? " (mixed: runs with different builds or kernels are not bit-comparable)" : "")
            + ". Results are bit-identical for the same seed, ftft commit, OpenBLAS build and kernel, whatever the thread count."
    }
}

/// One method over all its seeds.
public struct MethodResult: Sendable {
    public var method: MethodSpec
    public var seeds: [SeedResult]

    public func summary(_ value: (SeedResult) -> Double?) -> SeedSummary { SeedSummary(seeds.compactMap(value)) }
}

/// Everything an experiment folder holds, as results: per method and seed, the reported checkpoint's metrics
/// and the compute, read from the store through the manifest.
public struct ExperimentResults: Sendable {
    public var spec: ExperimentSpec
    public var task: TaskDefinition
    public var methods: [MethodResult]
    public var directory: String
    /// N, when the manifest records it.
    public var trainingExamples: Int?
    /// Finished main runs in the store that the experiment file does not use (earlier `ftft train` settings, …).
    public var otherRuns: [OtherRun] = []
    /// Method rows with seeds that have no results yet, and why.
    public var missing: [ExperimentManifest.Missing] = []
    /// Every distinct run of the experiment (main, reference and unit runs are shared), in order of first use.
    public var runs: [RunLedger] = []
    /// The validation set's majority baseline (`ExperimentResults+Majority`), and why it is unknown when it is.
    public var majorityBaseline: MajorityBaseline? = nil
    public var majorityBaselineUnknown: String? = nil

    /// The in-distribution validation set's name.
    public var validationName: String { task.validation.name }
    public var testNames: [String] { task.oodTest.map(\.name) }
    /// The OOD test sets averaged in "OOD avg": those scored with the task's own metric (ANLI R1–R3 for NLI —
    /// HANS, scored as binarised accuracy, is reported beside it as the paper does not average it —; the six
    /// DynaHate sets for HSD).
    public var averagedTestNames: [String] { task.oodTest.filter { $0.metric == task.metric }.map(\.name) }

    public func oodAverage(_ c: CheckpointResult) -> Double? {
        let values = averagedTestNames.compactMap { c.test[$0] }
        return values.count == averagedTestNames.count && !values.isEmpty ? values.reduce(0, +) / Double(values.count) : nil
    }

    public static func load(directory: String) throws -> ExperimentResults {
        let manifest = try ExperimentManifest.read(directory: directory)
        let store = try RunStore.open(directory: directory, access: .readOnly)
        return try load(manifest: manifest, store: store, directory: directory)
    }

    public static func load(manifest: ExperimentManifest, store: RunStore, directory: String) throws -> ExperimentResults {
        let spec = manifest.spec
        let task = spec.task.definition()
        var methods: [MethodResult] = []
        for method in spec.methods {
            var seeds: [SeedResult] = []
            for seed in spec.seeds {
                guard let entry = manifest.entry(label: method.label, seed: seed) else { continue }
                seeds.append(try seedResult(entry, method: method, spec: spec, task: task, store: store))
            }
            methods.append(MethodResult(method: method, seeds: seeds))
        }
        let majority = majorityBaseline(manifest: manifest, store: store)
        return ExperimentResults(spec: spec, task: task, methods: methods, directory: directory,
                                 trainingExamples: manifest.trainingExamples,
                                 otherRuns: try OtherRun.load(store: store, manifest: manifest, task: task),
                                 missing: manifest.missing ?? [],
                                 runs: try distinctRuns(manifest: manifest, store: store),
                                 majorityBaseline: majority.baseline, majorityBaselineUnknown: majority.unknown)
    }

    static func distinctRuns(manifest: ExperimentManifest, store: RunStore) throws -> [RunLedger] {
        var order: [Int64] = [], uses: [Int64: [String]] = [:]
        func use(_ run: Int64?, _ what: String) {
            guard let run else { return }
            if uses[run] == nil { order.append(run) }
            if !(uses[run]?.contains(what) ?? false) { uses[run, default: []].append(what) }
        }
        for e in manifest.entries.sorted(by: { ($0.seed, $0.mainRun) < ($1.seed, $1.mainRun) }) {
            use(e.referenceRun, "reference of \(e.label)")
            use(e.mainRun, e.label)
        }
        return try order.map { id in
            let run = RunID(id)
            return RunLedger(run: run, model: try store.run(run).model, usedBy: uses[id] ?? [],
                             entry: try RunResults.compute(store: store, run: run))
        }
    }

    static func seedResult(_ entry: ExperimentManifest.Entry, method: MethodSpec, spec: ExperimentSpec, task: TaskDefinition,
                           store: RunStore) throws -> SeedResult {
        let main = RunID(entry.mainRun)
        var checkpoints = try RunResults.checkpoints(store: store, run: main, task: task)
        var derivedCompute: ComputeEntry?
        if entry.postHocDerived == true {
            // Read post hoc from the full-length counterpart: its checkpoints up to the stop, its ledger there.
            guard let patience = method.patience,
                  let reading = try RunResults.postHocReading(store: store, run: main, patience: patience, task: task) else {
                throw ExperimentError.inconsistentStore(reason: "\(main) (\(method.label), seed \(entry.seed)) is named as read post hoc but lacks the records for it (the ledger at the stop, every set at the best checkpoint)")
            }
            (checkpoints, derivedCompute) = (reading.checkpoints, reading.compute)
        }
        guard let reported = RunResults.reported(checkpoints, earlyStopped: method.isEarlyStopped) else {
            throw ExperimentError.inconsistentStore(reason: "\(main) (\(method.label), seed \(entry.seed)) has no evaluations")
        }
        var postHoc: (Int, Int)?
        if let counterpart = entry.postHocRun, let patience = method.patience {
            let criteria = try RunResults.checkpoints(store: store, run: RunID(counterpart), task: task).map(\.criterion)
            postHoc = EarlyStopping.postHoc(criterion: criteria, patience: patience)
        }
        let mainCompute = try derivedCompute ?? RunResults.compute(store: store, run: main)
        let runs = [main] + [entry.referenceRun, entry.unitRun].compactMap { $0.map(RunID.init) }
        var blas: [BLASIdentity] = []
        for run in runs {
            if let identity = BLASIdentity(provenanceJSON: try store.run(run).provenanceJSON), !blas.contains(identity) {
                blas.append(identity)
            }
        }
        return SeedResult(
            seed: entry.seed, mainRun: main, checkpoints: checkpoints, reported: reported, mainSteps: mainCompute.steps,
            checkpointsTrained: checkpoints.last?.checkpoint ?? 0, postHoc: postHoc, main: mainCompute,
            reference: try entry.referenceRun.map { try RunResults.compute(store: store, run: RunID($0)) },
            unit: try RunResults.compute(store: store, run: RunID(entry.unitRun)), selectedCount: entry.selectedCount,
            poolCount: entry.poolCount, externalReference: entry.externalReference, modelFolder: entry.model,
            referenceRun: entry.referenceRun.map(RunID.init), blas: blas,
            reportedLogitsSHA256: try RunResults.logitsFingerprint(store: store, run: main, step: reported.step),
            readPostHoc: derivedCompute != nil)
    }
}
