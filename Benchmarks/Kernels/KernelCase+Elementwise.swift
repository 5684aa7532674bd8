import FTFTBenchmarkSupport
import FTFTEncoder
import FTFTTensors
import FTFTTestSupport

// The bandwidth-bound kernels of the fast path, each validated against (and timed beside) the reference kernels
// it replaces, on the timed shape itself. Byte counts are the minimum traffic: every buffer read or written once
// (4 bytes per float, 1 per mask byte), as STREAM counts.

private let hiddenDropout = DropoutMask(random: SeededRandom(seed: 31), step: 0, site: 2, probability: 0.1)

/// `maskedSoftmaxFastForward` (the row pass of the fused attention) against `maskedSoftmaxForward` (Double), on
/// the B·NH·T rows of T scores of one attention layer; 28 of the 128 keys are padding.
final class SoftmaxCase: KernelCase, @unchecked Sendable {
    static let (R, T) = (Dimensions.B * Dimensions.NH * Dimensions.T, Dimensions.T)
    let scores0 = Tensor(zeros: [SoftmaxCase.R, SoftmaxCase.T]), scores = Tensor(zeros: [SoftmaxCase.R, SoftmaxCase.T])
    let keyMask: [UInt8] = (0..<SoftmaxCase.T).map { $0 < SoftmaxCase.T - 28 ? 1 : 0 }

    init() {
        super.init(name: "softmax", work: .bytes(8 * Double(Self.R * Self.T)))
        Fill.normal(scores0, seed: 41, std: 2)
    }

    override func prepareSample() { scores.data.update(from: scores0.data, count: scores0.count) }
    override func run(threads: Int) {
        keyMask.withUnsafeBufferPointer { maskedSoftmaxFastForward(scores.data, keyMask: $0.baseAddress!, R: Self.R, T: Self.T, threads: threads) }
    }

    override func validate(threads: Int) throws {
        let expected = Tensor(zeros: scores.shape)
        referenceSeconds = wallSeconds {
            keyMask.withUnsafeBufferPointer { maskedSoftmaxForward(out: expected.data, input: scores0.data, keyMask: $0.baseAddress!, R: Self.R, T: Self.T) }
        }
        prepareSample(); run(threads: threads)
        try Check.close(name, scores.data, expected.data, count: expected.count, .forward)
    }
}

/// `biasDropoutResidualLayerNormForward` (training, dropout 0.1) against addBias → dropoutForward →
/// residualForward → layerNormForward, on [N,C].
final class LayerNormForwardCase: KernelCase, @unchecked Sendable {
    static let (N, C) = (Dimensions.N, Dimensions.C)
    let dense = Tensor(zeros: [Dimensions.N, Dimensions.C]), residual = Tensor(zeros: [Dimensions.N, Dimensions.C])
    let denseBias = Tensor(zeros: [Dimensions.C]), weight = Tensor(zeros: [Dimensions.C]), bias = Tensor(zeros: [Dimensions.C])
    let out = Tensor(zeros: [Dimensions.N, Dimensions.C]), normalized = Tensor(zeros: [Dimensions.N, Dimensions.C])
    let rstd = Tensor(zeros: [Dimensions.N])
    let maskBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: Dimensions.N * Dimensions.C)   // [N,C]

    init() {
        // Reads dense and residual, writes out, x̂ (floats), the mask (bytes) and rstd.
        super.init(name: "layernorm forward", work: .bytes(Double(Self.N * Self.C) * (4 * 4 + 1) + 4 * Double(Self.N)))
        Fill.uniform(dense, seed: 51); Fill.uniform(residual, seed: 52); Fill.normal(denseBias, seed: 53, std: 0.02)
        Fill.uniform(weight, seed: 54, low: 0.8, high: 1.2); Fill.normal(bias, seed: 55, std: 0.02)
        maskBytes.initialize(repeating: 0, count: Self.N * Self.C)
    }

    deinit { maskBytes.deallocate() }

    override func run(threads: Int) {
        biasDropoutResidualLayerNormForward(out: out.data, normalized: normalized.data, rstd: rstd.data, mask: maskBytes,
                                            dense: dense.data, denseBias: denseBias.data, residual: residual.data,
                                            weight: weight.data, bias: bias.data, N: Self.N, C: Self.C, eps: 1e-12,
                                            dropout: hiddenDropout, threads: threads)
    }

    override func validate(threads: Int) throws {
        let count = Self.N * Self.C
        let (sum, dropped, rOut, rNormalized, rRstd) = (dense.copy(), Tensor(zeros: [count]), Tensor(zeros: [count]),
                                                        Tensor(zeros: [count]), Tensor(zeros: [Self.N]))
        var rMask = [UInt8](repeating: 0, count: count)
        referenceSeconds = wallSeconds {
            addBias(sum.data, denseBias.data, N: Self.N, O: Self.C)
            rMask.withUnsafeMutableBufferPointer {
                dropoutForward(out: dropped.data, mask: $0.baseAddress!, input: sum.data, N: count, dropout: hiddenDropout)
            }
            residualForward(out: dropped.data, a: dropped.data, b: residual.data, N: count)
            layerNormForward(out: rOut.data, normalized: rNormalized.data, rstd: rRstd.data, input: dropped.data,
                             weight: weight.data, bias: bias.data, N: Self.N, C: Self.C, eps: 1e-12)
        }
        run(threads: threads)
        try Check.close("layernorm out", out.data, rOut.data, count: count, .forward)
        try Check.close("layernorm x̂", normalized.data, rNormalized.data, count: count, .forward)
        try Check.close("layernorm rstd", rstd.data, rRstd.data, count: Self.N, .forward)
        try rMask.withUnsafeBufferPointer { try Check.equal("layernorm dropout mask", maskBytes, $0.baseAddress!, count: count) }
    }
}

