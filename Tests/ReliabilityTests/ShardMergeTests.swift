import Foundation
import FTFTTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Store shards and `ftft merge`, with the real executable and no scheduler: every run of a 2-seed experiment
/// (embedded task, scratch models, all five methods) trained by its own `ftft run --stage … --array-index …`
/// into its shard, then merged, equals a one-process `ftft run` (scripts/store-diff.sql, and the manifest byte for
/// byte); a second merge changes nothing; a shard being written is skipped and named; two files claiming one run
/// are an error naming both. Needs the sqlite3 command (scripts/install-deps.sh installs it).
@Suite(.serialized) struct ShardMergeTests {
    static let yaml = """
        experiment: shards
        task: {name: embedded, max_length: 40, embedded: {train_size: 120, validation_size: 30, ood_dev_size: 30, ood_test_size: 30}}
        seeds: [0, 1]
        threads: 1
        models:
          tiny:  {scratch: {layers: 1, hidden: 16, heads: 2, intermediate: 32}, learning_rate: 3e-3}
          large: {scratch: {layers: 1, hidden: 24, heads: 2, intermediate: 48}, learning_rate: 3e-3}
        training: {max_steps: 24, batch_size: 16, eval_interval: 4}
        methods:
          - {label: "ERM", method: erm, model: large}
          - {label: "ERM(ES)", method: erm_es, model: large, patience: 2}
          - {label: "Random DM", method: random_dm, model: large}
          - {label: "DM", method: dm, reference: tiny, model: large}
          - {label: "FTFT", method: ftft, reference: tiny, model: large, patience: 2}
        """

    struct Reference: Sendable {
        let experiment: URL
        var database: String { experiment.appendingPathComponent("ftft.sqlite").path }
        let wallSeconds: Double
    }

    /// The one-process run every comparison uses, made once.
    static let reference: Result<Reference, Error> = Result {
        let root = try PackagePaths.temporaryDirectory("ftft-shards-reference")
        let file = root.appendingPathComponent("shards.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let start = Date()
        let outcome = try FTFTExecutable.run(["run", file.path, "--output", root.appendingPathComponent("out").path], in: root)
        guard outcome.status == 0 else { throw FTFTTestFailure("the one-process run failed (\(outcome.status)): \(outcome.stderr)") }
        return Reference(experiment: root.appendingPathComponent("out/shards"), wallSeconds: Date().timeIntervalSince(start))
    }

    static func prepared() throws -> Reference {
        guard FTFTExecutable.sqlite3 != nil else {
            throw FTFTTestFailure("the sqlite3 command is not installed (scripts/install-deps.sh installs it)")
        }
        return try reference.get()
    }

    /// The plan's runs (`ftft plan --format json`): (stage, index, id, title, seed).
    static func plan(_ file: URL, output: URL? = nil, in root: URL) throws -> [(stage: String, index: Int, id: Int64, title: String, seed: Int)] {
        var arguments = ["plan", file.path, "--format", "json", "--no-calibrate"]
        if let output { arguments += ["--output", output.path] }
        let outcome = try FTFTExecutable.run(arguments, in: root)
        guard outcome.status == 0 else { throw FTFTTestFailure("ftft plan failed: \(outcome.stderr)") }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        return try #require(object["runs"] as? [[String: Any]]).compactMap { entry in
            guard let run = entry["run"] as? [String: Any] else { return nil }
            return (run["stage"] as? String ?? "", (run["index"] as? NSNumber)?.intValue ?? -1, (run["id"] as? NSNumber)?.int64Value ?? -1,
                    run["title"] as? String ?? "", (run["seed"] as? NSNumber)?.intValue ?? -1)
        }
    }

    static func runID(_ file: URL, title: String, seed: Int, in root: URL) throws -> Int64 {
        try #require(try plan(file, in: root).first { $0.title == title && $0.seed == seed }?.id)
    }

