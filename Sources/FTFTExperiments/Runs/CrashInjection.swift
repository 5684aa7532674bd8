import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Fault injection for the crash-safety tests: with `FTFT_CRASH_AFTER_UPDATES=n` in the environment, the process
/// sends itself SIGKILL once it has made n training updates (counted over all runs it trains), at the start of
/// the n-th update's bookkeeping — after the update and any evaluation it triggers, before that update's
/// checkpoint. A real kill, at a place chosen by count rather than by a timer, so a test lands it inside a run
/// whatever the machine's speed (an outside poller can miss short runs on a fast or busy machine). Unset (every
/// normal use): nothing happens. Not a user option; `scripts/soak-kill-resume.sh` kills from outside instead.
enum CrashInjection {
    static let variable = "FTFT_CRASH_AFTER_UPDATES"

    /// The update count to die at, read once; nil when unset or not a positive integer.
    static let limit: Int? = {
        guard let text = ProcessInfo.processInfo.environment[variable], let n = Int(text), n > 0 else { return nil }
        return n
    }()

    private static let updates = Mutex(0)

    /// Counts one update; kills the process when the count reaches `limit`.
    static func updateFinished() {
        guard let limit else { return }
        let count = updates.withLock { n in n += 1; return n }
        if count == limit { kill(getpid(), SIGKILL) }
    }
}
