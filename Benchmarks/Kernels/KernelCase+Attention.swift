import FTFTBenchmarkSupport
import FTFTEncoder
import FTFTTensors
import FTFTTestSupport

/// Buffers of one self-attention call on B sequences (see Kernels+Attention.swift for the formulas). Batch row 1
/// has its last 28 tokens padded, so masking is exercised; dropout 0.1 at step 0, site 1.
final class AttentionBuffers: @unchecked Sendable {
    let shape: AttentionShape
    let q0: Tensor, k0: Tensor, v0: Tensor            // [B,T,C] projections without bias (pristine)
    let q: Tensor, k: Tensor, v: Tensor               // [B,T,C] working copies (the fused forward adds bias in place)
    let qBias: Tensor, kBias: Tensor, vBias: Tensor   // [C]
    let keyMask: [UInt8]                              // [B,T]
    let out: Tensor                                   // [B,T,C] context
    let p: Tensor, pd: Tensor                         // [B,NH,T,T]
    let mask: UnsafeMutablePointer<UInt8>             // [B,NH,T,T]
    let dContext: Tensor                              // [B,T,C]
    let dq: Tensor, dk: Tensor, dv: Tensor            // [B,T,C]
    let dScores: Tensor                               // [B,NH,T,T]
    let partials: Tensor                              // [B,3,C]
    let dqBias: Tensor, dkBias: Tensor, dvBias: Tensor  // [C]
    let dropout = DropoutMask(random: SeededRandom(seed: 5), step: 0, site: 1, probability: 0.1)

    init(B: Int) {
        let (T, C, NH) = (Dimensions.T, Dimensions.C, Dimensions.NH)
        shape = AttentionShape(B: B, T: T, C: C, NH: NH)
        func activations() -> Tensor { Tensor(zeros: [B, T, C]) }
        (q0, k0, v0, q, k, v) = (activations(), activations(), activations(), activations(), activations(), activations())
        (out, dContext, dq, dk, dv) = (activations(), activations(), activations(), activations(), activations())
        Fill.uniform(q0, seed: 21); Fill.uniform(k0, seed: 22); Fill.uniform(v0, seed: 23); Fill.uniform(dContext, seed: 24)
        (qBias, kBias, vBias) = (Tensor(zeros: [C]), Tensor(zeros: [C]), Tensor(zeros: [C]))
        Fill.normal(qBias, seed: 25, std: 0.02); Fill.normal(kBias, seed: 26, std: 0.02); Fill.normal(vBias, seed: 27, std: 0.02)
        (dqBias, dkBias, dvBias) = (Tensor(zeros: [C]), Tensor(zeros: [C]), Tensor(zeros: [C]))
        var keyMask = [UInt8](repeating: 1, count: B * T)
        if B > 1 { for t in (T - 28)..<T { keyMask[T + t] = 0 } }
        self.keyMask = keyMask
        (p, pd, dScores) = (Tensor(zeros: [B, NH, T, T]), Tensor(zeros: [B, NH, T, T]), Tensor(zeros: [B, NH, T, T]))
        mask = .allocate(capacity: shape.probabilityCount)
        mask.initialize(repeating: 0, count: shape.probabilityCount)
        partials = Tensor(zeros: [B, 3, C])
        restoreProjections()
    }

    deinit { mask.deallocate() }

    func restoreProjections() {
        q.data.update(from: q0.data, count: q0.count)
        k.data.update(from: k0.data, count: k0.count)
        v.data.update(from: v0.data, count: v0.count)
    }

    func fusedForward(_ context: ComputeContext) {
        keyMask.withUnsafeBufferPointer { keyMask in
            attentionFusedForward(context: out.data, probabilities: p.data, droppedProbabilities: pd.data, dropoutMask: mask,
                                  query: q.data, key: k.data, value: v.data, queryBias: qBias.data, keyBias: kBias.data,
                                  valueBias: vBias.data, keyMask: keyMask.baseAddress!, shape: shape, dropout: dropout,
                                  context: context)
        }
    }

    func fusedBackward(_ context: ComputeContext) {
        attentionFusedBackward(dQuery: dq.data, dKey: dk.data, dValue: dv.data, dQueryBias: dqBias.data,
                               dKeyBias: dkBias.data, dValueBias: dvBias.data, dScores: dScores.data,
                               partials: partials.data, dContext: dContext.data, probabilities: p.data,
                               droppedProbabilities: pd.data, query: q.data, key: k.data, value: v.data, shape: shape,
                               context: context)
    }

    /// The forward through the reference kernels on the naive GEMM, with the biases added beforehand (the fused
    /// forward adds them itself). Returns (context, P, Pd, mask) and leaves q, k, v holding projection + bias.
    func referenceForward() -> (Tensor, Tensor, Tensor, [UInt8]) {
        restoreProjections()
        for (matrix, bias) in [(q, qBias), (k, kBias), (v, vBias)] { addBias(matrix.data, bias.data, N: shape.B * shape.T, O: shape.C) }
        let (rOut, rP, rPd) = (Tensor(zeros: out.shape), Tensor(zeros: p.shape), Tensor(zeros: p.shape))
        var rMask = [UInt8](repeating: 0, count: shape.probabilityCount)
        keyMask.withUnsafeBufferPointer { keyMask in
            rMask.withUnsafeMutableBufferPointer { rMask in
                attentionForward(context: rOut.data, probabilities: rP.data, droppedProbabilities: rPd.data,
                                 dropoutMask: rMask.baseAddress!, query: q.data, key: k.data, value: v.data,
                                 keyMask: keyMask.baseAddress!, shape: shape, dropout: dropout,
                                 context: ComputeContext(backend: .naive))
            }
        }
        return (rOut, rP, rPd, rMask)
    }
}

