import Foundation

/// Errors talking to Slurm. Each names the command and what Slurm said.
public enum SlurmError: Error, Equatable, CustomStringConvertible {
    /// The command is not on PATH (or cannot be started).
    case unavailable(command: String, reason: String)
    /// `sbatch` refused the job (non-zero exit); nothing was queued by that call.
    case rejected(command: String, status: Int32, message: String)
    /// The command succeeded but printed something that is not what it should (e.g. no job id).
    case unexpectedOutput(command: String, output: String)

    public var description: String {
        switch self {
        case .unavailable(let command, let reason): return "\(command): cannot run it (\(reason)); is Slurm installed and SLURM_CONF set?"
        case .rejected(let command, let status, let message): return "\(command) was rejected (exit \(status)): \(message)"
        case .unexpectedOutput(let command, let output): return "\(command) printed no job id: \(output.isEmpty ? "(nothing)" : output)"
        }
    }
}

/// The few Slurm commands ftft needs, run as subprocesses: `sbatch --parsable` to submit, `scontrol show config` for
/// MaxArraySize, `scontrol show job -o` for the state of submitted jobs (never `sacct`: many clusters, and a
/// one-node test cluster, have no accounting database).
public struct SlurmClient: Sendable {
    public init() {}

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func execute(_ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        // Through files, not pipes: nothing to drain while the command runs.
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("ftft-slurm-\(UUID().uuidString)")
        let outURL = base.appendingPathExtension("out"), errURL = base.appendingPathExtension("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw SlurmError.unavailable(command: arguments.first ?? "?", reason: "\(error)")
        }
        process.waitUntilExit()
        let outData = (try? Data(contentsOf: outURL)) ?? Data(), errData = (try? Data(contentsOf: errURL)) ?? Data()
        if process.terminationStatus == 127 {
            throw SlurmError.unavailable(command: arguments.first ?? "?", reason: "not found on PATH")
        }
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Submits `script` with `options` (sbatch's own, e.g. "--array=0-3"), `scriptArguments` after it; the job id.
    /// A refusal is an error with sbatch's message, never an empty id.
    public func submit(script: String, options: [String], scriptArguments: [String] = []) throws -> String {
        let command = "sbatch " + (options + [script] + scriptArguments).joined(separator: " ")
        let output = try execute(["sbatch", "--parsable"] + options + [script] + scriptArguments)
        guard output.status == 0 else {
            throw SlurmError.rejected(command: command, status: output.status,
                                      message: output.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        // --parsable prints "<job id>" or "<job id>;<cluster>".
        let id = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw SlurmError.unexpectedOutput(command: command, output: output.stdout + output.stderr)
        }
        return id
    }

    /// MaxArraySize from `scontrol show config` (Slurm's default 1001 if it is not listed).
    public func maxArraySize() throws -> Int {
        let output = try execute(["scontrol", "show", "config"])
        guard output.status == 0 else {
            throw SlurmError.rejected(command: "scontrol show config", status: output.status, message: output.stderr)
        }
        for line in output.stdout.split(separator: "\n") where line.hasPrefix("MaxArraySize") {
            if let value = line.split(separator: "=").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) { return value }
        }
        return 1001
    }

    /// The state of every task of job `id` that Slurm still knows (`scontrol show job -o`): array task id → state
    /// (PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, …). Empty when Slurm has forgotten the job (MinJobAge).
    public func arrayTaskStates(job id: String) throws -> [Int: String] {
        let output = try execute(["scontrol", "show", "job", "-o", id])
        guard output.status == 0 else { return [:] }   // "Invalid job id specified": gone
        return Self.parseTaskStates(output.stdout)
    }

    /// One `scontrol show job -o` line per task (pending tasks of an array may share one line with a range).
    static func parseTaskStates(_ text: String) -> [Int: String] {
        var states: [Int: String] = [:]
        for line in text.split(separator: "\n") {
            var fields: [String: String] = [:]
            for token in line.split(separator: " ") {
                guard let equals = token.firstIndex(of: "=") else { continue }
                fields[String(token[..<equals])] = String(token[token.index(after: equals)...])
            }
            guard let state = fields["JobState"] else { continue }
            guard let tasks = fields["ArrayTaskId"] else { continue }
            for index in expandIndexList(tasks) { states[index] = state }
        }
        return states
    }

    /// "0-3,7,9-10%2" → [0, 1, 2, 3, 7, 9, 10].
    static func expandIndexList(_ text: String) -> [Int] {
        let body = text.split(separator: "%").first.map(String.init) ?? text
        var indices: [Int] = []
        for part in body.split(separator: ",") {
            let bounds = part.split(separator: "-").compactMap { Int($0) }
            if bounds.count == 2, bounds[0] <= bounds[1] { indices += Array(bounds[0]...bounds[1]) } else if bounds.count == 1 { indices.append(bounds[0]) }
        }
        return indices
    }

    /// [0, 1, 2, 3, 7, 9, 10] → "0-3,7,9-10" (sbatch --array syntax).
    public static func indexList(_ indices: [Int]) -> String {
        let sorted = Array(Set(indices)).sorted()
        var parts: [String] = []
        var i = 0
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count && sorted[j + 1] == sorted[j] + 1 { j += 1 }
            parts.append(i == j ? "\(sorted[i])" : "\(sorted[i])-\(sorted[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }
}
