import Foundation
import FTFTTestSupport
import Testing

/// Runs that fail at run time, through the real executable: exit 1, a message naming the run, the store left
/// consistent, and what the next `ftft run` does (it retries failed runs from their last checkpoint).
extension KillResumeTests {
    /// One more method on a model whose learning rate (1e10) makes the loss NaN at an update after its first
    /// checkpoint: the other runs finish, that one stops with exit 1 naming run, method, update and loss, and is
    /// marked failed with that message; its checkpoint stays. A rerun retries it, says so, and fails the same way
    /// without changing anything in the store.
    @Test func aNonFiniteLossFailsItsRunAndTheRetryFailsAlike() throws {
        _ = try Self.prepared()
        let root = try PackagePaths.temporaryDirectory("ftft-nonfinite")
        defer { try? FileManager.default.removeItem(at: root) }
        let yaml = Self.yaml.replacingOccurrences(of: "models:\n", with: "models:\n  wild:  {scratch: {layers: 1, hidden: 24, heads: 2, intermediate: 48}, learning_rate: 1e10}\n")
            .replacingOccurrences(of: "training: {max_steps: 24, batch_size: 16, eval_interval: 4}",
                                  with: "training: {max_steps: 24, batch_size: 16, eval_interval: 4, warmup_rate: 0.5}")
            + "\n  - {label: \"ERM wild\", method: erm, model: wild}\n"
        let file = root.appendingPathComponent("wild.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let output = root.appendingPathComponent("out"), experiment = output.appendingPathComponent("soak")
        let database = experiment.appendingPathComponent("ftft.sqlite").path

        let first = try FTFTExecutable.run(Self.arguments(file, output: output), in: root)
        #expect(first.status == 1 && !first.killed)
        let message = try #require(first.stderr.split(separator: "\n").last { $0.hasPrefix("ftft: error: ") })
        // Run ids are derived from the configuration (RunID(configurationSHA256:)): look the wild run's up.
        let wild = try #require(FTFTExecutable.sql(database, "SELECT id FROM run WHERE model = 'wild'"))
        #expect(message.contains("ERM wild (seed 0): run \(wild) (method erm, main) failed: update "), "\(message)")
        #expect(message.contains("the loss is nan") || message.contains("the loss is -nan") || message.contains("the loss is inf")
                || message.contains("the loss is -inf"), "\(message)")
        let updateMatch = message.firstMatch(of: /update (\d+):/), keptMatch = message.firstMatch(of: /last checkpoint \(step (\d+),/)
        let update = try #require(updateMatch.flatMap { Int($0.1) }, "\(message)")
        let kept = try #require(keptMatch.flatMap { Int($0.1) }, "\(message)")
        #expect(kept > 0 && kept < update, "\(message)")

        #expect(FTFTExecutable.sql(database, "PRAGMA integrity_check") == "ok")
        #expect(FTFTExecutable.sql(database, "SELECT model || ' ' || status FROM run ORDER BY created_at, id")
                == "large finished\ntiny finished\nlarge finished\nwild failed")
        #expect(FTFTExecutable.sql(database, "SELECT 'ftft: error: ' || status_message FROM run WHERE id = \(wild)") == String(message))
        #expect(FTFTExecutable.sql(database, "SELECT steps FROM compute_entry WHERE phase = 'train' AND run_id = \(wild)") == "\(kept)")
        #expect(FileManager.default.fileExists(atPath: experiment.appendingPathComponent("checkpoints/run-\(wild).safetensors").path))

        // Compare against the store as it is now: the retry must change nothing.
        let before = root.appendingPathComponent("before.sqlite").path
        #expect(FTFTExecutable.sql(database, "VACUUM INTO '\(before)'") != nil)
        let dry = try FTFTExecutable.run(Self.arguments(file, output: output) + ["--dry-run"], in: root)
        #expect(dry.status == 0 && dry.stdout.contains("resume run \(wild) (failed)"), "\(dry.stdout)")
        let retry = try FTFTExecutable.run(Self.arguments(file, output: output), in: root)
        #expect(retry.status == 1)
        #expect(retry.stderr.contains("ERM wild (seed 0): run \(wild) failed earlier (") && retry.stderr.contains("retrying it from its last checkpoint"),
                "\(retry.stderr)")
        #expect(retry.stderr.split(separator: "\n").last == message)
        for (table, counts) in try FTFTExecutable.storeDiff(database, reference: before) {
            #expect(counts.count == 4 && counts[0] == counts[1] && counts[2] == 0 && counts[3] == 0, "\(table): \(counts)")
        }
    }

    /// The store may not grow past a quota (SQLite's max_page_count, `--max-store-bytes`) a third of the way from an
    /// empty store to the finished one (inside the second run): the run stops with exit 1 naming the store file, the store passes integrity_check and
    /// no checkpoint is half-written; the same command without the quota resumes and ends bit-identical to an
    /// uninterrupted run.
    @Test func aFullStoreStopsTheRunAndARerunFinishesItIdentically() throws {
        let reference = try Self.prepared()
        let root = try PackagePaths.temporaryDirectory("ftft-full")
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("soak.yaml")
        try Self.yaml.write(to: file, atomically: true, encoding: .utf8)
        let output = root.appendingPathComponent("out"), experiment = output.appendingPathComponent("soak")
        let database = experiment.appendingPathComponent("ftft.sqlite").path
        let pages = try #require(Int(FTFTExecutable.sql(reference.database, "PRAGMA page_count") ?? ""))
        let pageSize = try #require(Int(FTFTExecutable.sql(reference.database, "PRAGMA page_size") ?? ""))

        // The dry run creates the empty store; a third of the way to the finished store is inside the reference run.
        let dry = try FTFTExecutable.run(Self.arguments(file, output: output) + ["--dry-run"], in: root)
        #expect(dry.status == 0)
        let empty = try #require(Int(FTFTExecutable.sql(database, "PRAGMA page_count") ?? ""))
        let quota = (empty + (pages - empty) / 3) * pageSize
        let full = try FTFTExecutable.run(Self.arguments(file, output: output) + ["--max-store-bytes", "\(quota)"], in: root)
        #expect(full.status == 1 && !full.killed)
        let tiny = try #require(FTFTExecutable.sql(database, "SELECT id FROM run WHERE model = 'tiny'"))
        #expect(full.stderr.contains("ftft: error: ERM tiny (seed 0): run \(tiny) (method erm, reference) failed: \(database): ")
                && full.stderr.contains("size quota is full"), "\(full.stderr)")
        #expect(FTFTExecutable.sql(database, "SELECT model || ' ' || status FROM run ORDER BY created_at, id") == "large finished\ntiny failed")
        #expect(FTFTExecutable.sql(database, "PRAGMA integrity_check") == "ok")
        #expect(Int(FTFTExecutable.sql(database, "SELECT count(*) FROM run WHERE status = 'finished'") ?? "") ?? 0 < 4)
        let checkpoints = try FTFTExecutable.checkpointDigests(experiment)
        #expect(!checkpoints.isEmpty && checkpoints.values.allSatisfy { $0.count == 64 }, "\(checkpoints)")

        let rerun = try FTFTExecutable.run(Self.arguments(file, output: output), in: root)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stderr.contains("ERM tiny (seed 0): run \(tiny) failed earlier (") && rerun.stderr.contains("retrying it from its last checkpoint"),
                "\(rerun.stderr)")
        try Self.expectSameResults(experiment, as: reference, "after a full store")
    }
}
