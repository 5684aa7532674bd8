import FTFTTensors

// Fused elementwise kernels of the fast path. Each is one pass over rows that does what several reference
// kernels do one after another, so activations cross slow memory once instead of three or four times:
//
//   embeddingLayerNormDropoutForward   embeddingForward → layerNormForward → dropoutForward
//   biasDropoutResidualLayerNormForward  addBias → dropoutForward → residualForward → layerNormForward
//   layerNormDropoutBackward           layerNormBackward → dropoutBackward, plus the column sums for the
//                                       LayerNorm weight and bias and the preceding dense layer's bias
//   biasGELUForward / geluBiasBackward addBias → geluForward;  geluBackward plus the bias's column sums
//
// Rows run in parallel (`parallelDynamic` over blocks of `fusedBlockRows` rows). Column sums are deterministic
// whatever the thread count: each block sums its rows in order into its own partial row, and the partial
// rows are then added in block order. Dropout masks use element index n·C + c of their site, exactly as the
// reference kernels do, so both paths drop the same elements. FusedKernelTests checks every kernel here
// against the composition of reference kernels it replaces.

/// Rows per block of a fused row pass (also the granularity of the deterministic column sums).
public let fusedBlockRows = 32

/// Number of row blocks for N rows.
@inline(__always)
public func fusedBlockCount(_ N: Int) -> Int { (N + fusedBlockRows - 1) / fusedBlockRows }

/// sums[c] += Σ_blocks partials[block, c], blocks added in order (partial row 0 is used as the accumulator).
func finishColumnSums(_ sums: UnsafeMutablePointer<Float>, partials: UnsafeMutablePointer<Float>, stride: Int,
                      blocks: Int, width: Int) {
    guard blocks > 0 else { return }
    for block in 1..<max(blocks, 1) {
        let row = partials + block * stride
        for c in 0..<width { partials[c] += row[c] }
    }
    for c in 0..<width { sums[c] += partials[c] }
}

/// Runs `body(rowStart, rowEnd, block)` for every block of rows, in parallel.
@inline(__always)
func forEachRowBlock(N: Int, threads: Int, _ body: (Int, Int, Int) -> Void) {
    parallelDynamic(threads: threads, count: fusedBlockCount(N)) { block in
        let start = block * fusedBlockRows
        body(start, min(start + fusedBlockRows, N), block)
    }
}

/// LayerNorm of one row `r` (already in `normalized`, overwritten by x̂), writing out and rstd. Float SIMD
/// statistics with a fixed summation order (two passes: mean, then the variance of the deviations).
@inline(__always)
func layerNormRow(out: UnsafeMutablePointer<Float>, normalized: UnsafeMutablePointer<Float>,
                  rstd: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                  C: Int, eps: Float) {
    let vectorEnd = C & ~7
    var acc = Float8()
    var c = 0
    while c < vectorEnd { acc += load8(normalized + c); c += 8 }
    var sum = horizontalSum(acc)
    while c < C { sum += normalized[c]; c += 1 }
    let mean = sum / Float(C)
    acc = Float8()
    c = 0
    while c < vectorEnd { let d = load8(normalized + c) - mean; acc += d * d; c += 8 }
    var squares = horizontalSum(acc)
    while c < C { let d = normalized[c] - mean; squares += d * d; c += 1 }
    let s = 1 / (squares / Float(C) + eps).squareRoot()
    rstd.pointee = s
    c = 0
    while c < vectorEnd {
        let xh = (load8(normalized + c) - mean) * s
        store8(xh, normalized + c)
        store8(xh * load8(weight + c) + load8(bias + c), out + c)
        c += 8
    }
    while c < C {
        let xh = (normalized[c] - mean) * s
        normalized[c] = xh
        out[c] = xh * weight[c] + bias[c]
        c += 1
    }
}

