import Foundation
import FTFTIO
import FTFTTestSupport
import Testing

extension KillResumeTests {
    /// One `ftft run` per experiment folder: while another process holds `<folder>/.run.lock`, a second `ftft run` of
    /// the same file stops at once with an error naming the lock, trains nothing and leaves no run in the store;
    /// once the lock is free the same command runs. (The lock is taken here, in the test process: `fcntl` locks
    /// belong to a process, so the refusal is only visible from another one — the `ftft` child.)
    @Test func aSecondRunOfTheSameFolderIsRefusedWhileTheFirstHoldsIt() throws {
        let root = try PackagePaths.temporaryDirectory("ftft-run-lock")
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("soak.yaml")
        try Self.yaml.write(to: file, atomically: true, encoding: .utf8)
        let output = root.appendingPathComponent("out"), experiment = output.appendingPathComponent("soak")
        try FileManager.default.createDirectory(at: experiment, withIntermediateDirectories: true)
        let lockPath = experiment.appendingPathComponent(".run.lock").path
        let held = try #require(try FileLock.acquire(path: lockPath, timeoutSeconds: 0))
        let refused = try FTFTExecutable.run(Self.arguments(file, output: output), in: root)
        #expect(refused.status == 1, "\(refused.status): \(refused.stderr)")
        #expect(refused.stderr.contains("another ftft process is running it") && refused.stderr.contains(".run.lock"),
                "\(refused.stderr)")
        let database = experiment.appendingPathComponent("ftft.sqlite").path
        #expect([nil, "0"].contains(FTFTExecutable.sql(database, "SELECT count(*) FROM run")))
        held.release()
        let ran = try FTFTExecutable.run(Self.arguments(file, output: output), in: root)
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(FTFTExecutable.sql(database, "SELECT count(*) FROM run WHERE status = 'finished'") != "0")
    }
}
