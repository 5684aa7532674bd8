import Foundation
import FTFTIO
import FTFTTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `ftft` executable as a subprocess (the binary `swift build` put beside the test bundle), and the
/// `sqlite3` command for looking into its stores from outside, as a person would.
enum FTFTExecutable {
    /// `<build folder>/ftft`: next to the test bundle, else `.build/debug/ftft`; nil if neither exists.
    static var path: String? {
        var candidates: [URL] = []
        if let first = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: first).deletingLastPathComponent().appendingPathComponent("ftft"))
        }
        candidates.append(PackagePaths.root.appendingPathComponent(".build/debug/ftft"))
        return candidates.map(\.path).first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    struct Outcome {
        var status: Int32
        /// True when the process ended by a signal (our SIGKILL), `status` then being the signal.
        var killed: Bool
        var stdout: String
        var stderr: String
    }

    /// Runs `ftft <arguments>`; if `killWhen` turns true (polled every few milliseconds while it runs), sends
    /// SIGKILL and waits for it to die. Output goes through files (no pipe to fill up).
    /// `environment`: variables added to this process's environment for the child (e.g. `FTFT_CRASH_AFTER_UPDATES`).
    static func run(_ arguments: [String], in scratch: URL, environment: [String: String] = [:],
                    killWhen: (() -> Bool)? = nil) throws -> Outcome {
        guard let path else {
            throw FTFTTestFailure("the ftft executable is not built next to the tests (run `swift build --build-tests`)")
        }
        let out = scratch.appendingPathComponent("ftft-stdout.txt"), err = scratch.appendingPathComponent("ftft-stderr.txt")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        if let killWhen {
            while process.isRunning {
                if killWhen() {
                    kill(process.processIdentifier, SIGKILL)
                    break
                }
                usleep(3_000)
            }
        }
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, killed: process.terminationReason == .uncaughtSignal,
                       stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                       stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// `/usr/bin/sqlite3` or wherever PATH has it; nil if not installed.
    static var sqlite3: String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return paths.map { "\($0)/sqlite3" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs read-only SQL (each argument one statement or dot-command) on a store; nil if sqlite3 failed.
    static func sql(_ database: String, _ statements: String...) -> String? {
        guard let sqlite3, FileManager.default.fileExists(atPath: database) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sqlite3)
        process.arguments = ["-readonly", database] + statements
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Checkpoints (distinct run, step with evaluations) in a store so far; 0 before the store exists.
    /// Updates done as of each run's last checkpoint (the ledger is written at every checkpoint; evaluations are
    /// no measure of progress: under `reported` a full-length run may evaluate only its last checkpoint).
    static func checkpointedUpdates(_ database: String) -> Int {
        Int(sql(database, "SELECT coalesce(sum(steps), 0) FROM compute_entry WHERE phase = 'train'") ?? "") ?? 0
    }

    /// `scripts/store-diff.sql` of `database` against `reference`: table → (rows, rows in reference, only here,
    /// only there).
    static func storeDiff(_ database: String, reference: String) throws -> [String: [Int]] {
        let script = PackagePaths.root.appendingPathComponent("scripts/store-diff.sql").path
        guard let text = sql(database, "ATTACH '\(reference)' AS ref", ".read \(script)") else {
            throw FTFTTestFailure("sqlite3 could not compare \(database) with \(reference)")
        }
        var result: [String: [Int]] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "|")
            result[String(fields[0])] = fields.dropFirst().compactMap { Int($0) }
        }
        return result
    }

    /// SHA-256 of each checkpoint's tensor bytes (everything after the safetensors header: parameters and AdamW
    /// moments). The header's metadata holds wall-clock seconds, so whole-file hashes differ between equal runs.
    static func checkpointDigests(_ experimentDirectory: URL) throws -> [String: String] {
        let folder = experimentDirectory.appendingPathComponent("checkpoints")
        var digests: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
            let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
            guard !name.hasPrefix("."), bytes.count >= 8 else { digests[name] = "not a finished checkpoint"; continue }
            let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            guard 8 + headerLength <= bytes.count else { digests[name] = "truncated"; continue }
            digests[name] = SHA256.hex(of: Array(bytes[(8 + headerLength)...]))
        }
        return digests
    }
}

struct FTFTTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