/// `layerNormDropoutBackward` (LayerNorm backward, then the dropout in front of it, plus the three column sums)
/// against layerNormBackward → dropoutBackward → accumulateColumnSums, on [N,C].
final class LayerNormBackwardCase: KernelCase, @unchecked Sendable {
    let forward = LayerNormForwardCase()
    static let (N, C) = (Dimensions.N, Dimensions.C)
    let dOut = Tensor(zeros: [Dimensions.N, Dimensions.C]), dResidual = Tensor(zeros: [Dimensions.N, Dimensions.C])
    let dDense = Tensor(zeros: [Dimensions.N, Dimensions.C])
    let partials = Tensor(zeros: [fusedBlockCount(Dimensions.N), 3, Dimensions.C])
    let dWeight = Tensor(zeros: [Dimensions.C]), dBias = Tensor(zeros: [Dimensions.C]), dDenseBias = Tensor(zeros: [Dimensions.C])

    init() {
        // Reads dOut, x̂ (floats), the mask (bytes) and rstd; writes dResidual and dDense.
        super.init(name: "layernorm backward", work: .bytes(Double(Self.N * Self.C) * (4 * 4 + 1) + 4 * Double(Self.N)))
        forward.run(threads: 1)
        Fill.uniform(dOut, seed: 56)
    }

    override func prepareSample() { dWeight.zero(); dBias.zero(); dDenseBias.zero() }
    override func run(threads: Int) {
        layerNormDropoutBackward(dResidual: dResidual.data, dDense: dDense.data, partials: partials.data,
                                 dWeight: dWeight.data, dBias: dBias.data, dDenseBias: dDenseBias.data, dOut: dOut.data,
                                 normalized: forward.normalized.data, rstd: forward.rstd.data, weight: forward.weight.data,
                                 mask: forward.maskBytes, inputMask: nil, scale: hiddenDropout.scale, N: Self.N, C: Self.C,
                                 threads: threads)
    }

    override func validate(threads: Int) throws {
        let count = Self.N * Self.C
        let (rResidual, rDense) = (Tensor(zeros: [count]), Tensor(zeros: [count]))
        let (rWeight, rBias, rDenseBias) = (Tensor(zeros: [Self.C]), Tensor(zeros: [Self.C]), Tensor(zeros: [Self.C]))
        referenceSeconds = wallSeconds {
            layerNormBackward(dInput: rResidual.data, dWeight: rWeight.data, dBias: rBias.data, dOut: dOut.data,
                              normalized: forward.normalized.data, rstd: forward.rstd.data, weight: forward.weight.data,
                              N: Self.N, C: Self.C, accumulate: false)
            dropoutBackward(dInput: rDense.data, dOut: rResidual.data, mask: forward.maskBytes, N: count,
                            scale: hiddenDropout.scale, accumulate: false)
            accumulateColumnSums(rDenseBias.data, rDense.data, N: Self.N, O: Self.C)
        }
        prepareSample(); run(threads: threads)
        try Check.close("layernorm dx", dResidual.data, rResidual.data, count: count, .gradient)
        try Check.close("layernorm dx through dropout", dDense.data, rDense.data, count: count, .gradient)
        // Column sums: rows in blocks of `fusedBlockRows`, then the block partials in order.
        let chain = fusedBlockRows + fusedBlockCount(Self.N)
        let (dy, xh, dd) = (dOut.data, forward.normalized.data, dDense.data)
        try Check.columnSums("layernorm dweight", dWeight.data, N: Self.N, O: Self.C, additionChain: chain,
                             roundedProducts: true) { Double(dy[$0 * Self.C + $1]) * Double(xh[$0 * Self.C + $1]) }
        try Check.columnSums("layernorm dbias", dBias.data, N: Self.N, O: Self.C, additionChain: chain) { Double(dy[$0 * Self.C + $1]) }
        try Check.columnSums("dense dbias", dDenseBias.data, N: Self.N, O: Self.C, additionChain: chain) { Double(dd[$0 * Self.C + $1]) }
    }
}

/// `biasGELUForward` (bias added in place, fast erf) against addBias → geluForward (Double erfc), on [N,F].
/// Pre-activations ~ N(0, 1.5²), so the tails (outside the fast path's central region) are common, as with
/// pretrained weights.
final class GELUForwardCase: KernelCase, @unchecked Sendable {
    static let (N, F) = (Dimensions.N, Dimensions.F)
    let pre0 = Tensor(zeros: [Dimensions.N, Dimensions.F]), pre = Tensor(zeros: [Dimensions.N, Dimensions.F])
    let act = Tensor(zeros: [Dimensions.N, Dimensions.F]), bias = Tensor(zeros: [Dimensions.F])

