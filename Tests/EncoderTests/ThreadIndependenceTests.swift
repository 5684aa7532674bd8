import FTFTEncoder
import FTFTTensors
import FTFTTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

// Results must not depend on the thread count, under any BLAS kernel (issue 11). Two kinds of check:
//
// - The decomposition: the multiset of BLAS calls a pass makes (shapes, strides, scalars, operand addresses) is
//   the same for 1, 2, 3 and 4 threads. A single-threaded BLAS call is a deterministic function of exactly these,
//   so equal call lists imply equal bits on every machine. This fails on every machine when the design is wrong
//   (e.g. a panel count that depends on the thread count), whatever kernel the machine runs.
// - The results themselves, bit for bit, on shapes large enough that OpenBLAS's Haswell and Zen kernels round
//   a product split differently (m = 4096, a MiniLM-L6-sized step). These fail only on machines whose kernel is
//   sensitive to the split; together with the first check they pin the property down.

/// Threads compared everywhere below.
private let threadCounts = [1, 2, 3, 4]

@Suite("Thread-count independence")
struct ThreadIndependenceTests {
    /// The m = 4096 products of a MiniLM-L6 layer (batch 32 × 128 tokens): forward (x·Wᵀ), the input gradient
    /// (dy·W) and the weight gradient (dyᵀ·x, transposed A), through the fused path's `projectionGEMM`.
    @Test(arguments: [(4096, 384, 384, false, true), (4096, 1536, 384, false, true), (4096, 384, 1536, false, false),
                      (1536, 384, 4096, true, false)])
    func projectionsAreBitIdenticalForAnyThreadCount(shape: (Int, Int, Int, Bool, Bool)) {
        let (m, n, k, transA, transB) = shape
        var random = SeededRandom(seed: 61).stream(.testing, UInt64(m + n + k))
        let a = Tensor(zeros: [m * k]), b = Tensor(zeros: [n * k]), c0 = Tensor(zeros: [m * n])
        quickFill(a, &random, std: 1)
        quickFill(b, &random, std: 0.05)
        // beta 1 for the weight gradient (it accumulates, as in the backward pass): C starts non-zero.
        if transA { quickFill(c0, &random, std: 1) }
        let lda = transA ? m : k, ldb = transB ? k : n
        var outputs: [Tensor] = [], logs: [[GEMMCall]] = []
        for threads in threadCounts {
            let c = c0.copy(), log = GEMMCallLog()
            projectionGEMM(ComputeContext(threads: threads, callLog: log), transA: transA, transB: transB,
                           m: m, n: n, k: k, a: a.data, lda: lda, b: b.data, ldb: ldb, beta: transA ? 1 : 0,
                           c: c.data, ldc: n)
            outputs.append(c)
            logs.append(log.sortedCalls.map { $0.relative(to: (a.data, b.data, c.data)) })
        }
        for (i, threads) in threadCounts.enumerated().dropFirst() {
            let sameCalls = logs[i] == logs[0]
            #expect(sameCalls, "BLAS calls at \(threads) threads differ from 1 thread: \(callDifference(logs[i], logs[0]))")
            let differing = differingBits(outputs[i], outputs[0])
            #expect(differing == 0, "\(differing) of \(m * n) outputs differ at \(threads) threads (kernel \(BLASRuntime.coreName))")
        }
    }

    /// The weight gradients of a MiniLM layer as the backward pass computes them (`weightGradientGEMM`: fixed
    /// k-chunks over the 4,096 tokens, added in order): identical calls and bits for 1–4 threads.
    @Test(arguments: [(384, 384), (1536, 384), (384, 1536)])
    func weightGradientsAreBitIdenticalForAnyThreadCount(shape: (Int, Int)) {
        let (m, n, k) = (shape.0, shape.1, 4096)
        var random = SeededRandom(seed: 65).stream(.testing, UInt64(m + n))
        let a = Tensor(zeros: [k * m]), b = Tensor(zeros: [k * n]), c0 = Tensor(zeros: [m * n])
        quickFill(a, &random, std: 1)
        quickFill(b, &random, std: 0.05)
        quickFill(c0, &random, std: 1)
        let scratch = Tensor(zeros: [weightGradientScratchCount(m: m, n: n, k: k)])
        var outputs: [Tensor] = [], logs: [[GEMMCall]] = []
        for threads in threadCounts {
            let c = c0.copy(), log = GEMMCallLog()
            weightGradientGEMM(ComputeContext(threads: threads, callLog: log), m: m, n: n, k: k, a: a.data, lda: m,
                               b: b.data, ldb: n, accumulate: true, c: c.data, ldc: n, partials: scratch.data)
            outputs.append(c)
            logs.append(log.sortedCalls.map { $0.relative(to: (a.data, b.data, scratch.data)) })
        }
        #expect(logs[0].count == 8)
        for (i, threads) in threadCounts.enumerated().dropFirst() {
            let sameCalls = logs[i] == logs[0]
            #expect(sameCalls, "BLAS calls at \(threads) threads differ from 1 thread: \(callDifference(logs[i], logs[0]))")
            let differing = differingBits(outputs[i], outputs[0])
            #expect(differing == 0, "\(differing) of \(m * n) weight gradients differ at \(threads) threads (kernel \(BLASRuntime.coreName))")
        }
    }