/// out = dropout(LayerNorm(word[id] + type[tt] + position[t])); caches x̂, rstd and the mask.
public func embeddingLayerNormDropoutForward(
    out: UnsafeMutablePointer<Float>,         // [B,T,C] after dropout (LayerNorm output when `dropout` is nil)
    normalized: UnsafeMutablePointer<Float>,  // [B,T,C] x̂
    rstd: UnsafeMutablePointer<Float>,        // [B,T]
    mask: UnsafeMutablePointer<UInt8>,        // [B,T,C] (unused when `dropout` is nil)
    inputIds: UnsafePointer<Int32>, tokenTypeIds: UnsafePointer<Int32>,     // [B,T]
    wordEmbeddings: UnsafePointer<Float>, positionEmbeddings: UnsafePointer<Float>,
    tokenTypeEmbeddings: UnsafePointer<Float>,                              // [V,C], [P,C], [TV,C]
    weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,               // [C]
    B: Int, T: Int, C: Int, eps: Float, dropout: DropoutMask?, threads: Int
) {
    forEachRowBlock(N: B * T, threads: threads) { start, end, _ in
        for row in start..<end {
            let w = wordEmbeddings + Int(inputIds[row]) * C
            let y = tokenTypeEmbeddings + Int(tokenTypeIds[row]) * C
            let p = positionEmbeddings + (row % T) * C
            let xh = normalized + row * C, o = out + row * C
            for c in 0..<C { xh[c] = (w[c] + y[c]) + p[c] }
            layerNormRow(out: o, normalized: xh, rstd: rstd + row, weight: weight, bias: bias, C: C, eps: eps)
            if let dropout {
                let m = mask + row * C
                dropout.fill(m, start: row * C, count: C)
                for c in 0..<C { o[c] = m[c] != 0 ? o[c] * dropout.scale : 0 }
            }
        }
    }
}

/// out = LayerNorm(dropout(dense + denseBias) + residual); caches x̂, rstd and the mask.
public func biasDropoutResidualLayerNormForward(
    out: UnsafeMutablePointer<Float>,         // [N,C]
    normalized: UnsafeMutablePointer<Float>,  // [N,C] x̂
    rstd: UnsafeMutablePointer<Float>,        // [N]
    mask: UnsafeMutablePointer<UInt8>,        // [N,C] (unused when `dropout` is nil)
    dense: UnsafePointer<Float>,              // [N,C] dense output without its bias
    denseBias: UnsafePointer<Float>,          // [C]
    residual: UnsafePointer<Float>,           // [N,C]
    weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,  // [C]
    N: Int, C: Int, eps: Float, dropout: DropoutMask?, threads: Int
) {
    forEachRowBlock(N: N, threads: threads) { start, end, _ in
        for row in start..<end {
            let d = dense + row * C, x = residual + row * C, r = normalized + row * C
            if let dropout {
                let m = mask + row * C
                dropout.fill(m, start: row * C, count: C)
                for c in 0..<C { r[c] = (m[c] != 0 ? (d[c] + denseBias[c]) * dropout.scale : 0) + x[c] }
            } else {
                var c = 0
                while c + 8 <= C {
                    store8((load8(d + c) + load8(denseBias + c)) + load8(x + c), r + c)
                    c += 8
                }
                while c < C { r[c] = (d[c] + denseBias[c]) + x[c]; c += 1 }
            }
            layerNormRow(out: out + row * C, normalized: r, rstd: rstd + row, weight: weight, bias: bias, C: C, eps: eps)
        }
    }
}