    init() {
        super.init(name: "gelu forward", work: .bytes(12 * Double(Self.N * Self.F)))   // read pre; write pre, act
        Fill.normal(pre0, seed: 61, std: 1.5); Fill.normal(bias, seed: 62, std: 0.02)
    }

    override func prepareSample() { pre.data.update(from: pre0.data, count: pre0.count) }
    override func run(threads: Int) { biasGELUForward(act: act.data, pre: pre.data, bias: bias.data, N: Self.N, F: Self.F, threads: threads) }

    override func validate(threads: Int) throws {
        let (sum, expected) = (pre0.copy(), Tensor(zeros: pre.shape))
        referenceSeconds = wallSeconds {
            addBias(sum.data, bias.data, N: Self.N, O: Self.F)
            geluForward(out: expected.data, input: sum.data, N: Self.N * Self.F)
        }
        prepareSample(); run(threads: threads)
        try Check.close("gelu pre + bias", pre.data, sum.data, count: sum.count, .forward)
        try Check.close("gelu", act.data, expected.data, count: expected.count, .forward)
    }
}

/// `geluBiasBackward` against geluBackward → accumulateColumnSums, on [N,F].
final class GELUBackwardCase: KernelCase, @unchecked Sendable {
    static let (N, F) = (Dimensions.N, Dimensions.F)
    let pre = Tensor(zeros: [Dimensions.N, Dimensions.F]), d0 = Tensor(zeros: [Dimensions.N, Dimensions.F])
    let d = Tensor(zeros: [Dimensions.N, Dimensions.F])
    let partials = Tensor(zeros: [fusedBlockCount(Dimensions.N), Dimensions.F]), dBias = Tensor(zeros: [Dimensions.F])

    init() {
        super.init(name: "gelu backward", work: .bytes(12 * Double(Self.N * Self.F)))   // read d, pre; write d
        Fill.normal(pre, seed: 63, std: 1.5); Fill.uniform(d0, seed: 64)
    }

    override func prepareSample() { d.data.update(from: d0.data, count: d0.count); dBias.zero() }
    override func run(threads: Int) {
        geluBiasBackward(d: d.data, partials: partials.data, dBias: dBias.data, pre: pre.data, N: Self.N, F: Self.F, threads: threads)
    }

    override func validate(threads: Int) throws {
        let (expected, sums) = (Tensor(zeros: d.shape), Tensor(zeros: [Self.F]))
        referenceSeconds = wallSeconds {
            geluBackward(dInput: expected.data, dOut: d0.data, input: pre.data, N: Self.N * Self.F)
            accumulateColumnSums(sums.data, expected.data, N: Self.N, O: Self.F)   // timed as the reference does it
        }
        prepareSample(); run(threads: threads)
        try Check.close("gelu dx", d.data, expected.data, count: expected.count, .gradient)
        let dd = d.data
        try Check.columnSums("gelu dbias", dBias.data, N: Self.N, O: Self.F,
                             additionChain: fusedBlockRows + fusedBlockCount(Self.N)) { Double(dd[$0 * Self.F + $1]) }
    }
}

/// `dropoutForward` (vectorised Philox mask, then the scaling) against one scalar Philox word per element
/// (`DropoutMask.keeps(i)`), on one layer's [B,NH,T,T] attention probabilities. Single-threaded kernel.
final class DropoutCase: KernelCase, @unchecked Sendable {
    static let count = Dimensions.B * Dimensions.NH * Dimensions.T * Dimensions.T
    let input = Tensor(zeros: [DropoutCase.count]), out = Tensor(zeros: [DropoutCase.count])
    let mask = UnsafeMutablePointer<UInt8>.allocate(capacity: DropoutCase.count)
    let dropout = DropoutMask(random: SeededRandom(seed: 71), step: 3, site: 4, probability: 0.1)

    init() {
        super.init(name: "dropout forward", work: .bytes(9 * Double(Self.count)), threadCounts: [1])  // read x; write y, mask
        Fill.uniform(input, seed: 72)
        mask.initialize(repeating: 0, count: Self.count)
    }

    deinit { mask.deallocate() }

    override func run(threads: Int) { dropoutForward(out: out.data, mask: mask, input: input.data, N: Self.count, dropout: dropout) }

    override func validate(threads: Int) throws {
        let expected = Tensor(zeros: [Self.count])
        var kept = [UInt8](repeating: 0, count: Self.count)
        referenceSeconds = wallSeconds {
            for i in 0..<Self.count {
                let keep = dropout.keeps(i)
                kept[i] = keep ? 1 : 0
                expected[i] = keep ? input[i] * dropout.scale : 0
            }
        }
        run(threads: threads)
        try kept.withUnsafeBufferPointer { try Check.equal("dropout mask", mask, $0.baseAddress!, count: Self.count) }
        try Check.close("dropout output", out.data, expected.data, count: Self.count, .exact)
    }
}