    static func expectIdentical(_ database: String, _ reference: String, _ context: String) throws {
        let diff = try FTFTExecutable.storeDiff(database, reference: reference)
        #expect(diff.count == 8, "\(context): \(diff)")
        for (table, counts) in diff {
            #expect(counts.count == 4 && counts[0] == counts[1] && counts[2] == 0 && counts[3] == 0,
                    "\(context): \(table) (here, reference, only here, only there) = \(counts)")
        }
    }

    @Test func everyRunInItsOwnShardMergedEqualsAOneProcessRunAndASecondMergeChangesNothing() throws {
        let reference = try Self.prepared()
        let root = try PackagePaths.temporaryDirectory("ftft-shards")
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("shards.yaml")
        try Self.yaml.write(to: file, atomically: true, encoding: .utf8)
        let output = root.appendingPathComponent("out"), experiment = output.appendingPathComponent("shards")
        let runs = try Self.plan(file, output: output, in: root)
        #expect(runs.count == 12 && runs.filter { $0.stage == "dependent" }.count == 4, "\(runs)")
        // Dependants first: they refuse to start before their reference run is finished.
        let early = try FTFTExecutable.run(["run", file.path, "--output", output.path, "--stage", "dependent", "--array-index", "0"], in: root)
        #expect(early.status == 1 && early.stderr.contains("which neither ftft.sqlite nor shards/"), "\(early.stderr)")
        for stage in ["independent", "dependent"] {
            for run in runs where run.stage == stage {
                let outcome = try FTFTExecutable.run(["run", file.path, "--output", output.path, "--stage", stage,
                                                      "--array-index", "\(run.index)"], in: root)
                #expect(outcome.status == 0 && outcome.stdout.contains("run \(run.id) finished in"), "\(outcome.stderr)")
            }
        }
        let merged = try FTFTExecutable.run(["merge", experiment.path], in: root)
        #expect(merged.status == 0 && merged.stderr.contains("merged 12 shard(s), 0 merged before"), "\(merged.stderr)")
        let database = experiment.appendingPathComponent("ftft.sqlite").path
        try Self.expectIdentical(database, reference.database, "merged shards")
        #expect(try Data(contentsOf: experiment.appendingPathComponent("manifest.json"))
                == (try Data(contentsOf: reference.experiment.appendingPathComponent("manifest.json"))))
        #expect(FTFTExecutable.sql(database, "PRAGMA integrity_check") == "ok")

        let before = root.appendingPathComponent("before.sqlite").path
        #expect(FTFTExecutable.sql(database, "VACUUM INTO '\(before)'") != nil)
        let again = try FTFTExecutable.run(["merge", experiment.path], in: root)
        #expect(again.status == 0 && again.stderr.contains("merged 0 shard(s), 12 merged before"), "\(again.stderr)")
        try Self.expectIdentical(database, before, "a second merge")
        #expect(FTFTExecutable.sql(database, "SELECT count(*) FROM merged_shard") == "12")

        // A copy of a shard under another name claims the same run: an error naming both files.
        let some = try #require(runs.first)
        let shards = experiment.appendingPathComponent("shards")
        try FileManager.default.copyItem(at: shards.appendingPathComponent("\(some.id).sqlite"), to: shards.appendingPathComponent("copy.sqlite"))
        let conflict = try FTFTExecutable.run(["merge", experiment.path], in: root)
        #expect(conflict.status == 1 && conflict.stderr.contains("shards/\(some.id).sqlite") && conflict.stderr.contains("shards/copy.sqlite"),
                "\(conflict.stderr)")
        try Self.expectIdentical(database, before, "a merge with a conflict")
    }

    @Test func aShardBeingWrittenIsNamedAndLeftAloneThenMergedOnceFinished() throws {
        _ = try Self.prepared()
        let ftft = try #require(FTFTExecutable.path, "the ftft executable is not built next to the tests")
        let root = try PackagePaths.temporaryDirectory("ftft-shard-busy")
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("busy.yaml")
        // Long enough to be caught while it trains: 400 updates of a 2-layer width-64 model, a checkpoint every 10.
        try Self.yaml.replacingOccurrences(of: "large: {scratch: {layers: 1, hidden: 24, heads: 2, intermediate: 48}, learning_rate: 3e-3}",
                                           with: "large: {scratch: {layers: 2, hidden: 64, heads: 4, intermediate: 256}, learning_rate: 1e-3}")
            .replacingOccurrences(of: "train_size: 120", with: "train_size: 240")
            .replacingOccurrences(of: "training: {max_steps: 24, batch_size: 16, eval_interval: 4}",
                                  with: "training: {max_steps: 400, batch_size: 32, eval_interval: 10}")
            .write(to: file, atomically: true, encoding: .utf8)
        let output = root.appendingPathComponent("out"), experiment = output.appendingPathComponent("shards")
        let run = try #require(try Self.plan(file, in: root).first)
        let shard = experiment.appendingPathComponent("shards/\(run.id).sqlite").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ftft)
        process.arguments = ["run", file.path, "--output", output.path, "--only", "\(run.id)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline && (Int(FTFTExecutable.sql(shard, "SELECT max(steps) FROM compute_entry") ?? "") ?? 0) < 10 {
            usleep(50_000)
        }
        #expect(process.isRunning, "the run finished before the merge could see it being written")
        let busy = try FTFTExecutable.run(["merge", experiment.path], in: root)
        #expect(busy.status == 0 && busy.stderr.contains("left alone: shards/\(run.id).sqlite"), "\(busy.stderr)")
        #expect(busy.stderr.contains("missing: ERM (seed 0)"), "\(busy.stderr)")
        #expect(FTFTExecutable.sql(experiment.appendingPathComponent("ftft.sqlite").path, "SELECT count(*) FROM run") == "0")
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let done = try FTFTExecutable.run(["merge", experiment.path], in: root)
        #expect(done.status == 0 && done.stderr.contains("merged 1 shard(s)"), "\(done.stderr)")
        #expect(FTFTExecutable.sql(experiment.appendingPathComponent("ftft.sqlite").path, "SELECT status FROM run WHERE id = \(run.id)") == "finished")
    }

    /// plan.json (what `ftft merge` builds the manifest from) follows the experiment file: a run of an edited file
    /// (a row removed) replaces the plan the earlier version wrote, so the merge reports the file's rows only; a run
    /// of the same file with other threads keeps it.
    @Test func aPlanWrittenForAnEarlierVersionOfTheFileIsReplaced() throws {
        _ = try Self.prepared()
        let root = try PackagePaths.temporaryDirectory("ftft-shards-stale-plan")
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("shards.yaml")
        let earlier = Self.yaml.replacingOccurrences(of: "seeds: [0, 1]", with: "seeds: [0]")
        try earlier.write(to: file, atomically: true, encoding: .utf8)
        let output = root.appendingPathComponent("out"), experiment = output.appendingPathComponent("shards")
        let erm = try Self.runID(file, title: "ERM large", seed: 0, in: root)
        let first = try FTFTExecutable.run(["run", file.path, "--output", output.path, "--only", "\(erm)"], in: root)
        #expect(first.status == 0 && !first.stderr.contains("replaced"), "\(first.stderr)")
        let planPath = experiment.appendingPathComponent("plan.json")
        let written = try String(contentsOf: planPath, encoding: .utf8)
        #expect(written.contains("\"ERM(ES)\""))

        let otherThreads = try FTFTExecutable.run(["run", file.path, "--output", output.path, "--only", "\(erm)", "--threads", "2"], in: root)
        #expect(otherThreads.status == 0 && !otherThreads.stderr.contains("replaced"), "\(otherThreads.stderr)")
        #expect(try String(contentsOf: planPath, encoding: .utf8) == written)

        try earlier.replacingOccurrences(of: "  - {label: \"ERM(ES)\", method: erm_es, model: large, patience: 2}\n", with: "")
            .write(to: file, atomically: true, encoding: .utf8)
        let edited = try FTFTExecutable.run(["run", file.path, "--output", output.path, "--only", "\(erm)"], in: root)
        #expect(edited.status == 0 && edited.stdout.contains("is finished already"), "\(edited.stdout) \(edited.stderr)")
        #expect(edited.stderr.contains("was written for another version of") && edited.stderr.contains("replaced"), "\(edited.stderr)")
        #expect(!(try String(contentsOf: planPath, encoding: .utf8)).contains("\"ERM(ES)\""))
        let merged = try FTFTExecutable.run(["merge", experiment.path], in: root)
        #expect(merged.status == 0 && !merged.stderr.contains("ERM(ES)"), "\(merged.stderr)")
    }

    /// With `early_stopping: post_hoc` the plan has no run for the early-stopped rows (read from their
    /// counterparts), and shards merged still equal a one-process run, manifest byte for byte.
    @Test func postHocRowsFromShardsEqualAOneProcessRun() throws {
        _ = try Self.prepared()
        let root = try PackagePaths.temporaryDirectory("ftft-shards-post-hoc")
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("shards.yaml")
        try Self.yaml.replacingOccurrences(of: "eval_interval: 4}", with: "eval_interval: 4, early_stopping: post_hoc}")
            .write(to: file, atomically: true, encoding: .utf8)
        let single = try FTFTExecutable.run(["run", file.path, "--output", root.appendingPathComponent("one").path], in: root)
        #expect(single.status == 0, "\(single.stderr)")
        let output = root.appendingPathComponent("out"), experiment = output.appendingPathComponent("shards")
        let runs = try Self.plan(file, output: output, in: root)
        #expect(runs.count == 8, "\(runs)")   // 12 with live rows: ERM(ES) and FTFT of both seeds are read post hoc
        for stage in ["independent", "dependent"] {
            for run in runs where run.stage == stage {
                let outcome = try FTFTExecutable.run(["run", file.path, "--output", output.path, "--stage", stage,
                                                      "--array-index", "\(run.index)"], in: root)
                #expect(outcome.status == 0, "\(outcome.stderr)")
            }
        }
        let merged = try FTFTExecutable.run(["merge", experiment.path], in: root)
        #expect(merged.status == 0 && merged.stderr.contains("merged 8 shard(s)"), "\(merged.stderr)")
        let reference = root.appendingPathComponent("one/shards")
        try Self.expectIdentical(experiment.appendingPathComponent("ftft.sqlite").path,
                                 reference.appendingPathComponent("ftft.sqlite").path, "post-hoc shards")
        let manifest = try Data(contentsOf: experiment.appendingPathComponent("manifest.json"))
        #expect(manifest == (try Data(contentsOf: reference.appendingPathComponent("manifest.json"))))
        #expect(String(decoding: manifest, as: UTF8.self).components(separatedBy: "\"postHocDerived\" : true").count == 5)
    }
}