/// `attentionFusedForward` (biases, scaled scores, masked softmax, dropout, context; threaded over batch·heads
/// with single-threaded BLAS) against `attentionForward` on the naive GEMM. 4·B·T²·C GEMM FLOPs.
final class AttentionForwardCase: KernelCase, @unchecked Sendable {
    let timed = AttentionBuffers(B: Dimensions.B)
    let counter = FLOPCounter()

    init() {
        let (B, T, C) = (Double(Dimensions.B), Double(Dimensions.T), Double(Dimensions.C))
        super.init(name: "attention forward", work: .flops(4 * B * T * T * C))
    }

    override func prepareSample() { timed.restoreProjections(); counter.reset() }
    override func run(threads: Int) { timed.fusedForward(ComputeContext(flops: counter, backend: .blas, threads: threads)) }
    override func checkSample() throws {
        let s = timed.shape
        try Check.counted(name, counter, expected: 4 * Int64(s.B) * Int64(s.T) * Int64(s.T) * Int64(s.C))
    }

    override func validate(threads: Int) throws {
        let small = AttentionBuffers(B: Dimensions.validationB)
        let (rOut, rP, rPd, rMask) = small.referenceForward()
        small.restoreProjections()
        small.fusedForward(ComputeContext(backend: .blas, threads: threads))
        try Check.close("attention context", small.out.data, rOut.data, count: rOut.count, .forward)
        try Check.close("attention P", small.p.data, rP.data, count: rP.count, .forward)
        try Check.close("attention Pd", small.pd.data, rPd.data, count: rPd.count, .forward)
        try rMask.withUnsafeBufferPointer { try Check.equal("attention dropout mask", small.mask, $0.baseAddress!, count: rMask.count) }
        prepareSample(); run(threads: threads); try checkSample()
    }
}

/// `attentionFusedBackward` against `attentionBackward` on the naive GEMM (and its bias gradients against column
/// sums of the reference dQ, dK, dV). 8·B·T²·C GEMM FLOPs.
final class AttentionBackwardCase: KernelCase, @unchecked Sendable {
    let timed = AttentionBuffers(B: Dimensions.B)
    let counter = FLOPCounter()

    init() {
        let (B, T, C) = (Double(Dimensions.B), Double(Dimensions.T), Double(Dimensions.C))
        super.init(name: "attention backward", work: .flops(8 * B * T * T * C))
        timed.fusedForward(ComputeContext(backend: .blas, threads: 1))
    }

    override func prepareSample() { counter.reset() }
    override func run(threads: Int) { timed.fusedBackward(ComputeContext(flops: counter, backend: .blas, threads: threads)) }
    override func checkSample() throws {
        let s = timed.shape
        try Check.counted(name, counter, expected: 8 * Int64(s.B) * Int64(s.T) * Int64(s.T) * Int64(s.C))
    }

    override func validate(threads: Int) throws {
        let small = AttentionBuffers(B: Dimensions.validationB)
        let (_, rP, rPd, rMask) = small.referenceForward()   // q, k, v now include their bias
        let s = small.shape
        let (rdq, rdk, rdv, scratch) = (Tensor(zeros: small.dq.shape), Tensor(zeros: small.dk.shape),
                                        Tensor(zeros: small.dv.shape), Tensor(zeros: small.p.shape))
        rMask.withUnsafeBufferPointer { rMask in
            attentionBackward(dQuery: rdq.data, dKey: rdk.data, dValue: rdv.data, dScores: scratch.data,
                              dContext: small.dContext.data, probabilities: rP.data, droppedProbabilities: rPd.data,
                              dropoutMask: rMask.baseAddress!, query: small.q.data, key: small.k.data, value: small.v.data,
                              shape: s, dropout: small.dropout, context: ComputeContext(backend: .naive))
        }
        small.p.data.update(from: rP.data, count: rP.count)
        small.pd.data.update(from: rPd.data, count: rPd.count)
        small.fusedBackward(ComputeContext(backend: .blas, threads: threads))
        try Check.close("attention dQ", small.dq.data, rdq.data, count: rdq.count, .gradient)
        try Check.close("attention dK", small.dk.data, rdk.data, count: rdk.count, .gradient)
        try Check.close("attention dV", small.dv.data, rdv.data, count: rdv.count, .gradient)
        // Bias gradients: per (b, h) a chain of T additions, then the B partial rows in order.
        for (name, fused, terms) in [("dQ bias", small.dqBias, small.dq), ("dK bias", small.dkBias, small.dk),
                                     ("dV bias", small.dvBias, small.dv)] {
            let (values, C) = (terms.data, s.C)
            try Check.columnSums("attention \(name)", fused.data, N: s.B * s.T, O: C, additionChain: s.T + s.B) { Double(values[$0 * C + $1]) }
        }
        prepareSample(); run(threads: threads); try checkSample()
    }
}
