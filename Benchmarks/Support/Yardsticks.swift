import FTFTTensors

// The two ceilings every kernel is compared with, measured in the same process right next to the kernel, so the
// ratio cancels most of the machine's load (docs/perf-anchors.md, "compare … in the same run, interleaved, as
// ratios"): OpenBLAS SGEMM for compute-bound work, the STREAM triad for bandwidth-bound work.

/// Square SGEMM C = A·B of side `side` through the counted `gemm` wrapper on OpenBLAS, as ftft runs large products:
/// the fixed row panels of `GEMMPanels` (16 × 64 rows for 1024), each a single-threaded BLAS call, spread over
/// `threads` threads (OpenBLAS itself is single-threaded in ftft). 1024³ takes ≈ 28 ms at one thread here
/// (78 GFLOP/s at 2048³ per perf-anchors).
public final class SGEMMYardstick: @unchecked Sendable {
    public let side: Int
    private let a: Tensor, b: Tensor, c: Tensor

    public init(side: Int = 1024) {
        self.side = side
        a = Tensor(zeros: [side, side]); b = Tensor(zeros: [side, side]); c = Tensor(zeros: [side, side])
        var stream = SeededRandom(seed: 11).stream(.testing, 11)
        for i in 0..<a.count { a[i] = stream.nextUniform() - 0.5; b[i] = stream.nextUniform() - 0.5 }
    }

    public var flops: Double { 2 * Double(side) * Double(side) * Double(side) }

    /// GFLOP/s of one product on `threads` threads.
    public func gigaFLOPsPerSecond(threads: Int) -> Double {
        let context = ComputeContext(backend: .blas, threads: threads)
        let panels = GEMMPanels.rowRanges(m: side, n: side, k: side)
        let (a, b, c, side) = (a.data, b.data, c.data, side)
        let seconds = wallSeconds {
            parallelFor(threads: threads, count: panels.count) { panel in
                let rows = panels[panel]
                gemm(context, transA: false, transB: false, m: rows.count, n: side, k: side,
                     a: a + rows.lowerBound * side, lda: side, b: b, ldb: side, beta: 0,
                     c: c + rows.lowerBound * side, ldc: side)
            }
        }
        return flops / seconds / 1e9
    }
}

/// STREAM's triad a[i] = b[i] + s·c[i] over three arrays of `count` floats (64 MB each by default, far beyond the
/// caches), split over `threads` workers. Bytes counted as STREAM does: 3 · 4 · count per pass (no write-allocate).
public final class TriadYardstick: @unchecked Sendable {
    public let count: Int
    private let a: Tensor, b: Tensor, c: Tensor

    public init(count: Int = 16 << 20) {
        self.count = count
        a = Tensor(zeros: [count]); b = Tensor(zeros: [count]); c = Tensor(zeros: [count])
        b.fill(1); c.fill(2)
    }

    /// GB/s of one pass.
    public func gigabytesPerSecond(threads: Int) -> Double {
        let (pa, pb, pc, n) = (UncheckedSendable(a.data), UncheckedSendable(b.data), UncheckedSendable(c.data), count)
        let chunks = max(1, threads) * 8
        let seconds = wallSeconds {
            parallelFor(threads: threads, count: chunks) { chunk in
                let start = n * chunk / chunks, end = n * (chunk + 1) / chunks
                let a = pa.value, b = pb.value, c = pc.value
                for i in start..<end { a[i] = b[i] + 3 * c[i] }
            }
        }
        return 12 * Double(count) / seconds / 1e9
    }
}
