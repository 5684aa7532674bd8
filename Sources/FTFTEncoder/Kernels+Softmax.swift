import Foundation

// Softmax over the last dimension with a key mask, as Hugging Face's eager attention computes it:
// scores get `finfo(float32).min` added where the mask is 0, so their exp underflows to exactly 0.
//
//     p_j = exp(s_j − max_k∈kept s_k) / Σ_k∈kept exp(s_k − max),   p_j = 0 for masked j
//
// When every key of a row is masked, s_j + finfo.min rounds to finfo.min for all j and torch returns the uniform
// distribution 1/T; so does this kernel. Backward is the usual Jacobian–vector product
//
//     ds_j = p_j · (dp_j − Σ_k dp_k · p_k)
//
// which gives masked entries (p = 0) no gradient. Reference: Double arithmetic, one row at a time.

/// Forward over R rows of T scores sharing one key mask.
public func maskedSoftmaxForward(
    out: UnsafeMutablePointer<Float>,   // [R,T]
    input: UnsafePointer<Float>,        // [R,T] scores
    keyMask: UnsafePointer<UInt8>,      // [T] 1 for real keys, 0 for padding
    R: Int, T: Int
) {
    let anyKept = (0..<T).contains { keyMask[$0] != 0 }
    for r in 0..<R {
        let s = input + r * T, p = out + r * T
        if !anyKept {
            for j in 0..<T { p[j] = 1 / Float(T) }
            continue
        }
        var maximum = -Double.infinity
        for j in 0..<T where keyMask[j] != 0 { maximum = max(maximum, Double(s[j])) }
        var sum = 0.0
        for j in 0..<T where keyMask[j] != 0 { sum += exp(Double(s[j]) - maximum) }
        for j in 0..<T { p[j] = keyMask[j] != 0 ? Float(exp(Double(s[j]) - maximum) / sum) : 0 }
    }
}

/// Backward: ds = p ∘ (dp − Σ dp∘p), overwritten. `dInput` may alias `dOut`.
public func softmaxBackward(
    dInput: UnsafeMutablePointer<Float>,  // [R,T] ds
    dOut: UnsafePointer<Float>,           // [R,T] dp
    probabilities: UnsafePointer<Float>,  // [R,T] p from forward
    R: Int, T: Int
) {
    for r in 0..<R {
        let dp = dOut + r * T, p = probabilities + r * T, ds = dInput + r * T
        var dot = 0.0
        for j in 0..<T { dot += Double(dp[j]) * Double(p[j]) }
        for j in 0..<T { ds[j] = Float(Double(p[j]) * (Double(dp[j]) - dot)) }
    }
}
