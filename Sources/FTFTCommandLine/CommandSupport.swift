import ArgumentParser
import Foundation
import FTFTExperiments
import FTFTIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The exit codes of every `ftft` command (`ExitStatus` in FTFTIO; documented in the README):
/// 0 success; 1 the work failed at run time; 64 usage error (ArgumentParser's `EX_USAGE`); 65 bad input
/// (`EX_DATAERR`), with a message naming the file, the place and the field; 75 stopped by SIGUSR1/SIGTERM after
/// a checkpoint, the same command resumes (`EX_TEMPFAIL`).
public enum FTFTExitCode {
    public static let success = ExitStatus.success.rawValue
    public static let failure = ExitStatus.failure.rawValue
    public static let usage = ExitStatus.usage.rawValue
    public static let badInput = ExitStatus.badInput.rawValue
    public static let interrupted = ExitStatus.interrupted.rawValue

    /// Which code an error means: its own `exitStatus` when it is a `UserFacingError`, else a run-time failure.
    public static func code(for error: Error) -> Int32 {
        ((error as? UserFacingError)?.exitStatus ?? .failure).rawValue
    }
}

/// Runs a command's work, rendering any error for people on stderr (`ftft: error: …`) and turning it into the
/// documented exit code. Errors are typed inside the modules; this is the only place they become text.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        Standard.error("ftft: error: \(error)")
        throw ExitCode(FTFTExitCode.code(for: error))
    }
}

/// Output helpers.
enum Standard {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// True when stderr is a terminal: progress is shown only then.
    static var errorIsTerminal: Bool { isatty(2) == 1 }
}
