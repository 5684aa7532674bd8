import Foundation
import FTFTTensors

// Hugging Face `BertPooler`: the hidden state of the first token ([CLS]) through a dense layer and tanh.
//
//     cls[b,:]    = hidden[b,0,:]                      [B,C]
//     pooled[b,:] = tanh(cls[b,:] · Wᵀ + bias)         [B,C]
//
// Backward: dpre = dpooled · (1 − pooled²); the dense layer's backward; dcls is added into dhidden[b,0,:].

/// Forward: writes `cls` (cached) and `pooled` (cached; its tanh output is all backward needs).
public func poolerForward(
    pooled: UnsafeMutablePointer<Float>,  // [B,C]
    cls: UnsafeMutablePointer<Float>,     // [B,C] cached copy of hidden[:,0,:]
    hidden: UnsafePointer<Float>,         // [B,T,C]
    weight: UnsafePointer<Float>,         // [C,C]
    bias: UnsafePointer<Float>,           // [C]
    B: Int, T: Int, C: Int,
    context: ComputeContext
) {
    for b in 0..<B { (cls + b * C).update(from: hidden + b * T * C, count: C) }
    linearForward(out: pooled, input: cls, weight: weight, bias: bias, N: B, I: C, O: C, context: context)
    for i in 0..<B * C { pooled[i] = tanhf(pooled[i]) }
}

/// Backward: ADDS into dHidden[:,0,:], ACCUMULATES dWeight and dBias; `scratch` holds dpre, then dcls.
public func poolerBackward(
    dHidden: UnsafeMutablePointer<Float>,  // [B,T,C], row 0 of each sequence accumulated
    dWeight: UnsafeMutablePointer<Float>,  // [C,C], accumulated
    dBias: UnsafeMutablePointer<Float>,    // [C], accumulated
    scratch: UnsafeMutablePointer<Float>,  // [2,B,C]
    dPooled: UnsafePointer<Float>,         // [B,C]
    pooled: UnsafePointer<Float>,          // [B,C] tanh output from forward
    cls: UnsafePointer<Float>,             // [B,C] from forward
    weight: UnsafePointer<Float>,          // [C,C]
    B: Int, T: Int, C: Int,
    context: ComputeContext
) {
    let dPre = scratch, dCls = scratch + B * C
    for i in 0..<B * C { dPre[i] = dPooled[i] * (1 - pooled[i] * pooled[i]) }
    linearBackward(dInput: dCls, dWeight: dWeight, dBias: dBias, dOut: dPre, input: cls, weight: weight,
                   N: B, I: C, O: C, accumulateInput: false, context: context)
    for b in 0..<B {
        let d = dHidden + b * T * C
        for c in 0..<C { d[c] += dCls[b * C + c] }
    }
}
