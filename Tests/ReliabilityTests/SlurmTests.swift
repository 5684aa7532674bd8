import Foundation
import FTFTTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The Slurm commands on PATH, against the cluster SLURM_CONF names (scripts/local-slurm.sh's, in scripts/test.sh).
enum LocalSlurm {
    /// scripts/test.sh started a cluster for the tests (FTFT_TEST_SLURM=1), or this is CI (CI set, unless
    /// FTFT_TEST_SLURM=0): then an unreachable cluster is a failure, never a skip.
    static var expected: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["FTFT_TEST_SLURM"] == "1" || (environment["CI"] != nil && environment["FTFT_TEST_SLURM"] != "0")
    }

    /// A cluster answers `sinfo` (asked once).
    static let reachable: Bool = run(["sinfo", "-h", "-o", "%T"]).status == 0

    /// Whether the Slurm tests run: when a cluster answers, or when one is expected (and its absence must fail).
    static var runnable: Bool { reachable || expected }

    static let skipReason: Comment = "no Slurm cluster reachable (sinfo fails; SLURM_CONF unset?): scripts/test.sh starts one for the tests"

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String]) -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("ftft-slurm-test-\(UUID().uuidString)")
        let out = base.appendingPathExtension("out"), err = base.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        guard let outHandle = try? FileHandle(forWritingTo: out), let errHandle = try? FileHandle(forWritingTo: err) else {
            return Output(status: -1, stdout: "", stderr: "cannot create output files")
        }
        process.standardOutput = outHandle
        process.standardError = errHandle
        do { try process.run() } catch { return Output(status: -1, stdout: "", stderr: "\(error)") }
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// True when a cluster answers; throws otherwise (the suite is disabled, and reported as skipped, when no cluster
    /// answers and none is expected).
    static func available(_ suite: String) throws -> Bool {
        let probe = run(["sinfo", "-h", "-o", "%T"])
        if probe.status == 0 && !probe.stdout.isEmpty { return true }
        let why = "sinfo exited \(probe.status): \(probe.stderr.trimmingCharacters(in: .whitespacesAndNewlines))"
        throw FTFTTestFailure("\(suite): a Slurm cluster is expected (FTFT_TEST_SLURM=1 from scripts/test.sh, or CI) but it is not reachable (\(why))")
    }

    /// Job ids recorded by `ftft submit slurm` in an experiment folder.
    static func recordedJobs(_ experiment: URL) throws -> [(id: String, kind: String, tasks: [String: Int64], dependency: String?)] {
        let data = try Data(contentsOf: experiment.appendingPathComponent("slurm/submissions.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let submissions = try #require(object["submissions"] as? [[String: Any]])
        return submissions.flatMap { ($0["jobs"] as? [[String: Any]]) ?? [] }.map { job in
            let tasks = (job["tasks"] as? [String: Any] ?? [:]).compactMapValues { ($0 as? NSNumber)?.int64Value }
            return (job["id"] as? String ?? "", job["kind"] as? String ?? "", tasks, job["dependency"] as? String)
        }
    }

    /// Waits until none of `jobs` is in the queue (squeue); false on timeout.
    static func waitUntilDone(_ jobs: [String], timeoutSeconds: Double = 600) -> Bool {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline {
            let queue = run(["squeue", "-h", "-o", "%A"]).stdout.split(separator: "\n").map(String.init)
            if !queue.contains(where: { jobs.contains($0) }) { return true }
            usleep(300_000)
        }
        return false
    }

    /// `scontrol show job -o <id>`: array task (or "-" for a plain job) → JobState.
    static func states(_ job: String) -> [String: String] {
        var states: [String: String] = [:]
        for line in run(["scontrol", "show", "job", "-o", job]).stdout.split(separator: "\n") {
            var fields: [String: String] = [:]
            for token in line.split(separator: " ") {
                if let eq = token.firstIndex(of: "=") { fields[String(token[..<eq])] = String(token[token.index(after: eq)...]) }
            }
            states[fields["ArrayTaskId"] ?? "-"] = fields["JobState"]
        }
        return states
    }
}

/// `ftft submit slurm` on a real Slurm (the one-node cluster of scripts/local-slurm.sh): the 2-seed experiment of
/// `ShardMergeTests` (embedded task, scratch models, all five methods) through job arrays, dependencies and the
/// merge job must give the store of a one-process `ftft run` (scripts/store-diff.sql, manifest byte for byte); a
/// task signalled mid-run requeues itself and resumes bit-exactly; a task that fails has its dependants cancelled,
/// the merge job still reports, and a second submission finishes the experiment. Skipped without a
/// cluster (reported as skipped, with the reason) — unless scripts/test.sh started one (FTFT_TEST_SLURM=1) or this is
/// CI: then an unreachable cluster fails.
@Suite(.serialized, .enabled(if: LocalSlurm.runnable, LocalSlurm.skipReason)) struct SlurmTests {
    static func submit(_ file: URL, output: URL, in root: URL, extra: [String] = []) throws -> FTFTExecutable.Outcome {
        try FTFTExecutable.run(["submit", "slurm", file.path, "--output", output.path, "--cpus-per-task", "1"] + extra, in: root)
    }

    static func expectIdentical(_ database: String, _ reference: String, _ context: String) throws {
        try ShardMergeTests.expectIdentical(database, reference, context)
    }

    @Test func theSubmittedExperimentEqualsAOneProcessRun() throws {
        guard try LocalSlurm.available("SlurmTests") else { return }
        let reference = try ShardMergeTests.prepared()
        let root = try PackagePaths.temporaryDirectory("ftft-slurm-run")
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("shards.yaml")
        try ShardMergeTests.yaml.write(to: file, atomically: true, encoding: .utf8)
        let output = root.appendingPathComponent("out"), experiment = output.appendingPathComponent("shards")

        let dry = try Self.submit(file, output: output, in: root, extra: ["--dry-run"])
        #expect(dry.status == 0 && dry.stdout.contains("would run: sbatch --array=0-7 ") && dry.stdout.contains("--signal=B:USR1@300")
                && dry.stdout.contains("--open-mode=append") && dry.stdout.contains("--dependency=afterany:"), "\(dry.stdout)\(dry.stderr)")
        #expect(!FileManager.default.fileExists(atPath: experiment.path), "a dry run writes nothing")

        let start = Date()
        let submitted = try Self.submit(file, output: output, in: root)
        #expect(submitted.status == 0, "\(submitted.stdout)\(submitted.stderr)")
        let jobs = try LocalSlurm.recordedJobs(experiment)
        #expect(jobs.map(\.kind) == ["independent", "dependent", "dependent", "merge"], "\(jobs)")
        #expect(jobs.filter { $0.kind == "dependent" }.allSatisfy { $0.dependency?.hasPrefix("afterok:\(jobs[0].id)_") == true })
        #expect(LocalSlurm.waitUntilDone(jobs.map(\.id)), "jobs \(jobs.map(\.id)) still queued")
        print("SlurmTests: the 2-seed experiment through Slurm took \(String(format: "%.1f", Date().timeIntervalSince(start))) s "
              + "(one-process ftft run: \(String(format: "%.1f", reference.wallSeconds)) s)")
        for job in jobs { #expect(LocalSlurm.states(job.id).values.allSatisfy { $0 == "COMPLETED" }, "\(job): \(LocalSlurm.states(job.id))") }

        try Self.expectIdentical(experiment.appendingPathComponent("ftft.sqlite").path, reference.database, "through Slurm")
        let manifest = try Data(contentsOf: experiment.appendingPathComponent("manifest.json"))
        #expect(manifest == (try Data(contentsOf: reference.experiment.appendingPathComponent("manifest.json"))))
        let report = try FTFTExecutable.run(["report", experiment.path], in: root)
        #expect(report.status == 0 && report.stdout.contains("FTFT"), "\(report.stderr)")
        let again = try Self.submit(file, output: output, in: root)
        #expect(again.status == 0 && again.stdout.contains("nothing to submit: every run is finished"), "\(again.stdout)")
    }

    /// A refused sbatch (here: a partition the cluster does not have) is an error with Slurm's words, exit 1,
    /// never an empty job id; nothing is recorded as queued.
    @Test func aRejectedSbatchIsAnError() throws {
        guard try LocalSlurm.available("SlurmTests") else { return }
        let root = try PackagePaths.temporaryDirectory("ftft-slurm-rejected")
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("shards.yaml")
        try ShardMergeTests.yaml.write(to: file, atomically: true, encoding: .utf8)
        let output = root.appendingPathComponent("out")
        let refused = try Self.submit(file, output: output, in: root, extra: ["--partition", "no-such-partition"])
        #expect(refused.status == 1 && refused.stderr.contains("was rejected (exit 1)") && refused.stderr.contains("partition"),
                "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("shards/slurm/submissions.json").path))
    }

    @Test func aSignalledTaskRequeuesItselfAndResumesBitExactly() throws {
        guard try LocalSlurm.available("SlurmTests") else { return }
        let root = try PackagePaths.temporaryDirectory("ftft-slurm-requeue")
        defer { try? FileManager.default.removeItem(at: root) }
        // One run long enough to be caught mid-run: 400 updates of a 2-layer width-64 model, a checkpoint every 10
        // (a few seconds in a debug build).
        let yaml = """
            experiment: long
            task: {name: embedded, max_length: 40, embedded: {train_size: 240, validation_size: 30, ood_dev_size: 30, ood_test_size: 30}}
            seeds: [0]
            threads: 1
            models:
              large: {scratch: {layers: 2, hidden: 64, heads: 4, intermediate: 256}, learning_rate: 1e-3}
            training: {max_steps: 400, batch_size: 32, eval_interval: 10}
            methods:
              - {label: "ERM", method: erm, model: large}
            """
        let file = root.appendingPathComponent("long.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let one = try FTFTExecutable.run(["run", file.path, "--output", root.appendingPathComponent("one").path], in: root)
        #expect(one.status == 0, "\(one.stderr)")
        let output = root.appendingPathComponent("out"), experiment = output.appendingPathComponent("long")
        #expect(try Self.submit(file, output: output, in: root).status == 0)
        let jobs = try LocalSlurm.recordedJobs(experiment)
        let task = try #require(jobs.first { $0.kind == "independent" })
        let run = try #require(task.tasks["0"])
        let shard = experiment.appendingPathComponent("shards/\(run).sqlite").path

        // Signal the batch shell as Slurm does before a time limit, once the run has a checkpoint.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && (Int(FTFTExecutable.sql(shard, "SELECT max(steps) FROM compute_entry") ?? "") ?? 0) < 10 { usleep(50_000) }
        let steps = Int(FTFTExecutable.sql(shard, "SELECT max(steps) FROM compute_entry") ?? "") ?? 0
        let signalled = LocalSlurm.run(["scancel", "--signal=USR1", "--batch", "\(task.id)_0"])
        try #require(signalled.status == 0 && steps < 400, "could not signal the task mid-run (at step \(steps)): \(signalled.stderr)")
        var requeued = false
        while Date() < deadline && !requeued {
            let line = LocalSlurm.run(["scontrol", "show", "job", "-o", task.id]).stdout
            requeued = line.contains("Restarts=1") && line.contains("JobState=PENDING")
            if !requeued { usleep(200_000) }
        }
        #expect(requeued, "the task did not requeue itself: \(LocalSlurm.run(["scontrol", "show", "job", "-o", task.id]).stdout)")
        #expect(FTFTExecutable.sql(shard, "SELECT status FROM run WHERE id = \(run)") == "interrupted")
        // A requeued job waits about two minutes before it is eligible again; release it sooner — but not at once:
        // slurmd refuses to launch a job id it killed a moment ago ("Job … already killed, do not launch batch job").
        #expect(LocalSlurm.run(["scontrol", "update", "JobId=\(task.id)_0", "StartTime=now+10"]).status == 0)
        #expect(LocalSlurm.waitUntilDone(jobs.map(\.id)), "jobs still queued")

        let log = try String(contentsOf: experiment.appendingPathComponent("slurm/logs/independent-0.out"), encoding: .utf8)
        #expect(log.contains("restart 0)") && log.contains("restart 1)"), "the log lost the first attempt (open-mode=append): \(log)")
        #expect(log.contains("SIGUSR1") && log.contains("requeueing job") && log.contains("resuming at step"), "\(log)")
        try Self.expectIdentical(experiment.appendingPathComponent("ftft.sqlite").path,
                                 root.appendingPathComponent("one/long/ftft.sqlite").path, "after a requeue")
    }

    @Test func aFailedTaskCancelsItsDependantsTheReportSaysWhatIsMissingAndResubmittingFinishes() throws {
        guard try LocalSlurm.available("SlurmTests") else { return }
        let reference = try ShardMergeTests.prepared()
        let root = try PackagePaths.temporaryDirectory("ftft-slurm-fail")
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("shards.yaml")
        try ShardMergeTests.yaml.write(to: file, atomically: true, encoding: .utf8)
        let output = root.appendingPathComponent("out"), experiment = output.appendingPathComponent("shards")
        // The reference run of seed 0 cannot open its shard: a folder is in the way (a failing disk, say).
        let reference0 = try ShardMergeTests.runID(file, title: "ERM tiny", seed: 0, in: root)
        let blocker = experiment.appendingPathComponent("shards/\(reference0).sqlite")
        try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: true)

        #expect(try Self.submit(file, output: output, in: root).status == 0)
        let jobs = try LocalSlurm.recordedJobs(experiment)
        #expect(LocalSlurm.waitUntilDone(jobs.map(\.id)), "jobs still queued")
        let independent = try #require(jobs.first { $0.kind == "independent" })
        let failedTask = try #require(independent.tasks.first { $0.value == reference0 }?.key)
        #expect(LocalSlurm.states(independent.id)[failedTask] == "FAILED", "\(LocalSlurm.states(independent.id))")
        let dependants = jobs.filter { $0.dependency == "afterok:\(independent.id)_\(failedTask)" }
        #expect(dependants.count == 1)
        for job in dependants { #expect(LocalSlurm.states(job.id).values.allSatisfy { $0 == "CANCELLED" }, "\(LocalSlurm.states(job.id))") }
        let merge = try #require(jobs.first { $0.kind == "merge" })
        #expect(LocalSlurm.states(merge.id).values.allSatisfy { $0 == "COMPLETED" }, "the merge job must run whatever happened")
        let manifest = try String(contentsOf: experiment.appendingPathComponent("manifest.json"), encoding: .utf8)
        #expect(manifest.contains("\"missing\"") && manifest.contains("run \(reference0) (ERM tiny)"), "\(manifest)")
        let report = try String(contentsOf: experiment.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("## Not finished") && report.contains("DM (seed 0)") && report.contains("FTFT (seed 0)"), "\(report)")

        try FileManager.default.removeItem(at: blocker)
        let again = try Self.submit(file, output: output, in: root)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.components(separatedBy: ": submitting (").count - 1 == 3, "only ERM tiny, DM and FTFT of seed 0: \(again.stdout)")
        let second = try LocalSlurm.recordedJobs(experiment).map(\.id).filter { !jobs.map(\.id).contains($0) }
        #expect(LocalSlurm.waitUntilDone(second), "jobs still queued")
        try Self.expectIdentical(experiment.appendingPathComponent("ftft.sqlite").path, reference.database, "after resubmitting")
        #expect(!(try String(contentsOf: experiment.appendingPathComponent("report.md"), encoding: .utf8)).contains("Not finished"))
    }
}
