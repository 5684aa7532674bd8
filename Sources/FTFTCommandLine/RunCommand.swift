import ArgumentParser
import Foundation
import FTFTEncoder
import FTFTExperiments
import FTFTIO
import FTFTStore

/// `ftft run`: an experiment file, run or resumed.
public struct RunCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run (or resume) an experiment file: every method for every seed, results in the run store.",
        discussion: """
            Results go to <output>/<experiment>/: the run store (ftft.sqlite), manifest.json, experiment.json and \
            report.md / report.html. A run that the store already holds finished with the same configuration (task, \
            data hashes, model, training recipe, seed, subset) is reused, not trained again — so the ERM run of a \
            model also serves as the reference run of its data maps, and running the same file again only prints \
            the results. An interrupted run resumes from its last checkpoint. The whole file is validated before \
            any training: unknown keys, missing files and out-of-range values are errors naming the line.
            """)

    @Argument(help: "The experiment file (YAML).")
    var experiment: String

    @Option(name: .long, help: "Folder that holds one subfolder per experiment (created if needed).")
    var output: String = "runs"

    @Option(name: .long, help: "Threads; overrides the file's `threads:` (default when the file has none: the cores available, $SLURM_CPUS_PER_TASK inside a Slurm job).")
    var threads: Int?

    @Option(name: .long, help: "Override the file's seeds (comma-separated).")
    var seeds: String?

    @Option(name: .long, help: "Override the file's evaluation policy: reported (the OOD dev sets at every checkpoint, the others where a checkpoint can be reported) or every_checkpoint (every set at every checkpoint: learning curves).")
    var evaluation: EvaluationPolicy?

    @Option(name: .customLong("early-stopping"), help: "Override the file's early_stopping: live (each early-stopped row trains and stops its own run) or post_hoc (read from its full-length counterpart, the same updates up to the stop).")
    var earlyStopping: EarlyStoppingRows?

    @Flag(name: .customLong("dry-run"), help: "Load and check everything (data, tokenizers, weights), print which runs would be trained, resumed or reused, and stop.")
    var dryRun = false

    @Option(name: .long, help: "Engine kernels: fused (fast, default) or reference (the readable oracle; same function, slower).")
    var kernels: BertClassifier.KernelPath = .fused

    @Option(name: .long, help: ArgumentHelp("Train exactly this run of the plan (`ftft plan`: its id, or 8+ hex digits of its configuration SHA-256), into its own store shard <output>/<experiment>/shards/<id>.sqlite; the run it depends on is read, read-only, from ftft.sqlite or its shard. `ftft merge` folds shards into ftft.sqlite.", valueName: "run-id"))
    var only: String?

    @Option(name: .customLong("array-index"), help: ArgumentHelp("With --stage: train the run with this index in that stage of the plan (a Slurm array task's SLURM_ARRAY_TASK_ID), as --only does.", valueName: "i"))
    var arrayIndex: Int?

    @Option(name: .long, help: "The plan's stage --array-index counts in: independent (runs that depend on nothing) or dependent (DM/FTFT main runs).")
    var stage: String?

    @OptionGroup var blasKernel: BLASKernelOptions

    @Option(name: .customLong("max-store-bytes"), help: "A size quota for the run store (ftft.sqlite): a write that would grow it beyond this many bytes stops the run with exit 1, the store intact; a later `ftft run` resumes. For shared disks, and how the tests reach a full disk.")
    var maxStoreBytes: Int64?

    @OptionGroup var log: LogOptions

    public init() {}

    public func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be positive") }
        if let maxStoreBytes, maxStoreBytes < 1 { throw ValidationError("--max-store-bytes must be positive") }
        if let seeds, parseSeeds(seeds) == nil { throw ValidationError("--seeds must be non-negative integers separated by commas") }
        if only != nil && (arrayIndex != nil || stage != nil) { throw ValidationError("--only and --array-index/--stage exclude each other") }
        if (arrayIndex == nil) != (stage == nil) { throw ValidationError("--array-index and --stage go together") }
        if let stage, ExperimentPlan.Stage(rawValue: stage) == nil { throw ValidationError("--stage must be independent or dependent") }
        if let arrayIndex, arrayIndex < 0 { throw ValidationError("--array-index must be non-negative") }
        if (only != nil || arrayIndex != nil) && dryRun { throw ValidationError("--dry-run plans the whole experiment; use `ftft plan` to see one run") }
    }

    public func run() throws {
        try reportingErrors {
            var spec = try ExperimentSpec.load(path: experiment)
            try BLASKernelPinning.apply(blasKernel.requested(fromFile: spec.blasKernel),
                                        source: blasKernel.blasKernel == nil ? .file(experiment) : .option)
            spec.blasKernel = blasKernel.requested(fromFile: spec.blasKernel)
            if let threads { spec.threads = threads }
            if let seeds, let list = parseSeeds(seeds) { spec.seeds = list }
            if let evaluation { spec.training.evaluation = evaluation }
            if let earlyStopping { spec.training.earlyStopping = earlyStopping }
            if only != nil || arrayIndex != nil {
                try runOne(spec)
                return
            }
            if dryRun {
                let runner = try ExperimentRunner(spec: spec, outputDirectory: output, specFile: experiment)
                // The kernel path is part of every run's identity: plan with the one the run would use.
                runner.kernelPath = kernels
                Standard.output(try runner.plan().plain)
                return
            }
            let results = try ExperimentSession.run(spec, outputDirectory: output, specFile: experiment,
                                                    kernelPath: kernels,
                                                    storeOptions: RunStore.Options(maximumDatabaseBytes: maxStoreBytes),
                                                    printer: log.printer())
            Standard.output(ExperimentReport(results: results).plain())
        }
    }
}

