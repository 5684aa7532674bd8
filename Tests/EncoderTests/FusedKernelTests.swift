import FTFTEncoder
import FTFTTensors
import FTFTTestSupport
import Testing

// Each fused kernel of Kernels+Fused.swift against the composition of reference kernels it replaces, with
// dropout on, on shapes that are not multiples of the vector width (C = 19, F = 45) and with more rows than
// one row block (N = 39 > fusedBlockRows), at 1 and 2 threads. Masks must be identical (both paths address
// element n·C + c of the same dropout site); values within the named forward and gradient tolerances (the fused
// LayerNorm takes float SIMD statistics, the reference Double); results must not depend on the thread count.

@Suite("Fused kernels against their reference compositions")
struct FusedKernelTests {
    static let (B, T, C, F) = (3, 13, 19, 45)
    static var N: Int { B * T }
    static let eps: Float = 1e-12
    static let dropout = DropoutMask(random: SeededRandom(seed: 17), step: 3, site: 5, probability: 0.25)

    /// A tensor of normal(mean, std) values from its own testing stream.
    static func normal(_ shape: [Int], stream index: UInt64, mean: Float = 0, std: Float = 1) -> Tensor {
        let tensor = Tensor(zeros: shape)
        var random = SeededRandom(seed: 41).stream(.testing, index)
        random.fillNormal(tensor.data, count: tensor.count, mean: mean, std: std)
        return tensor
    }

    static func expectClose(_ name: String, _ actual: Tensor, _ expected: Tensor, _ tolerance: Tolerance) {
        let result = compare(name, actual: actual.array, actualShape: actual.shape, expected: expected.array,
                             expectedShape: expected.shape, tolerance: tolerance)
        #expect(result.passed, "\(result)")
    }

    /// The same kernel run at 1 and at 2 threads must give bit-identical results.
    static func expectThreadInvariant(_ name: String, _ run: (Int) -> [Float]) {
        let one = run(1), two = run(2)
        #expect(one.map(\.bitPattern) == two.map(\.bitPattern), "\(name): 1 and 2 threads differ")
    }

    @Test(arguments: [1, 2])
    func embeddingLayerNormDropoutForwardMatchesReference(threads: Int) {
        let (B, T, C, N) = (Self.B, Self.T, Self.C, Self.N)
        let (V, P, TV) = (23, T + 2, 2)
        let words = Self.normal([V, C], stream: 1), positions = Self.normal([P, C], stream: 2)
        let types = Self.normal([TV, C], stream: 3)
        let weight = Self.normal([C], stream: 4, mean: 1, std: 0.2), bias = Self.normal([C], stream: 5, std: 0.2)
        let ids = (0..<N).map { Int32(($0 * 7 + 3) % V) }, typeIds = (0..<N).map { Int32(($0 / 5) % TV) }

        let expected = Tensor(zeros: [N, C]), summed = Tensor(zeros: [N, C]), normalizedRef = Tensor(zeros: [N, C])
        let rstdRef = Tensor(zeros: [N]), layerNormed = Tensor(zeros: [N, C])
        var maskRef = [UInt8](repeating: 9, count: N * C)
        embeddingForward(out: summed.data, inputIds: ids, tokenTypeIds: typeIds, wordEmbeddings: words.data,
                         positionEmbeddings: positions.data, tokenTypeEmbeddings: types.data, B: B, T: T, C: C)
        layerNormForward(out: layerNormed.data, normalized: normalizedRef.data, rstd: rstdRef.data, input: summed.data,
                         weight: weight.data, bias: bias.data, N: N, C: C, eps: Self.eps)
        dropoutForward(out: expected.data, mask: &maskRef, input: layerNormed.data, N: N * C, dropout: Self.dropout)

        func fused(_ threads: Int) -> (out: Tensor, normalized: Tensor, rstd: Tensor, mask: [UInt8]) {
            let out = Tensor(zeros: [N, C]), normalized = Tensor(zeros: [N, C]), rstd = Tensor(zeros: [N])
            var mask = [UInt8](repeating: 9, count: N * C)
            embeddingLayerNormDropoutForward(
                out: out.data, normalized: normalized.data, rstd: rstd.data, mask: &mask, inputIds: ids, tokenTypeIds: typeIds,
                wordEmbeddings: words.data, positionEmbeddings: positions.data, tokenTypeEmbeddings: types.data,
                weight: weight.data, bias: bias.data, B: B, T: T, C: C, eps: Self.eps, dropout: Self.dropout, threads: threads)
            return (out, normalized, rstd, mask)
        }
        let result = fused(threads)
        #expect(result.mask == maskRef)
        #expect(maskRef.contains(0) && maskRef.contains(1), "dropout 0.25 over \(N * C) elements drops some and keeps some")
        Self.expectClose("out", result.out, expected, .forward)
        Self.expectClose("normalized", result.normalized, normalizedRef, .forward)
        Self.expectClose("rstd", result.rstd, rstdRef, .forward)
        Self.expectThreadInvariant("embeddingLayerNormDropoutForward") { fused($0).out.array }
    }

