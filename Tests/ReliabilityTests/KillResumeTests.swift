import Foundation
import FTFTTestSupport
import Testing

/// Crash safety of `ftft run` with the real executable, on a tiny experiment (embedded task, scratch models of
/// width 16 and 24, 24 steps, a checkpoint every 4; ERM, DM and FTFT with a shared reference run; about 3 s per
/// uninterrupted run in a debug build): SIGKILL at chosen points, then the same command until it finishes, must
/// give the results of an uninterrupted run bit for bit (`scripts/store-diff.sql`: evaluations and their logits,
/// dynamics, data map, selection, compute ledger, runs; and the final checkpoints' tensors). Also a non-finite
/// loss and a full store, each stopping one run with exit 1 and a rerun that behaves as documented.
/// `scripts/soak-kill-resume.sh` is the long version (release binary, many random kills).
/// Skipped, saying so, when the sqlite3 command is not installed.
@Suite(.serialized, .enabled(if: FTFTExecutable.sqlite3 != nil || SharedData.isRequired,
                             "the sqlite3 command is not installed (scripts/install-deps.sh installs it): test skipped"))
struct KillResumeTests {
    static let yaml = """
        experiment: soak
        task: {name: embedded, max_length: 40, embedded: {train_size: 120, validation_size: 30, ood_dev_size: 30, ood_test_size: 30}}
        seeds: [0]
        threads: 1
        keep_checkpoints: true
        models:
          tiny:  {scratch: {layers: 1, hidden: 16, heads: 2, intermediate: 32}, learning_rate: 3e-3}
          large: {scratch: {layers: 1, hidden: 24, heads: 2, intermediate: 48}, learning_rate: 3e-3}
        training: {max_steps: 24, batch_size: 16, eval_interval: 4}
        methods:
          - {label: "ERM", method: erm, model: large}
          - {label: "DM", method: dm, reference: tiny, model: large}
          - {label: "FTFT", method: ftft, reference: tiny, model: large, patience: 2}
        """

    struct Reference: Sendable {
        let root: URL
        /// `<root>/out/soak`.
        let experiment: URL
        var database: String { experiment.appendingPathComponent("ftft.sqlite").path }
        /// Updates of all its runs (`FTFTExecutable.checkpointedUpdates`).
        let updates: Int
    }

    static func arguments(_ file: URL, output: URL) -> [String] {
        ["run", file.path, "--output", output.path, "--kernels", "reference"]
    }

