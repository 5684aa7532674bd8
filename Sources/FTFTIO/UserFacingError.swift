/// The exit status of every `ftft` command (sysexits.h where one fits; documented in the README).
public enum ExitStatus: Int32, Sendable, CaseIterable {
    case success = 0
    /// The work failed at run time: I/O, the run store, a non-finite loss, …
    case failure = 1
    /// A usage error: an unknown option, a missing argument, an invalid option value (`EX_USAGE`).
    case usage = 64
    /// Bad input: an experiment file, data file, model, tokenizer or checkpoint that cannot be used (`EX_DATAERR`).
    case badInput = 65
    /// Stopped by SIGUSR1 or SIGTERM after a checkpoint; the same command resumes (`EX_TEMPFAIL`).
    case interrupted = 75
}

/// An error a person reads. The `ftft` command prints `description` (`ftft: error: …`) and exits with
/// `exitStatus`; each module's error type says which kind of failure each of its cases is, so the command line
/// needs to know no module's error types. Errors that do not conform exit with `.failure`.
public protocol UserFacingError: Error, CustomStringConvertible {
    var exitStatus: ExitStatus { get }
}

extension IOError: UserFacingError {
    /// Reading a file that is missing, unreadable or malformed is bad input; a failed write is a run-time failure.
    public var exitStatus: ExitStatus {
        if case .writeFailed = self { return .failure }
        return .badInput
    }
}
