// Residual connection: out = a + b, elementwise. Its backward passes the same gradient to both inputs, which
// the model does by reusing one buffer (see BertClassifier+Backward.swift), so only the forward is a kernel.

/// out[i] = a[i] + b[i].
public func residualForward(
    out: UnsafeMutablePointer<Float>,  // [N]
    a: UnsafePointer<Float>,           // [N]
    b: UnsafePointer<Float>,           // [N]
    N: Int
) {
    for i in 0..<N { out[i] = a[i] + b[i] }
}
