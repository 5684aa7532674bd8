import Foundation
import FTFTTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension KillResumeTests {
    /// SIGTERM (pre-emption, `scancel`) and SIGUSR1 (Slurm's warning before a time limit) stop `ftft run` at the next
    /// update with a checkpoint written there: exit 75, the run marked interrupted; the same command resumes it and the
    /// results equal an uninterrupted run bit for bit.
    @Test(arguments: [SIGTERM, SIGUSR1])
    func aSignalCheckpointsAtTheNextUpdateAndTheRerunResumesIdentically(signal: Int32) throws {
        let reference = try Self.prepared()
        let ftft = try #require(FTFTExecutable.path, "the ftft executable is not built next to the tests")
        let root = try PackagePaths.temporaryDirectory("ftft-signal")
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("soak.yaml")
        try Self.yaml.write(to: file, atomically: true, encoding: .utf8)
        let output = root.appendingPathComponent("out"), experiment = output.appendingPathComponent("soak")
        let database = experiment.appendingPathComponent("ftft.sqlite").path
        let err = root.appendingPathComponent("stderr.txt")
        FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ftft)
        process.arguments = Self.arguments(file, output: output)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline && FTFTExecutable.checkpointedUpdates(database) < reference.updates / 2 {
            usleep(3_000)
        }
        #expect(process.isRunning, "the run ended before it could be signalled")
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        let stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        #expect(process.terminationReason == .exit && process.terminationStatus == 75, "\(process.terminationStatus): \(stderr)")
        #expect(stderr.contains("checkpointing at the next update") && stderr.contains("after a checkpoint at step"), "\(stderr)")
        #expect(FTFTExecutable.sql(database, "SELECT count(*) FROM run WHERE status = 'interrupted'") == "1")
        let rerun = try FTFTExecutable.run(Self.arguments(file, output: output), in: root)
        #expect(rerun.status == 0 && rerun.stderr.contains("was interrupted (stopped by "), "\(rerun.stderr)")
        try Self.expectSameResults(experiment, as: reference, "after signal \(signal)")
    }
}
