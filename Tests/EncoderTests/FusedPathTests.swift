import Foundation
import FTFTEncoder
import FTFTTensors
import FTFTTestSupport
import Testing

// The fast path against the reference path: the vectorised exp and GELU against Double references, the fused
// attention against the reference attention (with dropout), and the whole fused model against the reference
// model with every dropout site active (both draw the same masks), on shapes that are not multiples of the
// vector width.

@Suite("Fused path against the reference path")
struct FusedPathTests {
    @Test func fastExpIsAccurate() {
        let xs = stride(from: -87.0, through: 88.0, by: 0.0137).map { Float($0) } + [0, -0.0, 1e-8, -1e-8]
        var out = [Float](repeating: 0, count: xs.count)
        FastMath.exp(&out, xs, count: xs.count)
        var worst = 0.0
        for (x, y) in zip(xs, out) {
            let e = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(y) - e) / e)
        }
        #expect(worst <= 4e-7, "worst relative error \(worst)")
        var under = [Float](repeating: 1, count: 3)
        FastMath.exp(&under, [-88, -200, -.infinity], count: 3)
        #expect(under == [0, 0, 0])
    }

    @Test func fastGELUIsAccurate() {
        let xs = stride(from: -12.0, through: 12.0, by: 0.00317).map { Float($0) }
        var gelu = [Float](repeating: 0, count: xs.count), derivative = [Float](repeating: 0, count: xs.count)
        FastMath.gelu(&gelu, xs, count: xs.count)
        FastMath.geluDerivative(&derivative, xs, count: xs.count)
        var worstValue = 0.0, worstDerivative = 0.0
        for i in xs.indices {
            let x = Double(xs[i])
            // Relative to the value, with a floor at float32's resolution of the input scale.
            // gelu' = Φ + x·φ cancels near x ≈ −0.75, so its error is measured against the size of its terms.
            let g = geluReference(x), d = geluDerivativeReference(x)
            let terms = geluDerivativeReference(x) - x * exp(-x * x / 2) / (2 * Double.pi).squareRoot()
                + abs(x) * exp(-x * x / 2) / (2 * Double.pi).squareRoot()
            // exp(−x²/2) in float has relative error up to ~x²·ε (the rounding of x² itself): allowed for.
            let conditioning = 1 + x * x * 6e-8 / 2e-6
            worstValue = max(worstValue, abs(Double(gelu[i]) - g) / (abs(g) + 1e-30 + 1e-7 * abs(x)) / conditioning)
            worstDerivative = max(worstDerivative, abs(Double(derivative[i]) - d) / (terms + 1e-30) / conditioning)
        }
        #expect(worstValue <= 4e-6, "gelu worst relative error \(worstValue)")
        #expect(worstDerivative <= 4e-6, "gelu' worst relative error \(worstDerivative)")
    }

    /// Fused attention (biases added inside, threaded, one-pass softmax and dropout) against the reference.
    @Test(arguments: [1, 2])
    func attentionMatchesReference(threads: Int) throws {
        let (B, T, C, NH) = (3, 13, 12, 3)
        let shape = AttentionShape(B: B, T: T, C: C, NH: NH)
        var random = SeededRandom(seed: 31).stream(.testing)
        func normal(_ n: Int) -> Tensor {
            let t = Tensor(zeros: [n])
            random.fillNormal(t.data, count: n, mean: 0, std: 1)
            return t
        }
        let q = normal(B * T * C), k = normal(B * T * C), v = normal(B * T * C)
        let bq = normal(C), bk = normal(C), bv = normal(C)
        var keyMask = [UInt8](repeating: 1, count: B * T)
        for t in 9..<T { keyMask[T + t] = 0 }
        for t in 2..<T { keyMask[2 * T + t] = 0 }
        let dropout = DropoutMask(random: SeededRandom(seed: 32), step: 2, site: 4, probability: 0.25)
        let context = ComputeContext(threads: threads)
        // Reference: biases first, then the reference kernel.
        let rq = q.copy(), rk = k.copy(), rv = v.copy()
        addBias(rq.data, bq.data, N: B * T, O: C)
        addBias(rk.data, bk.data, N: B * T, O: C)
        addBias(rv.data, bv.data, N: B * T, O: C)
        let n = shape.probabilityCount
        let rOut = Tensor(zeros: [B * T * C]), rP = Tensor(zeros: [n]), rPd = Tensor(zeros: [n])
        var rMask = [UInt8](repeating: 0, count: n)
        attentionForward(context: rOut.data, probabilities: rP.data, droppedProbabilities: rPd.data, dropoutMask: &rMask,
                         query: rq.data, key: rk.data, value: rv.data, keyMask: keyMask, shape: shape,
                         dropout: dropout, context: context)
        let fOut = Tensor(zeros: [B * T * C]), fP = Tensor(zeros: [n]), fPd = Tensor(zeros: [n])
        var fMask = [UInt8](repeating: 0, count: n)
        attentionFusedForward(context: fOut.data, probabilities: fP.data, droppedProbabilities: fPd.data,
                              dropoutMask: &fMask, query: q.data, key: k.data, value: v.data, queryBias: bq.data,
                              keyBias: bk.data, valueBias: bv.data, keyMask: keyMask, shape: shape, dropout: dropout,
                              context: context)
        #expect(fMask == rMask)
        for (name, f, r) in [("query", q, rq), ("key", k, rk), ("value", v, rv)] {
            #expect(f.array == r.array, "\(name) with bias")
        }
        expectClose("P", fP, rP, .forward)
        expectClose("Pd", fPd, rPd, .forward)
        expectClose("context", fOut, rOut, .forward)
        let dContext = normal(B * T * C)
        let rdq = Tensor(zeros: [B * T * C]), rdk = Tensor(zeros: [B * T * C]), rdv = Tensor(zeros: [B * T * C])
        let scratch = Tensor(zeros: [n])
        attentionBackward(dQuery: rdq.data, dKey: rdk.data, dValue: rdv.data, dScores: scratch.data,
                          dContext: dContext.data, probabilities: rP.data, droppedProbabilities: rPd.data,
                          dropoutMask: rMask, query: rq.data, key: rk.data, value: rv.data, shape: shape,
                          dropout: dropout, context: context)
        let fdq = Tensor(zeros: [B * T * C]), fdk = Tensor(zeros: [B * T * C]), fdv = Tensor(zeros: [B * T * C])
        let dbq = Tensor(zeros: [C]), dbk = Tensor(zeros: [C]), dbv = Tensor(zeros: [C])
        let partials = Tensor(zeros: [B * 3 * C])
        attentionFusedBackward(dQuery: fdq.data, dKey: fdk.data, dValue: fdv.data, dQueryBias: dbq.data,
                               dKeyBias: dbk.data, dValueBias: dbv.data, dScores: scratch.data, partials: partials.data,
                               dContext: dContext.data, probabilities: fP.data, droppedProbabilities: fPd.data,
                               query: q.data, key: k.data, value: v.data, shape: shape, context: context)
        expectClose("dq", fdq, rdq, .gradient)
        expectClose("dk", fdk, rdk, .gradient)
        expectClose("dv", fdv, rdv, .gradient)
        // The key bias gradient is zero in exact arithmetic (see Level-2 tests): only its size is checked.
        #expect(dbk.array.allSatisfy { abs($0) < 1e-5 })
        for (name, bias, d) in [("dbq", dbq, rdq), ("dbv", dbv, rdv)] {
            let sums = Tensor(zeros: [C])
            accumulateColumnSums(sums.data, d.data, N: B * T, O: C)
            expectClose(name, bias, sums, .gradient)
        }
    }

    /// A GEMM as fixed row panels equals one call to within the forward tolerance (the panels may round some
    /// elements differently from one call, see `GEMMPanels`), for both operand layouts, and counts the same FLOPs.
    @Test(arguments: [false, true])
    func panelGEMMMatchesOneCall(transA: Bool) {
        let (m, n, k) = (200, 24, 40)
        var random = SeededRandom(seed: 51).stream(.testing)
        let a = Tensor(zeros: [m * k]), b = Tensor(zeros: [n * k])
        random.fillNormal(a.data, count: a.count, mean: 0, std: 1)
        random.fillNormal(b.data, count: b.count, mean: 0, std: 1)
        let one = Tensor(zeros: [m * n]), panels = Tensor(zeros: [m * n])
        let counterOne = FLOPCounter(), counterPanels = FLOPCounter()
        gemm(ComputeContext(flops: counterOne), transA: transA, transB: true, m: m, n: n, k: k,
             a: a.data, lda: transA ? m : k, b: b.data, ldb: k, beta: 0, c: one.data, ldc: n)
        projectionGEMM(ComputeContext(flops: counterPanels, threads: 2), transA: transA, transB: true,
                       m: m, n: n, k: k, a: a.data, lda: transA ? m : k, b: b.data, ldb: k, beta: 0, c: panels.data, ldc: n)
        #expect(counterPanels.gemmCalls == 4)  // 200 rows: 64, 64, 64, 8
        #expect(counterOne.flops == counterPanels.flops)
        expectClose("panels", panels, one, .forward)
    }

    /// A weight gradient as k-chunks added in order equals one accumulating call to within the forward tolerance,
    /// counts the same FLOPs, and (with one chunk) is that call.
    @Test(arguments: [1300, 300])
    func weightGradientChunksMatchOneCall(k: Int) {
        let (m, n) = (24, 40)
        var random = SeededRandom(seed: 52).stream(.testing, UInt64(k))
        let a = Tensor(zeros: [k * m]), b = Tensor(zeros: [k * n]), c0 = Tensor(zeros: [m * n])
        // Gradient-like scales (a sum of k products stays O(1)), so the forward tolerance is meaningful.
        random.fillNormal(a.data, count: a.count, mean: 0, std: 1)
        random.fillNormal(b.data, count: b.count, mean: 0, std: 0.02)
        random.fillNormal(c0.data, count: c0.count, mean: 0, std: 1)
        let one = c0.copy(), chunked = c0.copy()
        let scratch = Tensor(zeros: [max(1, weightGradientScratchCount(m: m, n: n, k: k))])
        let counterOne = FLOPCounter(), counterChunks = FLOPCounter()
        gemm(ComputeContext(flops: counterOne), transA: true, transB: false, m: m, n: n, k: k,
             a: a.data, lda: m, b: b.data, ldb: n, beta: 1, c: one.data, ldc: n)
        weightGradientGEMM(ComputeContext(flops: counterChunks, threads: 2), m: m, n: n, k: k, a: a.data, lda: m,
                           b: b.data, ldb: n, accumulate: true, c: chunked.data, ldc: n, partials: scratch.data)
        #expect(counterChunks.gemmCalls == Int64(GEMMPanels.reductionChunks(m: m, n: n, k: k).count))
        #expect(counterOne.flops == counterChunks.flops)
        expectClose("chunks", chunked, one, .forward)
    }

    /// The whole model, every dropout site active, odd sizes (C 12, NH 3, F 20, T 11): fused vs reference.
    @Test(arguments: [1, 2])
    func modelMatchesReference(threads: Int) throws {
        let config = BertConfig(vocabSize: 30, hiddenSize: 12, layers: 2, heads: 3, intermediateSize: 20,
                                maxPositions: 16, hiddenDropout: 0.15, attentionDropout: 0.2,
                                classifierDropout: 0.3, initializerRange: 0.3, numLabels: 3)
        let batch = TokenBatch(sequences: [[2, 7, 9, 11, 3, 4, 8, 8, 1, 5, 6], [2, 5, 3], [2, 8, 13, 21, 29, 5, 3]],
                               tokenTypes: [[0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1], [0, 0, 0], [0, 0, 0, 1, 1, 1, 1]],
                               labels: [0, 2, 1], exampleIndices: [0, 1, 2])
        var results: [(Float, [Float], [Float])] = []
        for path in [BertClassifier.KernelPath.reference, .fused] {
            let model = try BertClassifier(config: config)
            model.kernelPath = path
            model.initializeRandomly(SeededRandom(seed: 41))
            let (loss, logits) = try model.trainingStep(batch: batch, random: SeededRandom(seed: 42), step: 5,
                                                        context: ComputeContext(threads: threads))
            results.append((loss, logits, model.gradients.array))
        }
        let (reference, fused) = (results[0], results[1])
        let lossCheck = compare("loss", actual: [fused.0], actualShape: [1], expected: [reference.0],
                                expectedShape: [1], tolerance: .forward)
        #expect(lossCheck.passed, "\(lossCheck)")
        let logitsCheck = compare("logits", actual: fused.1, actualShape: [3, 3], expected: reference.1,
                                  expectedShape: [3, 3], tolerance: .forward)
        #expect(logitsCheck.passed, "\(logitsCheck)")
        let layout = ParameterLayout(config: config)
        for entry in layout.entries where !entry.name.hasSuffix("key.bias") {
            let range = entry.offset ..< entry.offset + entry.count
            let check = compare(entry.name, actual: Array(fused.2[range]), actualShape: entry.shape,
                                expected: Array(reference.2[range]), expectedShape: entry.shape, tolerance: .gradient)
            #expect(check.passed, "\(check)")
        }
    }
}

func expectClose(_ name: String, _ actual: Tensor, _ expected: Tensor, _ tolerance: Tolerance,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    let result = compare(name, actual: actual.array, actualShape: actual.shape, expected: expected.array,
                         expectedShape: expected.shape, tolerance: tolerance)
    #expect(result.passed, "\(result)", sourceLocation: sourceLocation)
}
