import Foundation

// GELU, the exact (erf) form that BERT's `hidden_act: "gelu"` means (Hendrycks & Gimpel 2016; torch
// `F.gelu(x, approximate="none")`):
//
//     gelu(x)  = x · Φ(x),             Φ(x) = ½ · (1 + erf(x/√2))
//     gelu'(x) = Φ(x) + x · φ(x),      φ(x) = exp(−x²/2) / √(2π)
//
// Reference: evaluated in Double with the C library's erf and exp. The fast path (Kernels+FastMath.swift)
// uses a vectorised erf/erfc whose error bound is tested against this one.

/// Forward: out = gelu(input), elementwise.
public func geluForward(
    out: UnsafeMutablePointer<Float>,   // [N]
    input: UnsafePointer<Float>,        // [N]
    N: Int
) {
    for i in 0..<N { out[i] = Float(geluReference(Double(input[i]))) }
}

/// Backward: dx = dy · gelu'(x), overwritten (`dInput` may alias `dOut`).
public func geluBackward(
    dInput: UnsafeMutablePointer<Float>,  // [N]
    dOut: UnsafePointer<Float>,           // [N]
    input: UnsafePointer<Float>,          // [N] x from forward
    N: Int
) {
    for i in 0..<N { dInput[i] = Float(Double(dOut[i]) * geluDerivativeReference(Double(input[i]))) }
}

@inlinable
public func geluReference(_ x: Double) -> Double { 0.5 * x * erfc(-x / 2.0.squareRoot()) }

@inlinable
public func geluDerivativeReference(_ x: Double) -> Double {
    let cdf = 0.5 * erfc(-x / 2.0.squareRoot())
    let pdf = exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
    return cdf + x * pdf
}