    /// The uninterrupted run every test compares with, made once.
    static let reference: Result<Reference, Error> = Result {
        let root = try PackagePaths.temporaryDirectory("ftft-kill-reference")
        let file = root.appendingPathComponent("soak.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let outcome = try FTFTExecutable.run(arguments(file, output: root.appendingPathComponent("out")), in: root)
        guard outcome.status == 0, !outcome.killed else {
            throw FTFTTestFailure("the uninterrupted run failed (\(outcome.status)): \(outcome.stderr)")
        }
        let experiment = root.appendingPathComponent("out/soak")
        let updates = FTFTExecutable.checkpointedUpdates(experiment.appendingPathComponent("ftft.sqlite").path)
        return Reference(root: root, experiment: experiment, updates: updates)
    }

    /// The reference run; the suite is enabled only with the sqlite3 command (or under CI, where its absence
    /// fails here).
    static func prepared() throws -> Reference {
        guard FTFTExecutable.sqlite3 != nil else {
            throw FTFTTestFailure("the sqlite3 command is not installed (scripts/install-deps.sh installs it)")
        }
        return try reference.get()
    }

    /// The whole comparison: every result table equal, nothing left running, integrity_check ok, the same final
    /// checkpoint tensors and manifest, no temporary files of atomic writes left behind.
    static func expectSameResults(_ experiment: URL, as reference: Reference, _ context: String) throws {
        let database = experiment.appendingPathComponent("ftft.sqlite").path
        let diff = try FTFTExecutable.storeDiff(database, reference: reference.database)
        for table in ["run", "evaluation", "evaluation_logits", "dynamics_epoch", "dynamics", "data_map", "selection",
                      "compute_entry"] {
            let counts = try #require(diff[table], "\(context): no line for \(table) in \(diff)")
            #expect(counts.count == 4 && counts[0] == counts[1] && counts[0] > 0 && counts[2] == 0 && counts[3] == 0,
                    "\(context): \(table) rows (here, reference, only here, only there) = \(counts)")
        }
        #expect(FTFTExecutable.sql(database, "PRAGMA integrity_check") == "ok", "\(context)")
        #expect(FTFTExecutable.sql(database, "SELECT count(*) FROM run WHERE status <> 'finished'") == "0", "\(context)")
        let digests = try FTFTExecutable.checkpointDigests(experiment)
        let referenceDigests = try FTFTExecutable.checkpointDigests(reference.experiment)
        #expect(digests.count == 4 && digests == referenceDigests,
                "\(context): final checkpoints \(digests)")
        let manifest = try Data(contentsOf: experiment.appendingPathComponent("manifest.json"))
        let referenceManifest = try Data(contentsOf: reference.experiment.appendingPathComponent("manifest.json"))
        #expect(manifest == referenceManifest, "\(context)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: experiment.path).filter { $0.contains(".tmp-") }
            + FileManager.default.contentsOfDirectory(atPath: experiment.appendingPathComponent("checkpoints").path)
                .filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "\(context): temporary files left: \(leftovers)")
    }

    /// Five SIGKILLs, each after a chosen number of training updates of that attempt (`FTFT_CRASH_AFTER_UPDATES`:
    /// the process kills itself there, so the kill lands inside a run on any machine, however fast or busy), then
    /// the same command until it finishes. With 8 updates an epoch and a checkpoint every 4, and each attempt
    /// redoing the updates after the last checkpoint, the kills land at: ERM large update 7 (mid-epoch), update
    /// 22 (last epoch); the reference run at update 8 (an epoch's end, after its evaluation, before its
    /// checkpoint), update 19; DM at update 5 (after the data map and selection were stored).
    @Test func killedFiveTimesInsideRunsAndResumedTheResultsAreBitIdentical() throws {
        let reference = try Self.prepared()
        // ERM, the reference and DM in full (24 each) and FTFT's ≥ 12: where the kills below land.
        #expect(reference.updates >= 84, "the experiment has \(reference.updates) updates")
        let root = try PackagePaths.temporaryDirectory("ftft-kill")
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("soak.yaml")
        try Self.yaml.write(to: file, atomically: true, encoding: .utf8)
        let output = root.appendingPathComponent("out"), experiment = output.appendingPathComponent("soak")
        let database = experiment.appendingPathComponent("ftft.sqlite").path
        var kills = 0, resumedLines = 0, interruptedRuns = 0
        for (attempt, updates) in [7, 18, 12, 15, 13].enumerated() {
            let outcome = try FTFTExecutable.run(Self.arguments(file, output: output), in: root,
                                                 environment: ["FTFT_CRASH_AFTER_UPDATES": String(updates)])
            #expect(outcome.killed, "attempt \(attempt + 1) ended by itself (\(outcome.status)) before \(updates) updates: \(outcome.stderr)")
            if outcome.killed { kills += 1 }
            let running = Int(FTFTExecutable.sql(database, "SELECT count(*) FROM run WHERE status = 'running'") ?? "") ?? 0
            #expect(running == 1, "after kill \(attempt + 1): \(running) runs left running")
            interruptedRuns += running
            resumedLines += outcome.stderr.split(separator: "\n").filter { $0.contains("resuming it") }.count
            #expect(FTFTExecutable.sql(database, "PRAGMA integrity_check") == "ok", "after kill \(attempt + 1)")
        }
        let last = try FTFTExecutable.run(Self.arguments(file, output: output), in: root)
        #expect(last.status == 0 && !last.killed, "\(last.stderr)")
        resumedLines += last.stderr.split(separator: "\n").filter { $0.contains("resuming it") }.count
        #expect(kills == 5 && interruptedRuns == 5 && resumedLines == interruptedRuns,
                "kills \(kills), runs left running by them \(interruptedRuns), resume notes \(resumedLines)")
        try Self.expectSameResults(experiment, as: reference, "after \(kills) kills")
    }
}
