/// exp for float32 exactly as PyTorch's CPU kernels compute it, so that ftft's float32 softmax — and with it p,
/// confidence, variability and every selection boundary — agrees with both reference codebases bit for bit.
///
/// torch's vectorised `exp` (used by `torch.softmax` on CPU, for every element including short rows) is SLEEF's
/// `expf_u10` (Shibata & Petrogalli, "SLEEF: A Portable Vectorized Library of C Standard Mathematical
/// Functions", IEEE TPDS 2020), with fused multiply-adds on AVX2 and AVX-512 builds. The algorithm:
///   q = rint(d · (1/ln 2))                     (float32 product, round to nearest even)
///   s = fma(q, −L2U, d);  s = fma(q, −L2L, s)  (Cody–Waite reduction, L2U + L2L ≈ ln 2)
///   u = Horner(s; c5 … c0) with fma            (minimax polynomial for (e^s − 1 − s)/s²)
///   u = 1 + fma(s·s, u, s)
///   result = u · 2^⌊q/2⌋ · 2^(q − ⌊q/2⌋), 0 below −104, +∞ above 100.
/// Checked against torch.exp and torch.softmax (golden/cartography/torch_exp_softmax.ftg).
enum TorchFloat32Exp {
    static let log2e: Float = 1.442695040888963407359924681001892137426645954152985934135449406931
    static let ln2Upper: Float = 0.693145751953125
    static let ln2Lower: Float = 1.428606765330187045e-06
    static let c5: Float = 0.000198527617612853646278381
    static let c4: Float = 0.00139304355252534151077271
    static let c3: Float = 0.00833336077630519866943359
    static let c2: Float = 0.0416664853692054748535156
    static let c1: Float = 0.166666671633720397949219
    static let c0: Float = 0.5

    @inline(__always)
    static func exp(_ d: Float) -> Float {
        if d < -104 { return 0 }
        if d > 100 { return .infinity }
        let product: Float = d * log2e
        let q = product.rounded(.toNearestOrEven)
        var s = d.addingProduct(q, -ln2Upper)
        s = s.addingProduct(q, -ln2Lower)
        var u = c4.addingProduct(c5, s)
        u = c3.addingProduct(u, s)
        u = c2.addingProduct(u, s)
        u = c1.addingProduct(u, s)
        u = c0.addingProduct(u, s)
        let square: Float = s * s
        u = 1 + s.addingProduct(square, u)
        let k = Int32(q)
        let half = k >> 1
        return u * powerOfTwo(half) * powerOfTwo(k - half)
    }

    /// 2^k for −126 ≤ k ≤ 127, built from the exponent bits (as SLEEF's `vpow2i`).
    @inline(__always)
    static func powerOfTwo(_ k: Int32) -> Float {
        Float(bitPattern: UInt32(truncatingIfNeeded: (k &+ 127) << 23))
    }
}
