import FTFTTensors

// The large projections of the fused path, as row panels on ftft's own threads.
//
// The panels come from `GEMMPanels.rowRanges(m:n:k:)` — the shapes alone — and each is one single-threaded BLAS
// call (OpenBLAS is pinned to one thread per process, see `BLASRuntime`). The same calls are made whatever
// `context.threads` is, so the result is bit-identical for every thread count under every BLAS kernel; only
// which thread makes which call changes. Counted FLOPs are 2·m·n·k in total (each panel counts its share).

/// Row-major C[m×n] = alpha·op(A)·op(B) + beta·C, as `gemm`, computed as the fixed row panels of `GEMMPanels`
/// spread over `context.threads` threads (taken dynamically, so a descheduled thread delays one panel).
public func projectionGEMM(
    _ context: ComputeContext,
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    let panels = GEMMPanels.rowRanges(m: m, n: n, k: k)
    parallelDynamic(threads: context.threads, count: panels.count) { panel in
        let rows = panels[panel]
        // Rows `rows` of op(A): rows of A, or columns of A when A is stored transposed.
        let aPanel = transA ? a + rows.lowerBound : a + rows.lowerBound * lda
        gemm(context, transA: transA, transB: transB, m: rows.count, n: n, k: k, alpha: alpha,
             a: aPanel, lda: lda, b: b, ldb: ldb, beta: beta, c: c + rows.lowerBound * ldc, ldc: ldc)
    }
}
