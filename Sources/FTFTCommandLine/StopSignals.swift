import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGUSR1 and SIGTERM while `ftft run` trains: the first one asks the running phase to write a checkpoint at its
/// next update and stop (exit 75, the run marked interrupted, resumable bit-exactly); a second one of either ends
/// the process at once. This is what Slurm's `--signal=B:USR1@<seconds>` before a time limit, and the SIGTERM of
/// pre-emption or `scancel`, need. SIGINT (Ctrl-C) keeps its default.
final class StopSignals: @unchecked Sendable {
    private static let shared = StopSignals()
    private let lock = NSLock()
    private var received: String?
    private var sources: [DispatchSourceSignal] = []

    /// Installs the handlers once per process and returns the shared instance.
    static func installed() -> StopSignals {
        shared.install()
        return shared
    }

    private func install() {
        lock.lock()
        defer { lock.unlock() }
        guard sources.isEmpty else { return }
        for (number, name) in [(SIGUSR1, "SIGUSR1"), (SIGTERM, "SIGTERM")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [unowned self] in self.receive(name, number) }
            source.resume()
            sources.append(source)
        }
    }

    private func receive(_ name: String, _ number: Int32) {
        lock.lock()
        let again = received != nil
        if !again { received = name }
        lock.unlock()
        if again {
            FileHandle.standardError.write(Data("ftft: \(name) again: stopping now, without a checkpoint\n".utf8))
            exit(128 + number)
        }
        FileHandle.standardError.write(Data("ftft: \(name): checkpointing at the next update, then stopping (exit 75; run the same command to resume)\n".utf8))
    }

    /// The first signal's name once one arrived.
    var request: @Sendable () -> String? {
        { [self] in
            lock.lock()
            defer { lock.unlock() }
            return received
        }
    }
}
