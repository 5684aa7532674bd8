import Foundation
import FTFTTestSupport

/// The real `ftft` executable as a subprocess, as a researcher runs it: arguments, environment, a working folder;
/// stdout and stderr go through files (stderr is then not a terminal, as under nohup or in a Slurm log).
enum FTFTBinary {
    /// `<build folder>/ftft`: next to the test bundle, else `.build/debug/ftft`.
    static func path() throws -> String {
        var candidates: [URL] = []
        if let first = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: first).deletingLastPathComponent().appendingPathComponent("ftft"))
        }
        candidates.append(PackagePaths.root.appendingPathComponent(".build/debug/ftft"))
        guard let found = candidates.map(\.path).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw BinaryTestFailure("the ftft executable is not built next to the tests (run `swift build --build-tests`)")
        }
        return found
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        var stderrLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    }

    /// Runs `ftft <arguments>` in `folder` (default: a scratch folder's parent) with extra environment variables.
    static func run(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> Outcome {
        let out = folder.appendingPathComponent(".ftft-stdout-\(UUID().uuidString)")
        let err = folder.appendingPathComponent(".ftft-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try path())
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus,
                       stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                       stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}

struct BinaryTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
