import Foundation
import FTFTIO

/// The record of what was submitted for an experiment (`<experiment folder>/slurm/submissions.json`): every job
/// with the plan runs of its array tasks, so a later `ftft submit slurm` can ask Slurm (`scontrol show job`)
/// which runs are still queued or running and submit only what is missing.
public struct SlurmRecord: Codable, Sendable, Equatable {
    public struct Job: Codable, Sendable, Equatable {
        /// The job id sbatch printed (an array's ArrayJobId).
        public var id: String
        /// "independent", "dependent" or "merge".
        public var kind: String
        /// Array task id → run id (empty for the merge job).
        public var tasks: [String: Int64]
        public var dependency: String?
    }

    public struct Submission: Codable, Sendable, Equatable {
        public var number: Int
        public var submittedAt: String
        /// The folder with its scripts and resolved experiment, relative to the experiment folder.
        public var folder: String
        public var jobs: [Job]
    }

    public var submissions: [Submission] = []

    public static func path(_ directory: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent("slurm/submissions.json").path
    }

    public static func read(_ directory: String) throws -> SlurmRecord {
        guard let data = FileManager.default.contents(atPath: path(directory)) else { return SlurmRecord() }
        do { return try JSONDecoder().decode(SlurmRecord.self, from: data) } catch {
            throw ExperimentError.unavailable(what: path(directory), reason: "the submission record cannot be read (\(error))")
        }
    }

    public func write(_ directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(self), to: Self.path(directory))
    }
}

/// `ftft submit slurm`: decides from the store, the shards and Slurm itself what is missing, writes the scripts and
/// the resolved experiment into `slurm/submission-<n>/`, and submits — the independent runs as arrays, the
/// dependent runs as arrays that wait (`afterok:<job>_<task>`, `--kill-on-invalid-dep=yes`) for the array task of
/// their reference run, and a merge + report job that waits for everything (`afterany`).
public struct SlurmSubmission {
    /// Where a run stands for the submission.
    public enum RunSituation: Sendable, Equatable {
        case finished(String)
        /// In Slurm's queue: "<array job>_<task>" and its state.
        case queued(task: String, state: String)
        /// Neither: to be submitted (the text says whether a shard has a checkpoint to resume from).
        case missing(String)
    }

    public let runner: ExperimentRunner
    public let plan: ExperimentPlan
    public let resources: SlurmResources
    public let ftft: String
    public let client: SlurmClient

    public init(runner: ExperimentRunner, plan: ExperimentPlan, resources: SlurmResources, ftft: String,
                client: SlurmClient = SlurmClient()) {
        self.runner = runner
        self.plan = plan
        self.resources = resources
        self.ftft = ftft
        self.client = client
    }

    static let finishedStates: Set<String> = ["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "PREEMPTED",
                                              "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE"]

    /// Each planned run's situation: finished (store or shard), queued (a task of a recorded job that Slurm reports
    /// pending, running, requeued …), or missing.
    public func situations(record: SlurmRecord) throws -> [Int64: RunSituation] {
        let states = runner.states(of: plan)
        var queued: [Int64: (String, String)] = [:]
        for submission in record.submissions {
            for job in submission.jobs where job.kind != "merge" {
                for (task, state) in try client.arrayTaskStates(job: job.id) where !Self.finishedStates.contains(state.split(separator: " ").first.map(String.init) ?? state) {
                    if let run = job.tasks[String(task)] { queued[run] = ("\(job.id)_\(task)", state) }
                }
            }
        }
        var result: [Int64: RunSituation] = [:]
        for run in plan.runs {
            switch states[run.id] ?? .notStarted {
            case .finished(let place): result[run.id] = .finished(place)
            case let state:
                if let (task, slurmState) = queued[run.id] { result[run.id] = .queued(task: task, state: slurmState) } else {
                    result[run.id] = .missing(state.text)
                }
            }
        }
        return result
    }

    /// One sbatch call to make.
    public struct PlannedJob: Sendable {
        public var kind: String
        public var script: String
        public var offset: Int
        public var arrayIndices: [Int]
        /// Plan index → run id for the array's tasks (array index = plan index − offset).
        public var runs: [Int: Int64]
        /// Runs this job waits for: dependency on "<job>_<task>" strings, some of them jobs of this submission
        /// (named "new:<run id>" until submitted).
        public var waitsFor: String?
    }

    public struct Outcome: Sendable {
        public var folder: String
        public var jobs: [SlurmRecord.Job]
        public var lines: [String]
    }

