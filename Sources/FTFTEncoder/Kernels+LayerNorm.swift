// LayerNorm over the last dimension (Ba, Kiros, Hinton 2016; torch.nn.LayerNorm):
//
//     mean = Σ_c x_c / C,   var = Σ_c (x_c − mean)² / C   (biased, as torch),   rstd = 1 / √(var + eps)
//     x̂_c = (x_c − mean) · rstd,   y_c = x̂_c · weight_c + bias_c
//
// The forward pass caches x̂ and rstd; that is all the backward pass needs:
//
//     dŷ_c = dy_c · weight_c
//     dx_c = rstd · (dŷ_c − mean_c'(dŷ) − x̂_c · mean_c'(dŷ · x̂))
//     dweight_c += Σ_rows dy_c · x̂_c,   dbias_c += Σ_rows dy_c
//
// This file is the reference: statistics in Double, one row at a time. The fused, threaded variant used by
// the fast path (the LayerNorm rows of `embeddingLayerNormDropoutForward` and `biasDropoutResidualLayerNormForward` in
// Kernels+Fused.swift) is tested against it in FusedKernelTests.

/// Forward over N independent rows of C channels.
public func layerNormForward(
    out: UnsafeMutablePointer<Float>,         // [N,C] y
    normalized: UnsafeMutablePointer<Float>,  // [N,C] x̂, cached for backward
    rstd: UnsafeMutablePointer<Float>,        // [N]   1/√(var+eps), cached for backward
    input: UnsafePointer<Float>,              // [N,C] x
    weight: UnsafePointer<Float>,             // [C]
    bias: UnsafePointer<Float>,               // [C]
    N: Int, C: Int, eps: Float
) {
    for n in 0..<N {
        let x = input + n * C
        var sum = 0.0
        for c in 0..<C { sum += Double(x[c]) }
        let mean = sum / Double(C)
        var squares = 0.0
        for c in 0..<C {
            let d = Double(x[c]) - mean
            squares += d * d
        }
        let s = 1 / (squares / Double(C) + Double(eps)).squareRoot()
        rstd[n] = Float(s)
        let xh = normalized + n * C
        let y = out + n * C
        for c in 0..<C {
            xh[c] = Float((Double(x[c]) - mean) * s)
            y[c] = xh[c] * weight[c] + bias[c]
        }
    }
}

/// Backward: writes (or, with `accumulate`, adds) dx, and ACCUMULATES dweight and dbias.
public func layerNormBackward(
    dInput: UnsafeMutablePointer<Float>,      // [N,C] dx (overwritten, or added to when `accumulate`)
    dWeight: UnsafeMutablePointer<Float>,     // [C], accumulated
    dBias: UnsafeMutablePointer<Float>,       // [C], accumulated
    dOut: UnsafePointer<Float>,               // [N,C] dy
    normalized: UnsafePointer<Float>,         // [N,C] x̂ from forward
    rstd: UnsafePointer<Float>,               // [N]
    weight: UnsafePointer<Float>,             // [C]
    N: Int, C: Int, accumulate: Bool
) {
    var sumWeight = [Double](repeating: 0, count: C), sumBias = [Double](repeating: 0, count: C)
    for n in 0..<N {
        let dy = dOut + n * C
        let xh = normalized + n * C
        var meanD = 0.0, meanDX = 0.0
        for c in 0..<C {
            let d = Double(dy[c]) * Double(weight[c])
            meanD += d
            meanDX += d * Double(xh[c])
        }
        meanD /= Double(C)
        meanDX /= Double(C)
        let s = Double(rstd[n])
        let dx = dInput + n * C
        for c in 0..<C {
            let d = Double(dy[c]) * Double(weight[c])
            let g = Float(s * (d - meanD - Double(xh[c]) * meanDX))
            dx[c] = accumulate ? dx[c] + g : g
            sumWeight[c] += Double(dy[c]) * Double(xh[c])
            sumBias[c] += Double(dy[c])
        }
    }
    for c in 0..<C {
        dWeight[c] += Float(sumWeight[c])
        dBias[c] += Float(sumBias[c])
    }
}
