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

    @Option(name: .long, help: "Folder that holds one subfolder per experiment.")
    var output: String = "runs"

    @Option(name: .long, help: "Override the file's thread count.")
    var threads: Int?

    @Option(name: .long, help: "Override the file's seeds (comma-separated).")
    var seeds: String?

    @Option(name: .long, help: "Override the file's evaluation policy: reported (the OOD dev sets at every checkpoint, the others where a checkpoint can be reported) or every_checkpoint (every set at every checkpoint: learning curves).")
    var evaluation: String?

    @Flag(name: .customLong("dry-run"), help: "Load and check everything (data, tokenizers, weights), print which runs would be trained, resumed or reused, and stop.")
    var dryRun = false

    @Option(name: .long, help: "Engine kernels: fused (fast, default) or reference (the readable oracle; same function, slower).")
    var kernels: String = "fused"

    @OptionGroup var blasKernel: BLASKernelOptions

    @Option(name: .customLong("max-store-bytes"), help: "A size quota for the run store (ftft.sqlite): a write that would grow it beyond this many bytes stops the run with exit 1, the store intact; a later `ftft run` resumes. For shared disks, and how the tests reach a full disk.")
    var maxStoreBytes: Int64?

    public init() {}

    public func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be positive") }
        if let maxStoreBytes, maxStoreBytes < 1 { throw ValidationError("--max-store-bytes must be positive") }
        if BertClassifier.KernelPath(rawValue: kernels) == nil { throw ValidationError("--kernels must be fused or reference") }
        if let seeds, parseSeeds(seeds) == nil { throw ValidationError("--seeds must be non-negative integers separated by commas") }
        if let evaluation, EvaluationPolicy(rawValue: evaluation) == nil {
            throw ValidationError("--evaluation must be reported or every_checkpoint")
        }
    }

    public func run() throws {
        try reportingErrors {
            var spec = try ExperimentSpec.load(path: experiment)
            try BLASKernelPinning.apply(blasKernel.requested(fromFile: spec.blasKernel),
                                        source: blasKernel.blasKernel == nil ? .file(experiment) : .option)
            spec.blasKernel = blasKernel.requested(fromFile: spec.blasKernel)
            if let threads { spec.threads = threads }
            if let seeds, let list = parseSeeds(seeds) { spec.seeds = list }
            if let evaluation, let policy = EvaluationPolicy(rawValue: evaluation) { spec.training.evaluation = policy }
            if dryRun {
                let runner = try ExperimentRunner(spec: spec, outputDirectory: output, specFile: experiment)
                // The kernel path is part of every run's identity: plan with the one the run would use.
                runner.kernelPath = BertClassifier.KernelPath(rawValue: kernels) ?? .fused
                Standard.output(try runner.plan().plain)
                return
            }
            let results = try ExperimentSession.run(spec, outputDirectory: output, specFile: experiment,
                                                    kernelPath: BertClassifier.KernelPath(rawValue: kernels) ?? .fused,
                                                    storeOptions: RunStore.Options(maximumDatabaseBytes: maxStoreBytes))
            Standard.output(ExperimentReport(results: results).plain())
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
                    storeOptions: RunStore.Options = RunStore.Options()) throws -> ExperimentResults {
        let printer = ProgressPrinter()
        defer { printer.finish() }
        let runner = try ExperimentRunner(spec: spec, outputDirectory: outputDirectory, specFile: specFile,
                                          storeOptions: storeOptions, events: printer.handle)
        runner.kernelPath = kernelPath
        let manifest = try runner.run()
        let results = try ExperimentResults.load(manifest: manifest, store: runner.store, directory: runner.directory)
        try writeReports(results, store: runner)
        return results
    }

    static func writeReports(_ results: ExperimentResults, store runner: ExperimentRunner) throws {
        let report = ExperimentReport(results: results)
        let folder = URL(fileURLWithPath: results.directory)
        try AtomicFile.write(report.markdown(), to: folder.appendingPathComponent("report.md").path)
        try AtomicFile.write(try report.html(store: runner.store), to: folder.appendingPathComponent("report.html").path)
    }
}
