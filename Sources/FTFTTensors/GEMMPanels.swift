/// The fixed decomposition of a large GEMM into row panels: a function of the shapes alone, never of the thread
/// count. Each panel is one single-threaded BLAS call over the full k; the panels run on however many threads
/// there are (`projectionGEMM` in FTFTEncoder).
///
/// Why it must not depend on the thread count: a BLAS kernel's result for one output element can depend on how the
/// call it belongs to is blocked. With OpenBLAS 0.3.21's Haswell and Zen SGEMM kernels, one 4096×384×384 product and
/// the same product as 4 row panels differ in 42,273 of 1,572,864 outputs (scripts/blas-kernel-sensitivity.sh;
/// Sandybridge, SkylakeX and Cooperlake: none).
/// With the panels fixed by (m, n, k), every thread count makes exactly the same calls.
public enum GEMMPanels {
    /// Panels are multiples of 16 rows (a whole number of every x86-64 SGEMM kernel's row tiles) and at least
    /// `minimumRows` rows, so that each call is large enough to run at BLAS speed.
    public static let minimumRows = 64
    /// At most this many panels: enough for dynamic scheduling to balance 2–4 threads on a shared machine, few enough
    /// that each call is large (OpenBLAS packs op(B) once per call; with 16 panels of a MiniLM batch the forward and
    /// input-gradient products took up to 9 % longer than one call at one thread, with 8 within ±5 %).
    public static let maximumPanels = 8

    /// Rows of op(A)·op(B) per panel, from the shapes alone: ⌈m / 8⌉ rounded up to a multiple of 16, at least 64.
    /// (n and k do not change the choice today; they are parameters so that a future rule stays a function of
    /// the shapes.)
    public static func rowsPerPanel(m: Int, n: Int, k: Int) -> Int {
        let share = (m + maximumPanels - 1) / maximumPanels
        return max(minimumRows, (share + 15) & ~15)
    }

    /// The panels' row ranges, in order, covering 0..<m: e.g. m 4096 → 8 × 512 rows; m 384 → 6 × 64;
    /// m 200 → 64, 64, 64, 8; m ≤ 64 → one panel.
    public static func rowRanges(m: Int, n: Int, k: Int) -> [Range<Int>] {
        guard m > 0 else { return [] }
        let rows = rowsPerPanel(m: m, n: n, k: k)
        return stride(from: 0, to: m, by: rows).map { $0 ..< min($0 + rows, m) }
    }

    /// The fixed chunks of the summed dimension k for a weight gradient dW = dYᵀ·X, where k = B·T tokens is long and
    /// m, n (the weight's shape) are short: splitting m into row panels would make every panel pack all of X again
    /// (measured: 15–21 % slower than one call at one thread), while k-chunks each pack only their own rows of dY and
    /// X. Chunks of ⌈k / 8⌉ rows, at least `minimumChunk`; one chunk (no split) below 2 × `minimumChunk`.
    /// Partial products are then added in chunk order (`weightGradientGEMM`), so the sum's order is fixed too.
    public static let minimumChunk = 512

    public static func reductionChunks(m: Int, n: Int, k: Int) -> [Range<Int>] {
        guard k > 0 else { return [] }
        if k < 2 * minimumChunk { return [0 ..< k] }
        let size = max(minimumChunk, (k + maximumPanels - 1) / maximumPanels)
        return stride(from: 0, to: k, by: size).map { $0 ..< min($0 + size, k) }
    }
}