extension RunCommand {
    /// `--only` / `--array-index`: one run of the plan into its shard.
    func runOne(_ spec: ExperimentSpec) throws {
        let printer = log.printer()
        defer { printer.finish() }
        let runner = try ExperimentRunner(spec: spec, outputDirectory: output, specFile: experiment, readOnly: true,
                                          events: printer.handle)
        runner.kernelPath = kernels
        let plan = try runner.experimentPlan()
        let planned: ExperimentPlan.PlannedRun
        if let only {
            guard let found = try plan.find(only) else {
                throw ExperimentError.unavailable(what: "run \(only)", reason: "the plan of \(spec.name) has no such run (`ftft plan \(experiment)` lists them)")
            }
            planned = found
        } else {
            let stage = ExperimentPlan.Stage(rawValue: stage ?? "") ?? .independent, index = arrayIndex ?? 0
            let runs = plan.runs(in: stage)
            guard index < runs.count else {
                throw ExperimentError.unavailable(what: "\(stage.rawValue) run \(index)", reason: "the plan's \(stage.rawValue) stage has \(runs.count) runs (0–\(runs.count - 1))")
            }
            planned = runs[index]
        }
        // The plan beside the store: `ftft merge` builds the manifest from it. A plan of the same experiment stays
        // (the first writer's copy: concurrent runs differ only in their predictions); one written for another
        // version of the file (other methods, seeds, models) is replaced, else the merge would report those rows.
        try FileManager.default.createDirectory(atPath: runner.directory, withIntermediateDirectories: true)
        let planPath = ExperimentPlan.path(directory: runner.directory)
        if FileManager.default.fileExists(atPath: planPath) {
            let written = try? ExperimentPlan.read(path: planPath)
            // Threads and the BLAS kernel change no result (each shard may use its own): not a difference.
            var same = written?.spec
            same?.threads = plan.spec.threads
            same?.blasKernel = plan.spec.blasKernel
            if same != plan.spec || written?.rows != plan.rows {
                try plan.write(to: planPath)
                Standard.error("ftft: \(planPath) was written for another version of \(experiment) (or could not be read); replaced by this file's plan")
            }
        } else {
            try plan.write(to: planPath)
        }
        runner.stopRequest = StopSignals.installed().request
        Standard.error("ftft: run \(planned.id) (\(planned.title), seed \(planned.seed); \(planned.stage.rawValue) \(planned.index)): serves \(planned.serves.joined(separator: ", "))")
        switch try runner.runShard(planned) {
        case .trained(let run, let shard):
            Standard.output("\(run) finished in \(shard)\n")
        case .alreadyFinished(let run, let place):
            Standard.output("\(run) is finished already (\(place)); nothing to do\n")
        }
    }
}

func parseSeeds(_ text: String) -> [UInt64]? {
    let values = text.split(separator: ",").map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
    guard !values.isEmpty, values.allSatisfy({ $0 != nil }), Set(values).count == values.count else { return nil }
    return values.compactMap { $0 }
}

/// Running an experiment from the command line: progress on stderr, then the reports written beside the store.
enum ExperimentSession {
    static func run(_ spec: ExperimentSpec, outputDirectory: String, specFile: String?,
                    kernelPath: BertClassifier.KernelPath = .fused,
                    storeOptions: RunStore.Options = RunStore.Options(),
                    printer: ProgressPrinter) throws -> ExperimentResults {
        defer { printer.finish() }
        let runner = try ExperimentRunner(spec: spec, outputDirectory: outputDirectory, specFile: specFile,
                                          storeOptions: storeOptions, events: printer.handle)
        runner.kernelPath = kernelPath
        runner.stopRequest = StopSignals.installed().request
        let manifest = try runner.run()
        let results = try ExperimentResults.load(manifest: manifest, store: runner.store, directory: runner.directory)
        try writeReports(results, store: runner.store)
        return results
    }

    static func writeReports(_ results: ExperimentResults, store: RunStore) throws {
        let report = ExperimentReport(results: results)
        let folder = URL(fileURLWithPath: results.directory)
        try AtomicFile.write(report.markdown(), to: folder.appendingPathComponent("report.md").path)
        try AtomicFile.write(try report.html(store: store), to: folder.appendingPathComponent("report.html").path)
    }
}
