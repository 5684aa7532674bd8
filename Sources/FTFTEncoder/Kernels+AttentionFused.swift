import FTFTTensors

// The fast path's self-attention: the same function as Kernels+Attention.swift (read that first), arranged
// for speed and checked against it in FusedPathTests.
//
// - Every (batch row b, head h) pair is independent, so the pairs run on ftft's own threads, each issuing
//   single-threaded BLAS calls (OpenBLAS is single-threaded in ftft, see `BLASRuntime`): the per-head GEMMs are
//   small (T×T×HS), and two threads with one BLAS thread each beat one call with two BLAS threads. The calls are
//   the same for every thread count, so the results are too.
// - The Q, K, V biases are added here, to the head's own slices while they are in cache (the projections run
//   without bias); the cached Q, K, V therefore include their bias, as in the reference path.
// - Scaling, masking, softmax (vectorised exp) and dropout are one pass over each row of scores.
// - Backward needs no dropout mask: with Pd = P·m/(1−p), the softmax backward of dP = dPd·m/(1−p) is
//       dS_ij = P_ij·(dP_ij − Σ_k dP_ik·P_ik) = Pd_ij·dPd_ij − P_ij·Σ_k Pd_ik·dPd_ik,
//   which reads only P, Pd and dPd. The bias gradients of Q, K, V are column sums taken per (b, h) here and
//   finished over b in order, so they do not depend on the thread count either.

/// Forward. Adds the biases into query/key/value in place; writes P, Pd (when dropout is on), the dropout
/// mask and the context.
public func attentionFusedForward(
    context out: UnsafeMutablePointer<Float>,              // [B,T,C]
    probabilities: UnsafeMutablePointer<Float>,            // [B,NH,T,T] P
    droppedProbabilities: UnsafeMutablePointer<Float>,     // [B,NH,T,T] Pd (unused without dropout)
    dropoutMask: UnsafeMutablePointer<UInt8>,              // [B,NH,T,T] (unused without dropout)
    query: UnsafeMutablePointer<Float>,                    // [B,T,C] projections without bias; bias added here
    key: UnsafeMutablePointer<Float>,                      // [B,T,C]
    value: UnsafeMutablePointer<Float>,                    // [B,T,C]
    queryBias: UnsafePointer<Float>, keyBias: UnsafePointer<Float>, valueBias: UnsafePointer<Float>,  // [C]
    keyMask: UnsafePointer<UInt8>,                         // [B,T]
    shape: AttentionShape, dropout: DropoutMask?,
    context: ComputeContext
) {
    let (B, T, C, NH, HS) = (shape.B, shape.T, shape.C, shape.NH, shape.HS)
    parallelDynamic(threads: context.threads, count: B * NH) { index in
        let b = index / NH, h = index % NH
        let headOffset = b * T * C + h * HS
        func addBias(_ matrix: UnsafeMutablePointer<Float>, _ bias: UnsafePointer<Float>) {
            for t in 0..<T {
                let row = matrix + headOffset + t * C
                for j in 0..<HS { row[j] += bias[h * HS + j] }
            }
        }
        addBias(query, queryBias)
        addBias(key, keyBias)
        addBias(value, valueBias)
        let p = probabilities + index * T * T
        gemm(context, transA: false, transB: true, m: T, n: T, k: HS, alpha: shape.scale,
             a: query + headOffset, lda: C, b: key + headOffset, ldb: C, beta: 0, c: p, ldc: T)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: T + 8) { keep in
            let keep = keep.baseAddress!
            var anyKept = false
            for j in 0..<T {
                keep[j] = keyMask[b * T + j] != 0 ? 1 : 0
                anyKept = anyKept || keyMask[b * T + j] != 0
            }
            for i in 0..<T {
                let row = p + i * T
                if anyKept {
                    maskedSoftmaxRow(row, keep: keep, T: T)
                } else {
                    row.update(repeating: 1 / Float(T), count: T)
                }
                if let dropout {
                    let start = index * T * T + i * T
                    let m = dropoutMask + start, pd = droppedProbabilities + start
                    dropout.fill(m, start: start, count: T)
                    for j in 0..<T { pd[j] = m[j] != 0 ? row[j] * dropout.scale : 0 }
                }
            }
        }
        let used = dropout == nil ? UnsafePointer(p) : UnsafePointer(droppedProbabilities + index * T * T)
        gemm(context, transA: false, transB: false, m: T, n: HS, k: T,
             a: used, lda: T, b: value + headOffset, ldb: C, beta: 0, c: out + headOffset, ldc: C)
    }
}