    /// Writes the scripts and submits (or, `dryRun`, only describes them). nil when nothing is missing.
    public func submit(dryRun: Bool) throws -> Outcome? {
        let directory = runner.directory
        var record = try SlurmRecord.read(directory)
        let situation = try situations(record: record)
        let missing = plan.runs.filter { if case .missing = situation[$0.id] { return true } else { return false } }
        let stillQueued = record.submissions.flatMap(\.jobs).filter { job in
            job.kind != "merge" && job.tasks.values.contains { if case .queued = situation[$0] { return true } else { return false } }
        }.map(\.id)
        var lines = plan.runs.map { run -> String in
            let text: String
            switch situation[run.id] ?? .missing("train") {
            case .finished(let place): text = "finished (\(place))"
            case .queued(let task, let state): text = "queued as \(task) (\(state))"
            case .missing(let state): text = "submitting (\(state))"
            }
            return "\(run.stage.rawValue) \(run.index): run \(run.id) \(run.title) (seed \(run.seed)): \(text)"
        }
        guard !missing.isEmpty else {
            lines.append(stillQueued.isEmpty ? "nothing to submit: every run is finished (`ftft merge \(directory)` merges them)"
                                             : "nothing new to submit: the missing runs are queued (jobs \(stillQueued.joined(separator: ", ")))")
            return Outcome(folder: "", jobs: [], lines: lines)
        }

        let number = (record.submissions.map(\.number).max() ?? 0) + 1
        let relative = "slurm/submission-\(number)"
        let folder = URL(fileURLWithPath: directory).appendingPathComponent(relative).path
        let logs = URL(fileURLWithPath: directory).appendingPathComponent("slurm/logs").path
        let resolved = URL(fileURLWithPath: folder).appendingPathComponent("experiment.json").path
        let outputRoot = URL(fileURLWithPath: directory).deletingLastPathComponent().path
        var scripts: [String: String] = [:]
        for stage in ExperimentPlan.Stage.allCases {
            scripts[stage.rawValue] = SlurmScripts.stage(stage, experimentName: plan.spec.name, ftft: ftft, resolvedExperiment: resolved,
                                                         outputRoot: outputRoot, logs: logs, resources: resources)
        }
        scripts["merge"] = SlurmScripts.merge(experimentName: plan.spec.name, ftft: ftft, experimentDirectory: directory,
                                              logs: logs, resources: resources)
        let maxArraySize = dryRun ? ((try? client.maxArraySize()) ?? 1001) : try client.maxArraySize()
        func path(_ kind: String) -> String { URL(fileURLWithPath: folder).appendingPathComponent("\(kind).sbatch").path }

        if dryRun {
            for kind in ["independent", "dependent", "merge"] { lines.append("--- \(path(kind))\n" + (scripts[kind] ?? "")) }
        } else {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
            try ResolvedExperiment(experiment: plan.spec, source: nil).write(to: resolved)
            for (kind, text) in scripts { try AtomicFile.write(text, to: path(kind)) }
            try plan.write(to: ExperimentPlan.path(directory: directory))
        }

        // Submitted task of each run, as "<job>_<task>", for the dependants' afterok.
        var taskOf: [Int64: String] = [:]
        for (run, situation) in situation { if case .queued(let task, _) = situation { taskOf[run] = task } }
        var submission = SlurmRecord.Submission(number: number, submittedAt: ISO8601DateFormatter().string(from: Date()),
                                                folder: relative, jobs: [])
        var jobCounter = 0
        func sbatch(_ kind: String, options: [String], arguments: [String], tasks: [String: Int64], dependency: String?) throws -> String {
            let printed = "sbatch " + (options + [path(kind)] + arguments).joined(separator: " ")
            if dryRun {
                jobCounter += 1
                lines.append("would run: \(printed)")
                return "<job \(jobCounter)>"
            }
            do {
                let id = try client.submit(script: path(kind), options: options, scriptArguments: arguments)
                lines.append("submitted \(id): \(printed)")
                submission.jobs.append(SlurmRecord.Job(id: id, kind: kind, tasks: tasks, dependency: dependency))
                return id
            } catch {
                // Keep what was queued before the refusal on record, so the next submission sees it.
                if !submission.jobs.isEmpty {
                    record.submissions.append(submission)
                    try? record.write(directory)
                }
                throw error
            }
        }
        func submitArray(_ stage: ExperimentPlan.Stage, _ runs: [ExperimentPlan.PlannedRun], dependency: String?) throws {
            for part in SlurmScripts.split(runs.map(\.index), maxArraySize: maxArraySize) {
                var options = ["--array=\(SlurmClient.indexList(part.indices))"]
                if let dependency { options += ["--dependency=\(dependency)", "--kill-on-invalid-dep=yes"] }
                var tasks: [String: Int64] = [:]
                for run in runs where part.indices.contains(run.index - part.offset) && run.index >= part.offset {
                    tasks[String(run.index - part.offset)] = run.id
                }
                let id = try sbatch(stage.rawValue, options: options, arguments: ["\(part.offset)"], tasks: tasks, dependency: dependency)
                for (task, run) in tasks { taskOf[run] = "\(id)_\(task)" }
            }
        }

        try submitArray(.independent, missing.filter { $0.stage == .independent }, dependency: nil)
        // Dependants grouped by what they wait for: nothing (reference finished), or one array task.
        var groups: [String: [ExperimentPlan.PlannedRun]] = [:]
        for run in missing where run.stage == .dependent {
            var key = ""
            if let reference = run.dependsOn, !(situation[reference].map { if case .finished = $0 { return true } else { return false } } ?? false) {
                guard let task = taskOf[reference] else {
                    throw ExperimentError.inconsistentStore(reason: "run \(run.id) depends on run \(reference), which is neither finished, queued nor submitted")
                }
                key = "afterok:\(task)"
            }
            groups[key, default: []].append(run)
        }
        for key in groups.keys.sorted() {
            try submitArray(.dependent, groups[key] ?? [], dependency: key.isEmpty ? nil : key)
        }
        let waited = dryRun ? (0..<jobCounter).map { "<job \($0 + 1)>" } + stillQueued : submission.jobs.map(\.id) + stillQueued
        let mergeOptions = waited.isEmpty ? [] : ["--dependency=afterany:" + waited.joined(separator: ":")]
        _ = try sbatch("merge", options: mergeOptions, arguments: [], tasks: [:], dependency: mergeOptions.first)
        if !dryRun {
            record.submissions.append(submission)
            try record.write(directory)
        }
        return Outcome(folder: folder, jobs: submission.jobs, lines: lines)
    }
}
