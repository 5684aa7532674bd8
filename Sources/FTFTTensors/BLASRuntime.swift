import CBLAS

/// OpenBLAS's process-wide settings. ftft records them with every run because results are bit-identical
/// only for the same BLAS build and thread count.
public enum BLASRuntime {
    /// Sets the number of threads OpenBLAS uses inside one GEMM call.
    public static func setThreads(_ count: Int) { openblas_set_num_threads(Int32(max(1, count))) }

    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// The build configuration string, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64".
    public static var configuration: String {
        guard let raw = openblas_get_config() else { return "unknown" }
        return String(cString: raw)
    }

    /// The core kernel set OpenBLAS picked for this CPU, e.g. "Zen".
    public static var coreName: String {
        guard let raw = openblas_get_corename() else { return "unknown" }
        return String(cString: raw)
    }

    /// Runs `body` with OpenBLAS limited to one thread, restoring the previous count afterwards. Used when
    /// ftft's own threads each issue small GEMMs (attention per batch·head): one BLAS thread per caller.
    public static func withSingleThread<R>(_ body: () throws -> R) rethrows -> R {
        let previous = threads
        if previous == 1 { return try body() }
        setThreads(1)
        defer { setThreads(previous) }
        return try body()
    }
}
