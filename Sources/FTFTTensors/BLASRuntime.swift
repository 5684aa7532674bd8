import CBLAS

/// OpenBLAS's process-wide settings. ftft records them with every run because results are bit-identical only for
/// the same BLAS build and kernel (`coreName`).
///
/// OpenBLAS runs single-threaded in ftft, always: its own threading splits a product differently for different
/// thread counts, and its Haswell and Zen kernels then round some outputs differently, so a result would depend
/// on the thread count. ftft parallelises over pieces it chooses from the shapes alone
/// (`GEMMPanels`, attention per batch·head), each piece one single-threaded BLAS call.
public enum BLASRuntime {
    /// Sets OpenBLAS to one thread, once per process (the first `ComputeContext` does it). Idempotent and
    /// thread-safe (a global's lazy initialiser runs once).
    public static func pinSingleThreaded() { _ = singleThreaded }

    private static let singleThreaded: Void = { openblas_set_num_threads(1) }()

    /// OpenBLAS's own thread count (1 once any `ComputeContext` exists).
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// The build configuration string, e.g. "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64".
    public static var configuration: String {
        guard let raw = openblas_get_config() else { return "unknown" }
        return String(cString: raw)
    }

    /// The build without the kernel's name, e.g. "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY MAX_THREADS=64":
    /// with `coreName`, what must match for two runs to give the same bits.
    public static var build: String {
        let core = coreName.lowercased()
        return configuration.split(separator: " ").filter { $0.lowercased() != core }.joined(separator: " ")
    }

    /// The core kernel set OpenBLAS picked for this CPU (or was told to use by `OPENBLAS_CORETYPE`), e.g. "Zen".
    public static var coreName: String {
        guard let raw = openblas_get_corename() else { return "unknown" }
        return String(cString: raw)
    }
}
