import Testing
import FTFTTestSupport
@testable import FTFTTensors

/// The BLAS wrapper agrees with the naive reference for every transpose combination and counts 2·m·n·k.
@Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
func gemmMatchesNaive(transA: Bool, transB: Bool) throws {
    let m = 37, n = 19, k = 53
    var s = SeededRandom(seed: 5).stream(.testing, 10)
    let a = Tensor(zeros: transA ? [k, m] : [m, k]); s.fillNormal(a.data, count: a.count, mean: 0, std: 1)
    let b = Tensor(zeros: transB ? [n, k] : [k, n]); s.fillNormal(b.data, count: b.count, mean: 0, std: 1)
    let c0 = Tensor(zeros: [m, n]); s.fillNormal(c0.data, count: c0.count, mean: 0, std: 1)
    let blas = c0.copy(), naive = c0.copy()
    let counter = FLOPCounter()
    let context = ComputeContext(flops: counter, backend: .blas)
    gemm(context, transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5,
         a: a.data, lda: transA ? m : k, b: b.data, ldb: transB ? k : n, beta: 2, c: blas.data, ldc: n)
    naiveGEMM(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5,
              a: a.data, lda: transA ? m : k, b: b.data, ldb: transB ? k : n, beta: 2, c: naive.data, ldc: n)
    #expect(counter.flops == 2 * Int64(m * n * k))
    let result = compare("gemm", actual: blas.array, actualShape: blas.shape, expected: naive.array,
                         expectedShape: naive.shape, tolerance: .forward)
    #expect(result.passed, "\(result)")
}

/// Any compute context pins OpenBLAS to one thread for the process (ftft threads over fixed pieces instead).
@Test func blasRuntimeIsSingleThreadedOnceAContextExists() {
    _ = ComputeContext(threads: 4)
    #expect(BLASRuntime.threads == 1)
    #expect(BLASRuntime.configuration.contains("OpenBLAS"))
    #expect(!BLASRuntime.coreName.isEmpty && BLASRuntime.coreName != "unknown")
}

/// The panels are a function of the shapes alone: they tile 0..<m in order, start on multiples of 16, hold at
/// least `minimumRows` rows (but the last), and number at most `maximumPanels`.
@Test(arguments: [1, 15, 64, 65, 100, 200, 384, 1000, 1536, 4096, 4097, 16384, 100_000])
func gemmPanelsTileTheRows(m: Int) {
    let panels = GEMMPanels.rowRanges(m: m, n: 384, k: 384)
    #expect(panels.first?.lowerBound == 0 && panels.last?.upperBound == m)
    for (p, q) in zip(panels, panels.dropFirst()) { #expect(p.upperBound == q.lowerBound) }
    #expect(panels.allSatisfy { $0.lowerBound % 16 == 0 })
    #expect(panels.dropLast().allSatisfy { $0.count >= GEMMPanels.minimumRows })
    #expect(panels.count <= GEMMPanels.maximumPanels)
    #expect(GEMMPanels.rowRanges(m: 4096, n: 384, k: 384).map(\.count) == Array(repeating: 512, count: 8))
}

/// The k-chunks of a weight gradient tile 0..<k in order, at least `minimumChunk` long (but the last), at most
/// `maximumPanels` of them; a MiniLM batch (k = 32 × 128) gives 8 × 512, a short one a single chunk.
@Test(arguments: [1, 511, 1023, 1024, 1500, 4096, 10_000])
func reductionChunksTileTheTokens(k: Int) {
    let chunks = GEMMPanels.reductionChunks(m: 384, n: 384, k: k)
    #expect(chunks.first?.lowerBound == 0 && chunks.last?.upperBound == k)
    for (p, q) in zip(chunks, chunks.dropFirst()) { #expect(p.upperBound == q.lowerBound) }
    #expect(chunks.dropLast().allSatisfy { $0.count >= GEMMPanels.minimumChunk })
    #expect(chunks.count <= GEMMPanels.maximumPanels)
    #expect(GEMMPanels.reductionChunks(m: 384, n: 384, k: 4096).map(\.count) == Array(repeating: 512, count: 8))
    #expect(GEMMPanels.reductionChunks(m: 384, n: 384, k: 1000).count == 1)
}
