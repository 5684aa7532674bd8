import Foundation

/// What every job asks Slurm for (sbatch's own options; nil leaves the cluster's default).
public struct SlurmResources: Sendable, Equatable {
    public var partition: String?
    public var time: String?
    public var cpusPerTask: Int?
    public var mem: String?
    public var account: String?
    public var qos: String?
    /// `--signal=B:USR1@<seconds>`: how long before the time limit the job is told to checkpoint and requeue.
    public var signalSeconds: Int

    public init(partition: String? = nil, time: String? = nil, cpusPerTask: Int? = nil, mem: String? = nil,
                account: String? = nil, qos: String? = nil, signalSeconds: Int = 300) {
        self.partition = partition
        self.time = time
        self.cpusPerTask = cpusPerTask
        self.mem = mem
        self.account = account
        self.qos = qos
        self.signalSeconds = signalSeconds
    }

    var directives: [String] {
        var lines: [String] = []
        if let partition { lines.append("--partition=\(partition)") }
        if let time { lines.append("--time=\(time)") }
        if let cpusPerTask { lines.append("--cpus-per-task=\(cpusPerTask)") }
        if let mem { lines.append("--mem=\(mem)") }
        if let account { lines.append("--account=\(account)") }
        if let qos { lines.append("--qos=\(qos)") }
        return lines
    }
}

/// The sbatch scripts of a submission. Paths in them are absolute: they run on compute nodes, from any folder.
public enum SlurmScripts {
    /// Single-quoted for bash.
    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// One run of the plan's `stage` per array task: plan index = SLURM_ARRAY_TASK_ID + the offset given as the
    /// script's first argument (arrays above MaxArraySize are split, each part with its offset). ftft runs as a
    /// child of the batch shell, which forwards USR1 (`--signal=B:USR1@T`, sent to the batch shell only) and TERM;
    /// ftft checkpoints at its next update and exits 75, and after USR1 the script requeues its own task, which
    /// then resumes bit-exactly from the checkpoint. Output is appended (`--open-mode=append`), so a requeue keeps
    /// the first attempt's lines.
    public static func stage(_ stage: ExperimentPlan.Stage, experimentName: String, ftft: String, resolvedExperiment: String,
                             outputRoot: String, logs: String, resources: SlurmResources) -> String {
        var lines = ["#!/bin/bash", "# Written by `ftft submit slurm`: one run of the \(stage.rawValue) stage of \(experimentName) per array task."]
        let directives = ["--job-name=ftft-\(experimentName)-\(stage.rawValue)",
                          "--output=\(logs)/\(stage.rawValue)-%a.out", "--open-mode=append", "--requeue",
                          "--signal=B:USR1@\(resources.signalSeconds)"] + resources.directives
        lines += directives.map { "#SBATCH " + $0 }
        lines += [
            "set -u",
            "index=$((SLURM_ARRAY_TASK_ID + ${1:-0}))",
            "echo \"ftft-slurm: $(date -u +%Y-%m-%dT%H:%M:%SZ) job ${SLURM_JOB_ID} (array ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}, restart ${SLURM_RESTART_COUNT:-0}) on $(hostname): \(stage.rawValue) run ${index}\"",
            "\(quoted(ftft)) run \(quoted(resolvedExperiment)) --output \(quoted(outputRoot)) --stage \(stage.rawValue) --array-index \"$index\" ${SLURM_CPUS_PER_TASK:+--threads \"$SLURM_CPUS_PER_TASK\"} &",
            "pid=$!",
            "signalled=''",
            "trap 'signalled=USR1; kill -USR1 \"$pid\" 2>/dev/null' USR1",
            "trap 'signalled=TERM; kill -TERM \"$pid\" 2>/dev/null' TERM",
            "while kill -0 \"$pid\" 2>/dev/null; do wait \"$pid\"; done",
            "wait \"$pid\"; status=$?",
            "if [ \"$status\" -eq 75 ] && [ \"$signalled\" = USR1 ]; then",
            "  echo \"ftft-slurm: $(date -u +%Y-%m-%dT%H:%M:%SZ) checkpointed before the time limit; requeueing job ${SLURM_JOB_ID}\"",
            "  scontrol requeue \"$SLURM_JOB_ID\"",
            "fi",
            "echo \"ftft-slurm: $(date -u +%Y-%m-%dT%H:%M:%SZ) ftft exited with status $status\"",
            "exit \"$status\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The merge and report job: runs whatever happened to the runs (`afterany`), so a partial report appears.
    public static func merge(experimentName: String, ftft: String, experimentDirectory: String, logs: String,
                             resources: SlurmResources) -> String {
        var lines = ["#!/bin/bash", "# Written by `ftft submit slurm`: folds the shards of \(experimentName) into ftft.sqlite and writes the report."]
        var merged = resources
        merged.cpusPerTask = 1
        let directives = ["--job-name=ftft-\(experimentName)-merge", "--output=\(logs)/merge-%j.out", "--open-mode=append"]
            + merged.directives
        lines += directives.map { "#SBATCH " + $0 }
        lines += [
            "set -u",
            "echo \"ftft-slurm: $(date -u +%Y-%m-%dT%H:%M:%SZ) job ${SLURM_JOB_ID} on $(hostname): merge\"",
            "\(quoted(ftft)) merge \(quoted(experimentDirectory))",
            "status=$?",
            "echo \"ftft-slurm: $(date -u +%Y-%m-%dT%H:%M:%SZ) ftft merge exited with status $status\"",
            "exit \"$status\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Plan indices → (offset, array indices below `maxArraySize`) parts: Slurm's MaxArraySize caps the highest
    /// array index, so index i goes to part ⌊i / M⌋ as array index i mod M with offset M·⌊i / M⌋.
    public static func split(_ indices: [Int], maxArraySize: Int) -> [(offset: Int, indices: [Int])] {
        let m = max(1, maxArraySize)
        var parts: [Int: [Int]] = [:]
        for i in indices { parts[(i / m) * m, default: []].append(i % m) }
        return parts.keys.sorted().map { ($0, (parts[$0] ?? []).sorted()) }
    }
}
