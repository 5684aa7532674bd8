import FTFTBenchmarkSupport
import FTFTEncoder
import FTFTTensors
import FTFTTestSupport

/// The counted `gemm` wrapper on OpenBLAS, on the feed-forward up-projection of a MiniLM layer (torch.nn.Linear
/// layout): y[N,F] = x[N,C]·W[F,C]ᵀ, 2·N·F·C FLOPs, run as the fused path runs it: the fixed row panels of
/// `projectionGEMM` on the benchmark's thread count, single-threaded BLAS each. Validated on 32 sampled rows
/// against `naiveGEMM` (Double accumulation).
final class GEMMCase: KernelCase, @unchecked Sendable {
    let x: Tensor, w: Tensor, y: Tensor
    let counter = FLOPCounter()
    var threads = 1
    static let (m, n, k) = (Dimensions.N, Dimensions.F, Dimensions.C)

    init() {
        x = Tensor(zeros: [Self.m, Self.k]); w = Tensor(zeros: [Self.n, Self.k]); y = Tensor(zeros: [Self.m, Self.n])
        Fill.uniform(x, seed: 1)
        Fill.normal(w, seed: 2, std: 0.02)
        super.init(name: "gemm 4096x1536x384", work: .flops(2 * Double(Self.m) * Double(Self.n) * Double(Self.k)),
                   threadCounts: [1, 2])
    }

    override func run(threads: Int) {
        let context = ComputeContext(flops: counter, backend: .blas, threads: threads)
        projectionGEMM(context, transA: false, transB: true, m: Self.m, n: Self.n, k: Self.k,
                       a: x.data, lda: Self.k, b: w.data, ldb: Self.k, beta: 0, c: y.data, ldc: Self.n)
    }

    override func prepareSample() { counter.reset() }

    override func checkSample() throws {
        try Check.counted(name, counter, expected: 2 * Int64(Self.m) * Int64(Self.n) * Int64(Self.k))
    }

    override func validate(threads: Int) throws {
        prepareSample()
        run(threads: threads)
        try checkSample()
        let rows = Array(0..<16) + Array((Self.m - 16)..<Self.m)
        let expected = Tensor(zeros: [Self.n])
        for r in rows {
            naiveGEMM(transA: false, transB: true, m: 1, n: Self.n, k: Self.k, alpha: 1, a: x.data + r * Self.k,
                      lda: Self.k, b: w.data, ldb: Self.k, beta: 0, c: expected.data, ldc: Self.n)
            try Check.close("\(name) row \(r)", y.data + r * Self.n, expected.data, count: Self.n, .forward)
        }
    }
}

/// The reference GEMM against OpenBLAS on a shape the naive triple loop finishes quickly (128×384×384, one
/// thread): the speed-up that the BLAS path buys. Validated element by element.
final class NaiveGEMMCase: KernelCase, @unchecked Sendable {
    let a: Tensor, b: Tensor, fast: Tensor, naive: Tensor
    static let (m, n, k) = (128, 384, 384)
    var naiveSeconds: [Double] = []

    init() {
        a = Tensor(zeros: [Self.m, Self.k]); b = Tensor(zeros: [Self.n, Self.k])
        fast = Tensor(zeros: [Self.m, Self.n]); naive = Tensor(zeros: [Self.m, Self.n])
        Fill.uniform(a, seed: 3)
        Fill.normal(b, seed: 4, std: 0.02)
        super.init(name: "gemm naive 128x384x384", work: .flops(2 * Double(Self.m) * Double(Self.n) * Double(Self.k)),
                   threadCounts: [1])
    }

    /// Timed: the naive product (the suite compares it with the BLAS call timed in `checkSample`).
    override func run(threads: Int) {
        naiveGEMM(transA: false, transB: true, m: Self.m, n: Self.n, k: Self.k, alpha: 1, a: a.data, lda: Self.k,
                  b: b.data, ldb: Self.k, beta: 0, c: naive.data, ldc: Self.n)
    }

    /// Seconds of the same product on OpenBLAS (one thread), timed right after the naive one.
    func blasSeconds() -> Double {
        let context = ComputeContext(backend: .blas, threads: 1)
        return wallSeconds {
            gemm(context, transA: false, transB: true, m: Self.m, n: Self.n, k: Self.k, a: a.data, lda: Self.k,
                 b: b.data, ldb: Self.k, beta: 0, c: fast.data, ldc: Self.n)
        }
    }

    override func validate(threads: Int) throws {
        run(threads: 1)
        _ = blasSeconds()
        try Check.close(name, fast.data, naive.data, count: Self.m * Self.n, .forward)
    }
}
