import Foundation
import FTFTStore
import FTFTTestSupport

/// Small builders shared by the store tests. The logits are a fixed formula of (epoch, example, class), so
/// every expected value is recomputed from the same formula, never pasted; they include −0 and values with
/// all mantissa bits set, which a lossy BLOB encoding would change.
enum StoreFixtures {
    static func newRun(
        experiment: String = "unit", method: RunMethod = .ftft, role: RunRole = .reference, seed: UInt64 = 0,
        configuration: String = #"{"lr":2e-05,"model":"tiny"}"#, reference: RunID? = nil
    ) -> NewRun {
        NewRun(experiment: experiment, method: method, role: role, seed: seed, model: "tiny-encoder",
               configurationJSON: configuration,
               provenanceJSON: #"{"blas":"OpenBLAS test","threads":1,"toolchain":"6.3"}"#, referenceRun: reference)
    }

    /// A fresh store in a fresh temporary directory, with one reference run.
    static func storeWithRun(_ label: String = "store") throws -> (store: RunStore, directory: URL, run: RunID) {
        let directory = try PackagePaths.temporaryDirectory("ftft-\(label)")
        let store = try RunStore.open(directory: directory.path)
        let run = try store.createRun(newRun()).id
        return (store, directory, run)
    }

    static func logit(epoch: Int, example: Int, class c: Int) -> Float {
        if (example + c) % 11 == 0 { return -0.0 }
        if (example + c) % 13 == 0 { return Float(bitPattern: 0x3F7F_FFFF) * Float(c + 1) }
        return Float(sin(Double(example * 31 + c * 7 + epoch * 101)) * 4)
    }

    /// One epoch of N examples in a shuffled processing order: position p holds example (p·7919 + epoch) mod N,
    /// a permutation whenever gcd(7919, N) = 1 (7919 is prime). Ids are "ex-<index>", golds index mod C.
    static func epochRows(epoch: Int, count n: Int, classes c: Int = 3) -> DynamicsRows {
        precondition(n % 7919 != 0)
        let order = (0..<n).map { ($0 * 7919 + epoch) % n }
        var logits: [Float] = []
        logits.reserveCapacity(n * c)
        for index in order { for k in 0..<c { logits.append(logit(epoch: epoch, example: index, class: k)) } }
        return DynamicsRows(exampleIndices: order, exampleIDs: order.map { "ex-\($0)" }, golds: order.map { $0 % c },
                            classes: c, logits: logits)
    }

    /// Locates an executable on PATH (for `sqlite3`, `chattr`); nil if absent.
    /// The `sqlite3` command is there (scripts/install-deps.sh installs it), or CI requires it: for `.enabled(if:)`.
    static var sqlite3IsAvailable: Bool { executable("sqlite3") != nil || SharedData.isRequired }
    static let sqlite3SkipMessage = "the sqlite3 command is not installed (scripts/install-deps.sh installs it): test skipped"

    /// The path of a command the test needs, or an error saying it is missing.
    static func requireExecutable(_ name: String) throws -> String {
        guard let path = executable(name) else { throw MissingCommand(name: name) }
        return path
    }

    struct MissingCommand: Error, CustomStringConvertible {
        let name: String
        var description: String { "the \(name) command is not installed (scripts/install-deps.sh installs it)" }
    }

    static func executable(_ name: String) -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return paths.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a command, returning its exit status and standard output.
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = Pipe()
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
