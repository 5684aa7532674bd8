import CFuzzerDriver
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The harness every fuzz target runs from its `main`: libFuzzer's driver calls `body` once per input.
///
/// The contract checked on every input: the parser returns a result that passes the target's checks, or throws
/// the module's typed error whose message names the file. Anything else — a trap, a sanitizer report, another
/// error type, a message without the file, a failed check — ends the process through `fail`, and libFuzzer
/// saves the input as a crash artifact.
public enum Fuzzer {
    nonisolated(unsafe) private static var body: ((UnsafeRawBufferPointer) -> Void)?

    public static func run(_ body: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
        Fuzzer.body = body
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            Fuzzer.body?(UnsafeRawBufferPointer(start: data, count: size))
            return 0
        })
    }

    /// Ends the run as a finding (libFuzzer reports the abort as a crash and writes the input out).
    public static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("FUZZ CHECK FAILED: \(message)\n".utf8))
        abort()
    }

    public static func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fail(message()) }
    }

    /// A rejection must be `E` and its message must name `file` (the path, or the name given for bytes).
    public static func expectRejection<E: Error>(_ error: Error, _ type: E.Type, naming file: String) {
        guard error is E else { fail("expected \(E.self), got \(Swift.type(of: error)): \(error)") }
        let message = "\(error)"
        check(message.contains(file), "the message does not name \(file): \(message)")
    }
}