/// One row of scores → probabilities in place: masked keys 0, the rest softmax (at least one key is kept).
@inline(__always)
func maskedSoftmaxRow(_ row: UnsafeMutablePointer<Float>, keep: UnsafePointer<Float>, T: Int) {
    let vectorEnd = T & ~7
    var maxVector = Float8(repeating: -.infinity)
    var j = 0
    while j < vectorEnd {
        let kept = load8(keep + j) .!= 0
        maxVector = maximum8(maxVector, Float8(repeating: -.infinity).replacing(with: load8(row + j), where: kept))
        j += 8
    }
    var maximum = horizontalMax(maxVector)
    while j < T {
        if keep[j] != 0 { maximum = max(maximum, row[j]) }
        j += 1
    }
    var sumVector = Float8()
    j = 0
    while j < vectorEnd {
        let e = fastExp(load8(row + j) - maximum).replacing(with: 0, where: load8(keep + j) .== 0)
        store8(e, row + j)
        sumVector += e
        j += 8
    }
    var sum = horizontalSum(sumVector)
    if j < T {
        let n = T - j
        let e = fastExp(loadPartial(row + j, n) - maximum).replacing(with: 0, where: loadPartial(keep + j, n) .== 0)
        storePartial(e, row + j, n)
        for k in 0..<n { sum += e[k] }
    }
    let inverse = 1 / sum
    j = 0
    while j < vectorEnd {
        store8(load8(row + j) * inverse, row + j)
        j += 8
    }
    while j < T {
        row[j] *= inverse
        j += 1
    }
}

/// Backward: overwrites dQuery, dKey, dValue; ACCUMULATES the three bias gradients. `dScores` is scratch and
/// `partials` [B,3,C] holds the per-batch-row bias sums.
public func attentionFusedBackward(
    dQuery: UnsafeMutablePointer<Float>, dKey: UnsafeMutablePointer<Float>, dValue: UnsafeMutablePointer<Float>,
    dQueryBias: UnsafeMutablePointer<Float>, dKeyBias: UnsafeMutablePointer<Float>,
    dValueBias: UnsafeMutablePointer<Float>,               // [C] each, accumulated
    dScores: UnsafeMutablePointer<Float>,                  // [B,NH,T,T] scratch
    partials: UnsafeMutablePointer<Float>,                 // [B,3,C] scratch
    dContext: UnsafePointer<Float>,                        // [B,T,C]
    probabilities: UnsafePointer<Float>,                   // [B,NH,T,T] P
    droppedProbabilities: UnsafePointer<Float>,            // [B,NH,T,T] Pd (P without dropout)
    query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,  // [B,T,C], with bias
    shape: AttentionShape,
    context: ComputeContext
) {
    let (B, T, C, NH, HS) = (shape.B, shape.T, shape.C, shape.NH, shape.HS)
    parallelDynamic(threads: context.threads, count: B * NH) { index in
        let b = index / NH, h = index % NH
        let headOffset = b * T * C + h * HS
        let ds = dScores + index * T * T
        let p = probabilities + index * T * T, pd = droppedProbabilities + index * T * T
        let dc = dContext + headOffset
        gemm(context, transA: false, transB: true, m: T, n: T, k: HS,
             a: dc, lda: C, b: value + headOffset, ldb: C, beta: 0, c: ds, ldc: T)
        gemm(context, transA: true, transB: false, m: T, n: HS, k: T,
             a: pd, lda: T, b: dc, ldb: C, beta: 0, c: dValue + headOffset, ldc: C)
        for i in 0..<T {
            let row = ds + i * T, pRow = p + i * T, pdRow = pd + i * T
            var acc = Float8()
            var j = 0
            while j + 8 <= T {
                let v = load8(pdRow + j) * load8(row + j)
                store8(v, row + j)
                acc += v
                j += 8
            }
            var dot = horizontalSum(acc)
            while j < T {
                let v = pdRow[j] * row[j]
                row[j] = v
                dot += v
                j += 1
            }
            j = 0
            while j + 8 <= T {
                store8(load8(row + j) - load8(pRow + j) * dot, row + j)
                j += 8
            }
            while j < T {
                row[j] -= pRow[j] * dot
                j += 1
            }
        }
        gemm(context, transA: false, transB: false, m: T, n: HS, k: T, alpha: shape.scale,
             a: ds, lda: T, b: key + headOffset, ldb: C, beta: 0, c: dQuery + headOffset, ldc: C)
        gemm(context, transA: true, transB: false, m: T, n: HS, k: T, alpha: shape.scale,
             a: ds, lda: T, b: query + headOffset, ldb: C, beta: 0, c: dKey + headOffset, ldc: C)
        func sumColumns(_ matrix: UnsafeMutablePointer<Float>, _ k: Int) {
            let sums = partials + b * 3 * C + k * C + h * HS
            sums.update(repeating: 0, count: HS)
            for t in 0..<T {
                let row = matrix + headOffset + t * C
                for j in 0..<HS { sums[j] += row[j] }
            }
        }
        sumColumns(dQuery, 0)
        sumColumns(dKey, 1)
        sumColumns(dValue, 2)
    }
    finishColumnSums(dQueryBias, partials: partials, stride: 3 * C, blocks: B, width: C)
    finishColumnSums(dKeyBias, partials: partials + C, stride: 3 * C, blocks: B, width: C)
    finishColumnSums(dValueBias, partials: partials + 2 * C, stride: 3 * C, blocks: B, width: C)
}