    @Test(arguments: [1, 2])
    func biasDropoutResidualLayerNormForwardMatchesReference(threads: Int) {
        let (C, N) = (Self.C, Self.N)
        let dense = Self.normal([N, C], stream: 10), denseBias = Self.normal([C], stream: 11, std: 0.3)
        let residual = Self.normal([N, C], stream: 12)
        let weight = Self.normal([C], stream: 13, mean: 1, std: 0.2), bias = Self.normal([C], stream: 14, std: 0.2)

        // addBias → dropoutForward → residualForward → layerNormForward
        let biased = dense.copy(), dropped = Tensor(zeros: [N, C]), summed = Tensor(zeros: [N, C])
        let expected = Tensor(zeros: [N, C]), normalizedRef = Tensor(zeros: [N, C]), rstdRef = Tensor(zeros: [N])
        var maskRef = [UInt8](repeating: 9, count: N * C)
        addBias(biased.data, denseBias.data, N: N, O: C)
        dropoutForward(out: dropped.data, mask: &maskRef, input: biased.data, N: N * C, dropout: Self.dropout)
        residualForward(out: summed.data, a: dropped.data, b: residual.data, N: N * C)
        layerNormForward(out: expected.data, normalized: normalizedRef.data, rstd: rstdRef.data, input: summed.data,
                         weight: weight.data, bias: bias.data, N: N, C: C, eps: Self.eps)

        func fused(_ threads: Int) -> (out: Tensor, normalized: Tensor, rstd: Tensor, mask: [UInt8]) {
            let out = Tensor(zeros: [N, C]), normalized = Tensor(zeros: [N, C]), rstd = Tensor(zeros: [N])
            var mask = [UInt8](repeating: 9, count: N * C)
            biasDropoutResidualLayerNormForward(
                out: out.data, normalized: normalized.data, rstd: rstd.data, mask: &mask, dense: dense.data,
                denseBias: denseBias.data, residual: residual.data, weight: weight.data, bias: bias.data,
                N: N, C: C, eps: Self.eps, dropout: Self.dropout, threads: threads)
            return (out, normalized, rstd, mask)
        }
        let result = fused(threads)
        #expect(result.mask == maskRef)
        Self.expectClose("out", result.out, expected, .forward)
        Self.expectClose("normalized", result.normalized, normalizedRef, .forward)
        Self.expectClose("rstd", result.rstd, rstdRef, .forward)
        Self.expectThreadInvariant("biasDropoutResidualLayerNormForward") { fused($0).out.array }
    }

    /// Both placements of the dropout: before the residual (dDense and its bias's sums) and after the LayerNorm
    /// (the embeddings' `inputMask`). The column sums accumulate onto what the gradients already hold.
    @Test(arguments: [(1, false), (2, false), (1, true), (2, true)])
    func layerNormDropoutBackwardMatchesReference(threads: Int, maskAfterLayerNorm: Bool) {
        let (C, N) = (Self.C, Self.N)
        let input = Self.normal([N, C], stream: 20), dOut = Self.normal([N, C], stream: 21)
        let weight = Self.normal([C], stream: 22, mean: 1, std: 0.2), bias = Self.normal([C], stream: 23, std: 0.2)
        let normalized = Tensor(zeros: [N, C]), rstd = Tensor(zeros: [N]), scratch = Tensor(zeros: [N, C])
        layerNormForward(out: scratch.data, normalized: normalized.data, rstd: rstd.data, input: input.data,
                         weight: weight.data, bias: bias.data, N: N, C: C, eps: Self.eps)
        var mask = [UInt8](repeating: 0, count: N * C)
        Self.dropout.fill(&mask, start: 0, count: N * C)
        let startWeight = Self.normal([C], stream: 24), startBias = Self.normal([C], stream: 25)
        let startDenseBias = Self.normal([C], stream: 26)

        // Reference: (dropoutBackward →) layerNormBackward (→ dropoutBackward, and the dense bias's column sums).
        let dResidualRef = Tensor(zeros: [N, C]), dDenseRef = Tensor(zeros: [N, C])
        let dWeightRef = startWeight.copy(), dBiasRef = startBias.copy(), dDenseBiasRef = startDenseBias.copy()
        let gradientIn = Tensor(zeros: [N, C])
        if maskAfterLayerNorm {
            dropoutBackward(dInput: gradientIn.data, dOut: dOut.data, mask: mask, N: N * C, scale: Self.dropout.scale, accumulate: false)
        } else {
            gradientIn.data.update(from: dOut.data, count: N * C)
        }
        layerNormBackward(dInput: dResidualRef.data, dWeight: dWeightRef.data, dBias: dBiasRef.data, dOut: gradientIn.data,
                          normalized: normalized.data, rstd: rstd.data, weight: weight.data, N: N, C: C, accumulate: false)
        if maskAfterLayerNorm {
            accumulateColumnSums(dDenseBiasRef.data, dResidualRef.data, N: N, O: C)
        } else {
            dropoutBackward(dInput: dDenseRef.data, dOut: dResidualRef.data, mask: mask, N: N * C, scale: Self.dropout.scale,
                            accumulate: false)
            accumulateColumnSums(dDenseBiasRef.data, dDenseRef.data, N: N, O: C)
        }

        func fused(_ threads: Int) -> (dResidual: Tensor, dDense: Tensor, dWeight: Tensor, dBias: Tensor, dDenseBias: Tensor) {
            let dResidual = Tensor(zeros: [N, C]), dDense = Tensor(zeros: [N, C])
            let dWeight = startWeight.copy(), dBias = startBias.copy(), dDenseBias = startDenseBias.copy()
            let partials = Tensor(zeros: [fusedBlockCount(N), 3, C])
            mask.withUnsafeBufferPointer { mask in
                layerNormDropoutBackward(
                    dResidual: dResidual.data, dDense: maskAfterLayerNorm ? nil : dDense.data, partials: partials.data,
                    dWeight: dWeight.data, dBias: dBias.data, dDenseBias: dDenseBias.data, dOut: dOut.data,
                    normalized: normalized.data, rstd: rstd.data, weight: weight.data,
                    mask: maskAfterLayerNorm ? nil : mask.baseAddress, inputMask: maskAfterLayerNorm ? mask.baseAddress : nil,
                    scale: Self.dropout.scale, N: N, C: C, threads: threads)
            }
            return (dResidual, dDense, dWeight, dBias, dDenseBias)
        }
        let result = fused(threads)
        Self.expectClose("dResidual", result.dResidual, dResidualRef, .gradient)
        if !maskAfterLayerNorm { Self.expectClose("dDense", result.dDense, dDenseRef, .gradient) }
        Self.expectClose("dWeight", result.dWeight, dWeightRef, .gradient)
        Self.expectClose("dBias", result.dBias, dBiasRef, .gradient)
        Self.expectClose("dDenseBias", result.dDenseBias, dDenseBiasRef, .gradient)
        Self.expectThreadInvariant("layerNormDropoutBackward") { threads in
            let r = fused(threads)
            return r.dResidual.array + r.dDense.array + r.dWeight.array + r.dBias.array + r.dDenseBias.array
        }
    }

