import ArgumentParser
import Foundation
import FTFTExperiments

#if canImport(Glibc)
import Glibc
#endif

/// `ftft submit`: an experiment's runs as jobs of a cluster scheduler.
public struct SubmitCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit an experiment's runs to a cluster scheduler (Slurm).",
        subcommands: [SubmitSlurmCommand.self])

    public init() {}
}

/// `ftft submit slurm`: arrays with dependencies and a merge + report job.
public struct SubmitSlurmCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Submit an experiment to Slurm: job arrays for its runs, with dependencies, and a merge + report job.",
        discussion: """
            Writes <output>/<experiment>/slurm/submission-<n>/ (the sbatch scripts and the resolved experiment they \
            run, so later edits of the file do not change what runs) and submits: an array of the runs that depend on \
            nothing; arrays of the DM/FTFT main runs, each waiting for its reference run's array task \
            (afterok:<job>_<task>, --kill-on-invalid-dep=yes); and a job that merges the shards and writes the report \
            whatever happened (afterany). Each array task runs `ftft run --stage … --array-index …` into its own shard. \
            Jobs are requeueable and get SIGUSR1 --signal-seconds before their time limit: ftft then checkpoints, \
            the task requeues itself and resumes bit-exactly. Logs: slurm/logs/<stage>-<array index>.out, appended \
            across requeues. Arrays beyond MaxArraySize (scontrol show config) are split. Submitting again submits only \
            what is missing: runs neither finished (ftft.sqlite, shards) nor queued (scontrol show job). \
            --dry-run prints the status, the scripts and the sbatch commands, and writes nothing.
            """)

    @Argument(help: "The experiment file (YAML).")
    var experiment: String

    @Option(name: .long, help: "Folder that holds one subfolder per experiment (on a filesystem the compute nodes share).")
    var output: String = "runs"

    @Option(name: .long, help: "sbatch --partition.") var partition: String?
    @Option(name: .long, help: "sbatch --time, per run (`ftft plan` predicts each run's wall time).") var time: String?
    @Option(name: .customLong("cpus-per-task"), help: "sbatch --cpus-per-task; ftft's threads follow it.") var cpusPerTask: Int?
    @Option(name: .long, help: "sbatch --mem.") var mem: String?
    @Option(name: .long, help: "sbatch --account.") var account: String?
    @Option(name: .long, help: "sbatch --qos.") var qos: String?

    @Option(name: .customLong("signal-seconds"), help: "Seconds before the time limit at which a run checkpoints and requeues (--signal=B:USR1@…; Slurm may signal up to 60 s earlier).")
    var signalSeconds: Int = 300

    @Option(name: .long, help: "Override the file's seeds (comma-separated).")
    var seeds: String?

    @Option(name: .long, help: "The ftft executable the jobs run (default: this one).")
    var ftft: String?

    @Flag(name: .customLong("dry-run"), help: "Print the status, scripts and sbatch commands; write and submit nothing.")
    var dryRun = false

    public init() {}

    public func validate() throws {
        if let cpusPerTask, cpusPerTask < 1 { throw ValidationError("--cpus-per-task must be positive") }
        if signalSeconds < 0 { throw ValidationError("--signal-seconds must not be negative") }
        if let seeds, parseSeeds(seeds) == nil { throw ValidationError("--seeds must be non-negative integers separated by commas") }
    }

    public func run() throws {
        try reportingErrors {
            var spec = try ExperimentSpec.load(path: experiment)
            if let seeds, let list = parseSeeds(seeds) { spec.seeds = list }
            let executable = try ftft.map { URL(fileURLWithPath: $0).path } ?? Self.currentExecutable()
            guard FileManager.default.isExecutableFile(atPath: executable) else {
                throw ExperimentError.unavailable(what: "the ftft executable \(executable)", reason: "it is not an executable file")
            }
            let outputRoot = URL(fileURLWithPath: output).path
            let runner = try ExperimentRunner(spec: spec, outputDirectory: outputRoot, specFile: experiment, readOnly: true)
            let plan = try runner.experimentPlan()
            let submission = SlurmSubmission(
                runner: runner, plan: plan,
                resources: SlurmResources(partition: partition, time: time, cpusPerTask: cpusPerTask, mem: mem,
                                          account: account, qos: qos, signalSeconds: signalSeconds),
                ftft: executable)
            guard let outcome = try submission.submit(dryRun: dryRun) else { return }
            Standard.output(outcome.lines.joined(separator: "\n") + "\n")
        }
    }

    /// This process's executable, absolute (the jobs must find it from any folder).
    static func currentExecutable() throws -> String {
        if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return link }
        let first = CommandLine.arguments.first ?? "ftft"
        return URL(fileURLWithPath: first, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).path
    }
}
