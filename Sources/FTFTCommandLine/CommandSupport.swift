import ArgumentParser
import Foundation
import FTFTCartography
import FTFTData
import FTFTEncoder
import FTFTExperiments
import FTFTStore
import FTFTText
import FTFTTraining

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The exit codes of every `ftft` command (documented in the README):
/// - 0: success;
/// - 1: the work failed at run time (I/O, the run store, a non-finite loss, …);
/// - 64: usage error — an unknown option, a missing argument, an invalid option value (ArgumentParser's
///   `EX_USAGE`, from sysexits.h);
/// - 65: bad input — an experiment file, data file, model, tokenizer or checkpoint that cannot be used
///   (`EX_DATAERR`); the message names the file, the place and the field.
public enum FTFTExitCode {
    public static let success: Int32 = 0
    public static let failure: Int32 = 1
    public static let usage: Int32 = 64
    public static let badInput: Int32 = 65

    /// Which code an error means.
    public static func code(for error: Error) -> Int32 {
        switch error {
        case let e as PhaseFailure: return code(for: e.underlying)
        case let e as KernelPinFailure: return e.exitCode
        case let e as ExperimentError: return e.isInputError ? badInput : failure
        case is DatasetError, is TokenizerError, is EncoderError: return badInput
        case let e as CartographyError:
            if case .io(let io) = e, case .writeFailed = io { return failure }
            return badInput
        case let e as TrainingError:
            switch e {
            case .invalidCheckpoint, .checkpointMismatch, .invalidConfiguration, .invalidExample: return badInput
            case .nonFiniteLoss, .nonFiniteGradient: return failure
            }
        default: return failure
        }
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