    /// A MiniLM-L6-sized training step (6 layers, hidden 384, 12 heads, FFN 1536; batch 8 × 128 tokens, so
    /// m = 1,024 rows in 16 panels), dropout on, and an evaluation forward of the same batch: identical BLAS calls
    /// and bit-identical loss, logits and gradients for 1–4 threads. One model instance, so buffers (and so
    /// operand addresses) are the same. (The numeric modules are optimised even in debug builds, Package.swift.)
    @Test func miniLMSizedStepIsBitIdenticalForAnyThreadCount() throws {
        let config = BertConfig(vocabSize: 512, hiddenSize: 384, layers: 6, heads: 12, intermediateSize: 1536,
                                maxPositions: 128, numLabels: 3)
        let model = try BertClassifier(config: config)
        model.initializeRandomly(SeededRandom(seed: 62))
        let batch = randomBatch(vocabularySize: 512, batchSize: 8, length: 128, seed: 63)
        _ = try model.trainingStep(batch: batch, random: SeededRandom(seed: 64), step: 0, context: ComputeContext())
        var results: [(calls: [GEMMCall], loss: Float, logits: [Float], gradients: Tensor, evaluation: [Float])] = []
        for threads in threadCounts {
            let log = GEMMCallLog()
            let context = ComputeContext(threads: threads, callLog: log)
            model.gradients.zero()
            let (loss, logits) = try model.trainingStep(batch: batch, random: SeededRandom(seed: 64), step: 9,
                                                        context: context)
            let evaluation = try model.logits(batch: batch, context: context)
            results.append((log.sortedCalls, loss, logits, model.gradients.copy(), evaluation))
        }
        #expect(results[0].calls.count > 6 * 8 * 12)
        for (i, threads) in threadCounts.enumerated().dropFirst() {
            let sameCalls = results[i].calls == results[0].calls
            #expect(sameCalls, "BLAS calls at \(threads) threads differ from 1 thread: \(callDifference(results[i].calls, results[0].calls))")
            #expect(results[i].loss.bitPattern == results[0].loss.bitPattern)
            #expect(results[i].logits.map(\.bitPattern) == results[0].logits.map(\.bitPattern))
            #expect(results[i].evaluation.map(\.bitPattern) == results[0].evaluation.map(\.bitPattern))
            let differing = differingBits(results[i].gradients, results[0].gradients)
            #expect(differing == 0, "\(differing) gradient entries differ at \(threads) threads (kernel \(BLASRuntime.coreName))")
        }
    }
}

extension GEMMCall {
    /// The call with its operand addresses made relative to three base buffers (for comparing calls on buffers
    /// allocated separately).
    func relative(to bases: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)) -> GEMMCall {
        GEMMCall(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                 a: a &- UInt(bitPattern: bases.0), lda: lda, b: b &- UInt(bitPattern: bases.1), ldb: ldb,
                 beta: beta, c: c &- UInt(bitPattern: bases.2), ldc: ldc)
    }
}

/// The first difference between two sorted call lists, for a failure message short enough to read.
func callDifference(_ x: [GEMMCall], _ y: [GEMMCall]) -> String {
    let first = zip(x, y).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(x.count, y.count)
    let one = first < x.count ? "\(x[first])" : "nothing", other = first < y.count ? "\(y[first])" : "nothing"
    return "\(x.count) calls against \(y.count); call \(first) (sorted) is \(one) against \(other)"
}

/// Fills `tensor` with values of standard deviation about `std`, cheaply: 4,096 normal draws, combined two at a
/// time by index (a full Philox draw per element takes seconds per million elements in a debug build).
func quickFill(_ tensor: Tensor, _ random: inout RandomStream, std: Float) {
    let table = Tensor(zeros: [4096])
    random.fillNormal(table.data, count: 4096, mean: 0, std: std)
    let t = table.data, out = tensor.data
    for i in 0..<tensor.count { out[i] = t[i & 4095] * 0.8 + t[(i >> 12) & 4095] * 0.6 }
}

/// How many elements of two tensors of one size differ in their bits (memcmp first: the tensors are large and
/// debug-build loops slow).
func differingBits(_ x: Tensor, _ y: Tensor) -> Int {
    precondition(x.count == y.count)
    if memcmp(x.data, y.data, x.count * MemoryLayout<Float>.size) == 0 { return 0 }
    return (0..<x.count).filter { x[$0].bitPattern != y[$0].bitPattern }.count
}

/// A batch of `batchSize` random sequences of lengths between length/2 and `length` (so padding is exercised),
/// ids in 2..<vocabularySize, two segments, labels cycling over 3 classes.
func randomBatch(vocabularySize: Int, batchSize: Int, length: Int, seed: UInt64) -> TokenBatch {
    var stream = SeededRandom(seed: seed).stream(.testing)
    let sequences = (0..<batchSize).map { b -> [Int32] in
        let count = b == 0 ? length : length / 2 + stream.nextInt(below: length / 2)
        return (0..<count).map { _ in Int32(2 + stream.nextInt(below: vocabularySize - 2)) }
    }
    return TokenBatch(sequences: sequences, tokenTypes: sequences.map { s in s.indices.map { $0 < s.count / 2 ? 0 : 1 } },
                      labels: (0..<batchSize).map { Int32($0 % 3) }, exampleIndices: Array(0..<batchSize))
}
