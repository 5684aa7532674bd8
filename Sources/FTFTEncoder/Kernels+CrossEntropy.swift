import Foundation

// Mean cross-entropy over the batch (torch `CrossEntropyLoss()` with its default reduction "mean"):
//
//     loss = (1/B) Σ_b [ log Σ_k exp(z_bk) − z_b,y_b ]
//     dz_bk = (softmax(z_b)_k − [k = y_b]) / B
//
// Computed in Double with the max subtracted (log-sum-exp), so large logits cannot overflow.

/// Forward: returns the mean loss and writes each example's class probabilities (cached for backward).
public func crossEntropyForward(
    probabilities: UnsafeMutablePointer<Float>,  // [B,K] softmax(z)
    losses: UnsafeMutablePointer<Float>?,        // [B] per-example loss, or nil
    logits: UnsafePointer<Float>,                // [B,K]
    labels: UnsafePointer<Int32>,                // [B] in 0..<K (checked by the caller)
    B: Int, K: Int
) -> Float {
    var total = 0.0
    for b in 0..<B {
        let z = logits + b * K
        var maximum = -Double.infinity
        for k in 0..<K { maximum = max(maximum, Double(z[k])) }
        var sum = 0.0
        for k in 0..<K { sum += exp(Double(z[k]) - maximum) }
        let logSum = maximum + log(sum)
        for k in 0..<K { probabilities[b * K + k] = Float(exp(Double(z[k]) - logSum)) }
        let loss = logSum - Double(z[Int(labels[b])])
        losses?[b] = Float(loss)
        total += loss
    }
    return B > 0 ? Float(total / Double(B)) : 0
}

/// Backward of the mean loss with upstream gradient 1: dz = (p − onehot(y)) / B, overwritten.
public func crossEntropyBackward(
    dLogits: UnsafeMutablePointer<Float>,        // [B,K]
    probabilities: UnsafePointer<Float>,         // [B,K] from forward
    labels: UnsafePointer<Int32>,                // [B]
    B: Int, K: Int
) {
    let inverseB = 1 / Float(B)
    for b in 0..<B {
        for k in 0..<K {
            let target: Float = k == Int(labels[b]) ? 1 : 0
            dLogits[b * K + k] = (probabilities[b * K + k] - target) * inverseB
        }
    }
}
