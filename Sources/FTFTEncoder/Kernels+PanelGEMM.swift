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

/// Row-major C[m×n] = Aᵀ·B (+ C when `accumulate`), A stored k×m (lda ≥ m) and B stored k×n (ldb ≥ n): a weight
/// gradient dW = dYᵀ·X over k = B·T tokens. Computed as the fixed k-chunks of `GEMMPanels.reductionChunks` — one
/// single-threaded BLAS call per chunk into `partials`, spread over `context.threads` — then added element by
/// element in chunk order: C = ((C + P₀) + P₁) + … . Both the calls and the order of the sum depend on the shapes
/// only. `partials` needs chunks·m·n floats (`weightGradientScratchCount`); unused with one chunk.
public func weightGradientGEMM(
    _ context: ComputeContext, m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    accumulate: Bool, c: UnsafeMutablePointer<Float>, ldc: Int,
    partials: UnsafeMutablePointer<Float>             // [chunks, m, n] scratch
) {
    let chunks = GEMMPanels.reductionChunks(m: m, n: n, k: k)
    if chunks.count <= 1 {
        gemm(context, transA: true, transB: false, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
             beta: accumulate ? 1 : 0, c: c, ldc: ldc)
        return
    }
    let mn = m * n
    parallelDynamic(threads: context.threads, count: chunks.count) { chunk in
        let rows = chunks[chunk]
        gemm(context, transA: true, transB: false, m: m, n: n, k: rows.count, a: a + rows.lowerBound * lda, lda: lda,
             b: b + rows.lowerBound * ldb, ldb: ldb, beta: 0, c: partials + chunk * mn, ldc: n)
    }
    // The ordered sum, row by row of C (rows are independent; each element's additions keep chunk order).
    parallelFor(threads: context.threads, count: m) { i in
        let out = c + i * ldc
        for j in 0..<n {
            var sum = accumulate ? out[j] : 0
            for chunk in 0..<chunks.count { sum += partials[chunk * mn + i * n + j] }
            out[j] = sum
        }
    }
}

/// Floats of scratch `weightGradientGEMM` needs for an m×n weight over k tokens.
public func weightGradientScratchCount(m: Int, n: Int, k: Int) -> Int {
    let chunks = GEMMPanels.reductionChunks(m: m, n: n, k: k).count
    return chunks > 1 ? chunks * m * n : 0
}
