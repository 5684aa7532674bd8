// Vectorised exp and normal CDF for the fused kernels, eight floats at a time (SIMD8<Float>; plain SSE2 code
// on x86-64, so no CPU-specific build flags are needed). Their accuracy is tested against the Double
// references in FastMathTests: exp within 2 ulp-ish relative error (≤ 4e-7), Φ within 1e-6 relative.
//
// exp(x): x = n·ln2 + r with |r| ≤ ln2/2 (Cody–Waite split of ln2), e^r by its Taylor polynomial of degree 7
// (truncation error r⁸/8! < 6e-9), scaled by 2ⁿ through the exponent bits. Inputs below −87.3 give 0.
//
// Φ(x) = ½·erfc(−x/√2), with z = x/√2:
//   |z| < 0.75:  erf(z) = z·P(z²)                         Φ = ½ + ½·erf(z)
//   |z| ≥ 0.75:  erfc(|z|) = exp(−z²)·R(1/(1 + |z|/2))    Φ = ½·erfc(|z|) for z < 0, 1 − ½·erfc(z) for z > 0
// P and R are least-squares fits made by scripts/fit-fast-erf.py (relative error < 3e-7 in float32). The
// negative tail is computed without cancellation, so gelu(x) = x·Φ(x) keeps its relative accuracy there.

typealias Float8 = SIMD8<Float>

@inline(__always)
func load8(_ p: UnsafePointer<Float>) -> Float8 { UnsafeRawPointer(p).loadUnaligned(as: Float8.self) }

@inline(__always)
func store8(_ v: Float8, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Float8.self)
}

/// Loads `count` < 8 floats, the other lanes `fill`.
@inline(__always)
func loadPartial(_ p: UnsafePointer<Float>, _ count: Int, fill: Float = 0) -> Float8 {
    var v = Float8(repeating: fill)
    for i in 0..<count { v[i] = p[i] }
    return v
}

@inline(__always)
func storePartial(_ v: Float8, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
    for i in 0..<count { p[i] = v[i] }
}

@inline(__always)
func absolute(_ v: Float8) -> Float8 {
    unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: Float8.self)
}

@inline(__always)
func horizontalSum(_ v: Float8) -> Float {
    // A fixed pairwise order, so results never depend on anything but the data.
    let h = v.lowHalf + v.highHalf
    let q = h.lowHalf + h.highHalf
    return q[0] + q[1]
}

// Lane-wise max/min as compare-and-select (the standard library's generic pointwiseMax/Min is not inlined).
@inline(__always)
func maximum8(_ a: Float8, _ b: Float8) -> Float8 { a.replacing(with: b, where: b .> a) }

@inline(__always)
func minimum8(_ a: Float8, _ b: Float8) -> Float8 { a.replacing(with: b, where: b .< a) }

@inline(__always)
func horizontalMax(_ v: Float8) -> Float {
    var m = v[0]
    for i in 1..<8 { m = Swift.max(m, v[i]) }
    return m
}

/// e^x for each lane; 0 below −87.3, +∞ above 88.7. `@_transparent` because the optimizer otherwise keeps
/// it out of line in the row loops, and passing SIMD8 values through memory costs as much as the polynomial.
@_transparent
func fastExp(_ x: Float8) -> Float8 {
    let log2e: Float = 1.442_695_04
    let ln2High: Float = 0.693_145_75        // ln 2 split so that n·ln2High is exact for |n| ≤ 2⁹
    let ln2Low: Float = 1.428_606_8e-6
    let magic: Float = 12_582_912             // 1.5·2²³: adding it rounds to an integer in the low mantissa bits
    let clamped = minimum8(maximum8(x, Float8(repeating: -87.336_55)), Float8(repeating: 88.722_83))
    let shifted = clamped * log2e + magic
    let n = shifted - magic
    let r = (clamped - n * ln2High) - n * ln2Low
    var p = Float8(repeating: 1.0 / 5040)
    p = p * r + 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    // 2ⁿ: n sits in the low bits of `shifted` (bit pattern 0x4B400000 + n); move it into the exponent.
    let bits = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127
    let scale = unsafeBitCast(bits &<< 23, to: Float8.self)
    return (p * scale).replacing(with: 0, where: x .< -87.336_55)
}

