import ArgumentParser
import Foundation
import FTFTTensors

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--blas-kernel NAME` of every command that trains or predicts.
struct BLASKernelOptions: ParsableArguments {
    @Option(name: .customLong("blas-kernel"),
            help: ArgumentHelp("OpenBLAS kernel to run, as OpenBLAS names it (e.g. Haswell, SkylakeX, Zen), or 'auto' for OpenBLAS's own choice. Results are bit-identical only for the same OpenBLAS build and kernel; overrides an experiment file's blas_kernel.",
                               valueName: "name"))
    var blasKernel: String?

    /// The kernel to pin: the option's, else `fromFile`'s; nil (run what OpenBLAS picked) for "auto" or neither.
    func requested(fromFile: String?) -> String? {
        if let blasKernel { return blasKernel.lowercased() == "auto" ? nil : blasKernel }
        return fromFile
    }
}

/// Pinning OpenBLAS's kernel for the whole process. OpenBLAS reads `OPENBLAS_CORETYPE` once, when the library loads,
/// so a process running another kernel restarts itself (same arguments, `OPENBLAS_CORETYPE` set) before any work.
/// A kernel the CPU cannot run (per cpuid) is refused with an error and nothing runs.
enum BLASKernelPinning {
    /// Set in the restarted process: if OpenBLAS still runs another kernel there, it did not honour the request.
    static let restartMarker = "FTFT_BLAS_KERNEL_RESTARTED"

    /// Where the request came from, for the error's exit code: the command line (64) or an experiment file (65).
    enum Source { case option, file(String) }

    /// Makes OpenBLAS run `requested` (nil: nothing to do). Returns only when it already does; otherwise restarts
    /// the process or throws.
    static func apply(_ requested: String?, source: Source) throws {
        guard let requested else { return }
        let pin: BLASKernel.Pin
        do {
            pin = try BLASKernel.pin(requested)
        } catch let error as BLASKernelError {
            throw KernelPinFailure(error: error, source: source)
        }
        guard case .restart(let coreType) = pin else {
            if case .alreadyRunning(let name) = pin, ProcessInfo.processInfo.environment[restartMarker] == name {
                Standard.error("ftft: OpenBLAS runs the \(name) kernel, as asked (restarted with OPENBLAS_CORETYPE=\(name))")
            }
            return
        }
        if ProcessInfo.processInfo.environment[restartMarker] == coreType {
            throw KernelPinFailure(error: .notHonoured(requested: coreType, running: BLASRuntime.coreName,
                                                       configuration: BLASRuntime.configuration), source: source)
        }
        setenv("OPENBLAS_CORETYPE", coreType, 1)
        setenv(restartMarker, coreType, 1)
        restart()
    }

    /// Replaces this process with a fresh copy of itself (same executable, arguments and environment).
    private static func restart() -> Never {
        fflush(nil)  // every C stream (ftft itself writes through FileHandle, unbuffered)
        let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
        let arguments = CommandLine.arguments
        var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        cArguments.append(nil)
        #if os(Linux)
        execv("/proc/self/exe", &cArguments)
        #endif
        execv(executable, &cArguments)
        Standard.error("ftft: error: cannot restart \(executable) to switch the BLAS kernel: \(String(cString: strerror(errno)))")
        exit(FTFTExitCode.failure)
    }
}

/// A kernel that cannot be pinned: the reason, and where it was asked for.
struct KernelPinFailure: Error, CustomStringConvertible {
    let error: BLASKernelError
    let source: BLASKernelPinning.Source

    var description: String {
        switch source {
        case .option: return "--blas-kernel: \(error)"
        case .file(let file): return "\(file): blas_kernel: \(error)"
        }
    }

    var exitCode: Int32 {
        switch source {
        case .option: return FTFTExitCode.usage
        case .file: return FTFTExitCode.badInput
        }
    }
}
