import FTFTTensors

// Linear layer, torch.nn.Linear convention: y = x · Wᵀ + b with W stored [O, I] (out, in), row-major.
//
//     forward:   y[N,O] = x[N,I] · W[O,I]ᵀ + b[O]
//     backward:  dx[N,I] (+)= dy[N,O] · W[O,I]
//                dW[O,I]  += dy[N,O]ᵀ · x[N,I]
//                db[O]    += Σ_n dy[n,:]
//
// Both matrix products go through the counted `gemm`, so forward costs 2·N·I·O FLOPs and backward twice that
// (when dx is wanted). Bias gradients are plain column sums, not GEMMs, so they are not counted.

/// Forward: y = x·Wᵀ (+ b).
public func linearForward(
    out: UnsafeMutablePointer<Float>,   // [N,O]
    input: UnsafePointer<Float>,        // [N,I]
    weight: UnsafePointer<Float>,       // [O,I]
    bias: UnsafePointer<Float>?,        // [O] or nil
    N: Int, I: Int, O: Int,
    context: ComputeContext
) {
    gemm(context, transA: false, transB: true, m: N, n: O, k: I,
         a: input, lda: I, b: weight, ldb: I, beta: 0, c: out, ldc: O)
    if let bias { addBias(out, bias, N: N, O: O) }
}

/// Backward: dx is overwritten (or added to with `accumulateInput`) unless nil; dW and db are ACCUMULATED.
public func linearBackward(
    dInput: UnsafeMutablePointer<Float>?,  // [N,I] or nil when the input needs no gradient
    dWeight: UnsafeMutablePointer<Float>,  // [O,I], accumulated
    dBias: UnsafeMutablePointer<Float>?,   // [O], accumulated
    dOut: UnsafePointer<Float>,            // [N,O]
    input: UnsafePointer<Float>,           // [N,I]
    weight: UnsafePointer<Float>,          // [O,I]
    N: Int, I: Int, O: Int,
    accumulateInput: Bool,
    context: ComputeContext
) {
    if let dInput {
        gemm(context, transA: false, transB: false, m: N, n: I, k: O,
             a: dOut, lda: O, b: weight, ldb: I, beta: accumulateInput ? 1 : 0, c: dInput, ldc: I)
    }
    gemm(context, transA: true, transB: false, m: O, n: I, k: N,
         a: dOut, lda: O, b: input, ldb: I, beta: 1, c: dWeight, ldc: I)
    if let dBias { accumulateColumnSums(dBias, dOut, N: N, O: O) }
}

/// out[n,:] += bias for every row.
public func addBias(_ out: UnsafeMutablePointer<Float>, _ bias: UnsafePointer<Float>, N: Int, O: Int) {
    for n in 0..<N {
        let row = out + n * O
        for o in 0..<O { row[o] += bias[o] }
    }
}

/// sums[o] += Σ_n matrix[n,o], each column summed in Double in row order (the reference).
public func accumulateColumnSums(_ sums: UnsafeMutablePointer<Float>, _ matrix: UnsafePointer<Float>, N: Int, O: Int) {
    for o in 0..<O {
        var s = 0.0
        for n in 0..<N { s += Double(matrix[n * O + o]) }
        sums[o] += Float(s)
    }
}
