import CBLAS

/// Which implementation runs a matrix product. `.naive` is the readable reference: the test oracle, the
/// fallback and the benchmark baseline.
public enum GEMMBackend: String, Sendable, Codable {
    case blas
    case naive
}

/// Everything a kernel needs besides its buffers: which GEMM to use, where to count FLOPs and how many of
/// ftft's own threads to use for loops that are parallel over independent pieces (GEMM row panels, attention
/// over batch·heads, elementwise blocks). Passed explicitly; there is no other global state.
///
/// Making a context pins OpenBLAS to one thread for the whole process (`BLASRuntime.pinSingleThreaded`): all
/// parallelism is ftft's own, over pieces chosen from the shapes alone, so which BLAS calls a pass makes — and
/// therefore every result bit — does not depend on `threads` (see `GEMMPanels`).
public struct ComputeContext: Sendable {
    public let flops: FLOPCounter
    public let backend: GEMMBackend
    public let threads: Int
    /// Tests only: when set, every GEMM call is recorded (see `GEMMCallLog`).
    public let callLog: GEMMCallLog?

    public init(flops: FLOPCounter = FLOPCounter(), backend: GEMMBackend = .blas, threads: Int = 1,
                callLog: GEMMCallLog? = nil) {
        BLASRuntime.pinSingleThreaded()
        self.flops = flops
        self.backend = backend
        self.threads = max(1, threads)
        self.callLog = callLog
    }
}

/// Row-major C[m×n] = alpha · op(A) · op(B) + beta · C, where op(A) is m×k and op(B) is k×n.
///
/// `lda`, `ldb`, `ldc` are the row strides of A, B, C as stored (A stored m×k, or k×m when `transA`).
/// Counts 2·m·n·k FLOPs in `context.flops`, whichever backend runs.
public func gemm(
    _ context: ComputeContext,
    transA: Bool, transB: Bool,
    m: Int, n: Int, k: Int,
    alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int
) {
    if m == 0 || n == 0 { return }
    context.flops.add(2 * Int64(m) * Int64(n) * Int64(k))
    context.callLog?.record(GEMMCall(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                                     a: UInt(bitPattern: a), lda: lda, b: UInt(bitPattern: b), ldb: ldb,
                                     beta: beta, c: UInt(bitPattern: c), ldc: ldc))
    switch context.backend {
    case .blas:
        cblas_sgemm(
            CblasRowMajor,
            transA ? CblasTrans : CblasNoTrans,
            transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda), b, Int32(ldb),
            beta, c, Int32(ldc))
    case .naive:
        naiveGEMM(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                  a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}

/// The reference product: a plain triple loop, accumulating each dot product in Double.
/// Same contract as `gemm`; does not count FLOPs (the wrapper does).
public func naiveGEMM(
    transA: Bool, transB: Bool,
    m: Int, n: Int, k: Int,
    alpha: Float,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int
) {
    for i in 0..<m {
        for j in 0..<n {
            var sum: Double = 0
            for p in 0..<k {
                let aip = transA ? a[p * lda + i] : a[i * lda + p]
                let bpj = transB ? b[j * ldb + p] : b[p * ldb + j]
                sum += Double(aip) * Double(bpj)
            }
            let old = beta == 0 ? 0 : beta * c[i * ldc + j]
            c[i * ldc + j] = alpha * Float(sum) + old
        }
    }
}