    @Test(arguments: [1, 2])
    func biasGELUForwardMatchesReference(threads: Int) {
        let (F, N) = (Self.F, Self.N)
        let dense = Self.normal([N, F], stream: 30, std: 2), bias = Self.normal([F], stream: 31, std: 0.5)
        // addBias → geluForward
        let preRef = dense.copy(), actRef = Tensor(zeros: [N, F])
        addBias(preRef.data, bias.data, N: N, O: F)
        geluForward(out: actRef.data, input: preRef.data, N: N * F)

        func fused(_ threads: Int) -> (pre: Tensor, act: Tensor) {
            let pre = dense.copy(), act = Tensor(zeros: [N, F])
            biasGELUForward(act: act.data, pre: pre.data, bias: bias.data, N: N, F: F, threads: threads)
            return (pre, act)
        }
        let result = fused(threads)
        Self.expectClose("pre (bias added in place)", result.pre, preRef, .exact)
        // The fast GELU's error bound (FusedPathTests.fastGELUIsAccurate): 4e-6 relative, 1e-7·|x| absolute.
        Self.expectClose("act", result.act, actRef, Tolerance(atol: 1e-6, rtol: 1e-5))
        Self.expectThreadInvariant("biasGELUForward") { fused($0).act.array }
    }

    @Test(arguments: [1, 2])
    func geluBiasBackwardMatchesReference(threads: Int) {
        let (F, N) = (Self.F, Self.N)
        let pre = Self.normal([N, F], stream: 40, std: 2), dAct = Self.normal([N, F], stream: 41)
        let startBias = Self.normal([F], stream: 42)
        // geluBackward → the bias's column sums
        let dPreRef = Tensor(zeros: [N, F]), dBiasRef = startBias.copy()
        geluBackward(dInput: dPreRef.data, dOut: dAct.data, input: pre.data, N: N * F)
        accumulateColumnSums(dBiasRef.data, dPreRef.data, N: N, O: F)

        func fused(_ threads: Int) -> (dPre: Tensor, dBias: Tensor) {
            let d = dAct.copy(), dBias = startBias.copy(), partials = Tensor(zeros: [fusedBlockCount(N), F])
            geluBiasBackward(d: d.data, partials: partials.data, dBias: dBias.data, pre: pre.data, N: N, F: F, threads: threads)
            return (d, dBias)
        }
        let result = fused(threads)
        Self.expectClose("dPre", result.dPre, dPreRef, Tolerance(atol: 1e-6, rtol: 1e-5))
        Self.expectClose("dBias", result.dBias, dBiasRef, .gradient)
        Self.expectThreadInvariant("geluBiasBackward") { threads in
            let r = fused(threads)
            return r.dPre.array + r.dBias.array
        }
    }
}
