import FTFTTensors

// A large GEMM split into row panels that run on ftft's own threads, each a single-threaded BLAS call.
//
// On this machine kind OpenBLAS's own threads spin for a long time after each call, and ftft's threaded
// elementwise passes between the GEMMs then compete with them for the two cores; splitting the GEMMs
// ourselves keeps one kind of worker thread only. Every output element is still computed by one BLAS call
// over the full k, so nothing is summed in a different order across panels. Counted FLOPs are the same
// 2·m·n·k in total (each panel counts its own share).

/// Which threads run the large projections of the fused path.
public enum ProjectionThreading: String, Sendable, CaseIterable {
    /// One GEMM call; OpenBLAS uses its own thread count (`BLASRuntime.setThreads`).
    case blas
    /// Row panels on `ComputeContext.threads` ftft threads, each with single-threaded BLAS.
    case split
}

/// Row-major C[m×n] = alpha·op(A)·op(B) + beta·C, split over m into panels (multiples of 16 rows, at least 64)
/// run on `context.threads` threads when `threading` is `.split`; otherwise one `gemm` call. Same contract as
/// `gemm`.
public func projectionGEMM(
    _ context: ComputeContext, threading: ProjectionThreading,
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    // Four panels per thread, taken dynamically, so a descheduled thread delays a quarter of its share.
    let panels = threading == .split && context.threads > 1 ? min(4 * context.threads, max(1, m / 64)) : 1
    if panels <= 1 {
        gemm(context, transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
             a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        return
    }
    BLASRuntime.withSingleThread {
        parallelDynamic(threads: context.threads, count: panels) { panel in
            let start = (m * panel / panels) & ~15
            let end = panel == panels - 1 ? m : (m * (panel + 1) / panels) & ~15
            // Rows start..<end of op(A): rows of A, or columns of A when A is stored transposed.
            let aPanel = transA ? a + start : a + start * lda
            gemm(context, transA: transA, transB: transB, m: end - start, n: n, k: k, alpha: alpha,
                 a: aPanel, lda: lda, b: b, ldb: ldb, beta: beta, c: c + start * ldc, ldc: ldc)
        }
    }
}