/// Φ(x) and exp(−x²/2) for each lane (the latter is what gelu' needs besides Φ).
@inline(__always)
func normalCDF(_ x: Float8) -> (cdf: Float8, gaussian: Float8) {
    let z = x * 0.707_106_77
    let az = minimum8(absolute(z), Float8(repeating: 10))
    let gaussian = fastExp(-(az * az))
    // Small |z|: erf(z) = z·P(z²).
    let z2 = z * z
    var p = Float8(repeating: -6.775_750_159e-04)
    p = p * z2 + 5.118_289_359e-03
    p = p * z2 + -2.683_675_197e-02
    p = p * z2 + 1.128_342_555e-01
    p = p * z2 + -3.761_262_310e-01
    p = p * z2 + 1.128_379_166e+00
    let small = 0.5 + 0.5 * (z * p)
    // Large |z|: erfc(|z|) = exp(−z²)·R(t), t = 1/(1 + |z|/2).
    let t = 1 / (1 + 0.5 * az)
    var r = Float8(repeating: 6.700_912_083e-02)
    r = r * t + -1.416_961_710e-01
    r = r * t + -3.236_130_718e-02
    r = r * t + 1.474_283_065e-01
    r = r * t + 1.394_021_444e-01
    r = r * t + 2.580_705_666e-01
    r = r * t + 2.801_476_286e-01
    r = r * t + 2.822_762_800e-01
    r = r * t + -7.067_037_507e-06
    let halfTail = 0.5 * gaussian * r
    let large = halfTail.replacing(with: 1 - halfTail, where: z .> 0)
    return (small.replacing(with: large, where: az .>= 0.75), gaussian)
}

/// gelu(x) = x·Φ(x). Same lanes as `normalCDF`, but when all eight lanes fall in one region only that
/// region's formula runs (the exp is the expensive part and the small region needs none).
@inline(__always)
func fastGELU(_ x: Float8) -> Float8 {
    let z = x * 0.707_106_77
    let small = absolute(z) .< 0.75
    if all(small) {
        let z2 = z * z
        var p = Float8(repeating: -6.775_750_159e-04)
        p = p * z2 + 5.118_289_359e-03
        p = p * z2 + -2.683_675_197e-02
        p = p * z2 + 1.128_342_555e-01
        p = p * z2 + -3.761_262_310e-01
        p = p * z2 + 1.128_379_166e+00
        return x * (0.5 + 0.5 * (z * p))
    }
    return x * normalCDF(x).cdf
}

/// gelu'(x) = Φ(x) + x·φ(x), φ(x) = exp(−x²/2)/√(2π).
@inline(__always)
func fastGELUDerivative(_ x: Float8) -> Float8 {
    let (cdf, gaussian) = normalCDF(x)
    return cdf + x * gaussian * Float(0.398_942_28)
}

/// Public wrappers for tests and benchmarks: apply the vectorised functions to a buffer.
public enum FastMath {
    public static func exp(_ out: UnsafeMutablePointer<Float>, _ input: UnsafePointer<Float>, count: Int) {
        apply(out, input, count, fastExp)
    }

    public static func gelu(_ out: UnsafeMutablePointer<Float>, _ input: UnsafePointer<Float>, count: Int) {
        apply(out, input, count, fastGELU)
    }

    public static func geluDerivative(_ out: UnsafeMutablePointer<Float>, _ input: UnsafePointer<Float>, count: Int) {
        apply(out, input, count, fastGELUDerivative)
    }

    @inline(__always)
    static func apply(_ out: UnsafeMutablePointer<Float>, _ input: UnsafePointer<Float>, _ count: Int,
                      _ f: (Float8) -> Float8) {
        var i = 0
        while i + 8 <= count {
            store8(f(load8(input + i)), out + i)
            i += 8
        }
        if i < count { storePartial(f(loadPartial(input + i, count - i)), out + i, count - i) }
    }
}