/// Backward of LayerNorm, then of the dropout in front of it:
///   dResidual = LayerNorm backward of dOut (the gradient of the LayerNorm input, overwritten);
///   dDense = dResidual · mask/(1−p) (overwritten; pass nil without dropout and use dResidual);
/// ACCUMULATES dWeight += Σ dOut·x̂, dBias += Σ dOut, dDenseBias += Σ dDense (or Σ dResidual).
/// With `inputMask` the dropout sits after the LayerNorm instead (the embeddings): dOut is first multiplied
/// by that mask, and dDense must be nil.
public func layerNormDropoutBackward(
    dResidual: UnsafeMutablePointer<Float>,    // [N,C]
    dDense: UnsafeMutablePointer<Float>?,      // [N,C] or nil
    partials: UnsafeMutablePointer<Float>,     // [blocks, 3, C] scratch
    dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>,  // [C], accumulated
    dDenseBias: UnsafeMutablePointer<Float>?,  // [C], accumulated, or nil
    dOut: UnsafePointer<Float>,                // [N,C]
    normalized: UnsafePointer<Float>,          // [N,C] x̂
    rstd: UnsafePointer<Float>,                // [N]
    weight: UnsafePointer<Float>,              // [C]
    mask: UnsafePointer<UInt8>?,               // [N,C] dropout mask before the residual (with dDense)
    inputMask: UnsafePointer<UInt8>?,          // [N,C] dropout mask after the LayerNorm (embeddings)
    scale: Float, N: Int, C: Int, threads: Int
) {
    let stride = 3 * C
    forEachRowBlock(N: N, threads: threads) { start, end, block in
        let sumWeight = partials + block * stride, sumBias = sumWeight + C, sumDense = sumWeight + 2 * C
        sumWeight.update(repeating: 0, count: stride)
        for row in start..<end {
            let xh = normalized + row * C, dx = dResidual + row * C
            var dy = dOut + row * C
            if let inputMask {
                // dy is the masked gradient; stage it in dResidual, which is overwritten below anyway.
                let m = inputMask + row * C
                for c in 0..<C { dx[c] = m[c] != 0 ? dy[c] * scale : 0 }
                dy = UnsafePointer(dx)
            }
            var meanD: Float = 0, meanDX: Float = 0
            var accD = Float8(), accDX = Float8()
            var c = 0
            while c + 8 <= C {
                let d = load8(dy + c) * load8(weight + c)
                accD += d
                accDX += d * load8(xh + c)
                c += 8
            }
            meanD = horizontalSum(accD)
            meanDX = horizontalSum(accDX)
            while c < C {
                let d = dy[c] * weight[c]
                meanD += d
                meanDX += d * xh[c]
                c += 1
            }
            meanD /= Float(C)
            meanDX /= Float(C)
            let s = rstd[row]
            for c in 0..<C {
                let dyc = dy[c]
                sumWeight[c] += dyc * xh[c]
                sumBias[c] += dyc
                let g = s * ((dyc * weight[c] - meanD) - xh[c] * meanDX)
                dx[c] = g
                if let dDense, let mask {
                    let dd = mask[row * C + c] != 0 ? g * scale : 0
                    dDense[row * C + c] = dd
                    sumDense[c] += dd
                } else {
                    sumDense[c] += g
                }
            }
        }
    }
    let blocks = fusedBlockCount(N)
    // Three interleaved partial sets: finish each with its own offset.
    finishColumnSums(dWeight, partials: partials, stride: stride, blocks: blocks, width: C)
    finishColumnSums(dBias, partials: partials + C, stride: stride, blocks: blocks, width: C)
    if let dDenseBias { finishColumnSums(dDenseBias, partials: partials + 2 * C, stride: stride, blocks: blocks, width: C) }
}

/// pre += bias (in place, so the cached pre-activation includes it); act = gelu(pre).
public func biasGELUForward(
    act: UnsafeMutablePointer<Float>,   // [N,F]
    pre: UnsafeMutablePointer<Float>,   // [N,F] dense output; the bias is added in place
    bias: UnsafePointer<Float>,         // [F]
    N: Int, F: Int, threads: Int
) {
    forEachRowBlock(N: N, threads: threads) { start, end, _ in
        for row in start..<end {
            let u = pre + row * F, g = act + row * F
            var c = 0
            while c + 8 <= F {
                let x = load8(u + c) + load8(bias + c)
                store8(x, u + c)
                store8(fastGELU(x), g + c)
                c += 8
            }
            if c < F {
                let n = F - c
                let x = loadPartial(u + c, n) + loadPartial(bias + c, n)
                storePartial(x, u + c, n)
                storePartial(fastGELU(x), g + c, n)
            }
        }
    }
}

/// d ∘= gelu'(pre) in place; ACCUMULATES dBias += Σ_rows d (the result).
public func geluBiasBackward(
    d: UnsafeMutablePointer<Float>,         // [N,F] d(act) in, d(pre) out
    partials: UnsafeMutablePointer<Float>,  // [blocks, F] scratch
    dBias: UnsafeMutablePointer<Float>,     // [F], accumulated
    pre: UnsafePointer<Float>,              // [N,F] pre-activation (bias included)
    N: Int, F: Int, threads: Int
) {
    forEachRowBlock(N: N, threads: threads) { start, end, block in
        let sums = partials + block * F
        sums.update(repeating: 0, count: F)
        for row in start..<end {
            let u = pre + row * F, g = d + row * F
            var c = 0
            while c + 8 <= F {
                let v = load8(g + c) * fastGELUDerivative(load8(u + c))
                store8(v, g + c)
                store8(load8(sums + c) + v, sums + c)
                c += 8
            }
            if c < F {
                let n = F - c
                let v = loadPartial(g + c, n) * fastGELUDerivative(loadPartial(u + c, n))
                storePartial(v, g + c, n)
                for j in 0..<n { sums[c + j] += v[j] }
            }
        }
    }
    finishColumnSums(dBias, partials: partials, stride: F, blocks: fusedBlockCount(N), width: F)
}
