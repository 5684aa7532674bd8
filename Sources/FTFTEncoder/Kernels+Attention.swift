import FTFTTensors

// Multi-head self-attention of Hugging Face `BertSelfAttention` (eager), after the Q, K, V projections:
//
//     for every batch row b and head h (head h owns channels h·HS ..< (h+1)·HS of q, k, v):
//       S  = Q_bh · K_bhᵀ · (1/√HS)                   [T,T]
//       P  = maskedSoftmax(S, keyMask_b)              [T,T]   padded keys get probability exactly 0
//       Pd = dropout(P)                               [T,T]   site DropoutSite.attentionProbabilities(layer)
//       context_bh = Pd · V_bh                        [T,HS]  written into channels of head h
//
// q, k, v and context stay in [B,T,C] layout: head h of row (b,t) is a strided slice (row stride C), which
// `gemm` reads directly through its leading dimensions, so no transposes are materialised.
//
// Backward, with dContext given:
//     dPd = dContext_bh · V_bhᵀ,   dV_bh = Pdᵀ · dContext_bh
//     dP  = dropoutBackward(dPd),  dS = softmaxBackward(dP, P)
//     dQ_bh = dS · K_bh / √HS,     dK_bh = dSᵀ · Q_bh / √HS
//
// This file is the reference (sequential, composed of the simple kernels); the fused threaded variant is in
// Kernels+AttentionFused.swift and is tested against it.

/// Dimensions of one attention call.
public struct AttentionShape: Sendable, Equatable {
    public let B: Int, T: Int, C: Int, NH: Int
    public var HS: Int { C / NH }
    public var scale: Float { 1 / Float(HS).squareRoot() }
    /// Elements of one [B,NH,T,T] probability buffer.
    public var probabilityCount: Int { B * NH * T * T }

    public init(B: Int, T: Int, C: Int, NH: Int) {
        precondition(NH > 0 && C % NH == 0, "heads must divide channels")
        self.B = B; self.T = T; self.C = C; self.NH = NH
    }
}

/// Forward. With `dropout` nil (evaluation, or rate 0) `droppedProbabilities` and `dropoutMask` are unused
/// and P itself multiplies V.
public func attentionForward(
    context out: UnsafeMutablePointer<Float>,              // [B,T,C]
    probabilities: UnsafeMutablePointer<Float>,            // [B,NH,T,T] P, cached
    droppedProbabilities: UnsafeMutablePointer<Float>,     // [B,NH,T,T] Pd, cached (unused without dropout)
    dropoutMask: UnsafeMutablePointer<UInt8>,              // [B,NH,T,T] cached (unused without dropout)
    query: UnsafePointer<Float>,                           // [B,T,C]
    key: UnsafePointer<Float>,                             // [B,T,C]
    value: UnsafePointer<Float>,                           // [B,T,C]
    keyMask: UnsafePointer<UInt8>,                         // [B,T] attention mask, 1 = real token
    shape: AttentionShape, dropout: DropoutMask?,
    context: ComputeContext
) {
    let (B, T, C, NH, HS) = (shape.B, shape.T, shape.C, shape.NH, shape.HS)
    for b in 0..<B {
        for h in 0..<NH {
            let p = probabilities + (b * NH + h) * T * T
            gemm(context, transA: false, transB: true, m: T, n: T, k: HS, alpha: shape.scale,
                 a: query + b * T * C + h * HS, lda: C, b: key + b * T * C + h * HS, ldb: C,
                 beta: 0, c: p, ldc: T)
            maskedSoftmaxForward(out: p, input: p, keyMask: keyMask + b * T, R: T, T: T)
        }
    }
    var used = UnsafePointer(probabilities)
    if let dropout {
        dropoutForward(out: droppedProbabilities, mask: dropoutMask, input: probabilities,
                       N: shape.probabilityCount, dropout: dropout)
        used = UnsafePointer(droppedProbabilities)
    }
    for b in 0..<B {
        for h in 0..<NH {
            gemm(context, transA: false, transB: false, m: T, n: HS, k: T,
                 a: used + (b * NH + h) * T * T, lda: T, b: value + b * T * C + h * HS, ldb: C,
                 beta: 0, c: out + b * T * C + h * HS, ldc: C)
        }
    }
}

/// Backward: overwrites dQuery, dKey, dValue; `dScores` is scratch.
public func attentionBackward(
    dQuery: UnsafeMutablePointer<Float>,                   // [B,T,C]
    dKey: UnsafeMutablePointer<Float>,                     // [B,T,C]
    dValue: UnsafeMutablePointer<Float>,                   // [B,T,C]
    dScores: UnsafeMutablePointer<Float>,                  // [B,NH,T,T] scratch
    dContext: UnsafePointer<Float>,                        // [B,T,C]
    probabilities: UnsafePointer<Float>,                   // [B,NH,T,T] P from forward
    droppedProbabilities: UnsafePointer<Float>,            // [B,NH,T,T] Pd from forward (unused without dropout)
    dropoutMask: UnsafePointer<UInt8>,                     // [B,NH,T,T] from forward (unused without dropout)
    query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,  // [B,T,C] each
    shape: AttentionShape, dropout: DropoutMask?,
    context: ComputeContext
) {
    let (B, T, C, NH, HS) = (shape.B, shape.T, shape.C, shape.NH, shape.HS)
    let used = dropout == nil ? probabilities : droppedProbabilities
    for b in 0..<B {
        for h in 0..<NH {
            let ds = dScores + (b * NH + h) * T * T
            let dc = dContext + b * T * C + h * HS
            gemm(context, transA: false, transB: true, m: T, n: T, k: HS,
                 a: dc, lda: C, b: value + b * T * C + h * HS, ldb: C, beta: 0, c: ds, ldc: T)
            gemm(context, transA: true, transB: false, m: T, n: HS, k: T,
                 a: used + (b * NH + h) * T * T, lda: T, b: dc, ldb: C,
                 beta: 0, c: dValue + b * T * C + h * HS, ldc: C)
        }
    }
    if let dropout {
        dropoutBackward(dInput: dScores, dOut: dScores, mask: dropoutMask, N: shape.probabilityCount,
                        scale: dropout.scale, accumulate: false)
    }
    softmaxBackward(dInput: dScores, dOut: dScores, probabilities: probabilities, R: B * NH * T, T: T)
    for b in 0..<B {
        for h in 0..<NH {
            let ds = dScores + (b * NH + h) * T * T
            gemm(context, transA: false, transB: false, m: T, n: HS, k: T, alpha: shape.scale,
                 a: ds, lda: T, b: key + b * T * C + h * HS, ldb: C,
                 beta: 0, c: dQuery + b * T * C + h * HS, ldc: C)
            gemm(context, transA: true, transB: false, m: T, n: HS, k: T, alpha: shape.scale,
                 a: ds, lda: T, b: query + b * T * C + h * HS, ldb: C,
                 beta: 0, c: dKey + b * T * C + h * HS, ldc: C)
        }
    }
}
