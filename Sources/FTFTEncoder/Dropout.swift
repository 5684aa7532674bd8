import FTFTTensors

// Inverted dropout (Srivastava et al. 2014, in the "inverted" form torch uses): in training, each element is
// kept with probability 1 − p and scaled by 1/(1 − p), so the expected value is unchanged and evaluation needs
// no rescaling.
//
//     y_i = x_i · m_i / (1 − p),   m_i = 1 if u_i ≥ p else 0,   u_i = (word_i >> 8) / 2²⁴ ∈ [0, 1)
//     dx_i = dy_i · m_i / (1 − p)
//
// Masks come from ftft's Philox streams: `random.stream(.dropout, step, site)`, and element i of a site uses
// word i of that stream (the element index in the buffer's row-major layout). So a mask depends only on
// (seed, step, site, i), never on thread count or the order in which threads fill it. It cannot reproduce
// torch's masks (a different generator); it is tested on its own (rate, scaling, gradient, determinism).
// u_i ≥ p is decided on integers: (word_i >> 8) ≥ ⌈p·2²⁴⌉, which is exactly the same test.

/// Where dropout happens in a `BertClassifier` forward pass, numbered in forward order. The number is the
/// `index1` of the dropout stream, so it must never change.
///
///     site 0              embeddings, after their LayerNorm           [B,T,C]
///     site 1 + 3·l        attention probabilities of layer l          [B,NH,T,T]
///     site 2 + 3·l        attention output dense of layer l, before residual + LayerNorm   [B,T,C]
///     site 3 + 3·l        FFN output dense of layer l, before residual + LayerNorm         [B,T,C]
///     site 1 + 3·L        pooled [CLS] vector, before the classifier  [B,C]
public enum DropoutSite {
    public static let embeddings: UInt32 = 0
    public static func attentionProbabilities(layer: Int) -> UInt32 { UInt32(1 + 3 * layer) }
    public static func attentionOutput(layer: Int) -> UInt32 { UInt32(2 + 3 * layer) }
    public static func feedForwardOutput(layer: Int) -> UInt32 { UInt32(3 + 3 * layer) }
    public static func classifier(layers: Int) -> UInt32 { UInt32(1 + 3 * layers) }
}

/// The keep/drop decision of one dropout site: a stream plus the rate.
public struct DropoutMask: Sendable {
    public let stream: RandomStream
    public let probability: Float
    /// ⌈p·2²⁴⌉: element i is kept iff (word_i >> 8) ≥ threshold.
    public let threshold: UInt32
    /// 1/(1 − p), the inverted-dropout scale of kept elements.
    public let scale: Float

    public init(stream: RandomStream, probability: Float) {
        precondition(probability >= 0 && probability < 1, "dropout probability must be in [0, 1)")
        self.stream = stream
        self.probability = probability
        self.threshold = UInt32((Double(probability) * 16_777_216).rounded(.up))
        self.scale = 1 / (1 - probability)
    }

    public init(random: SeededRandom, step: Int, site: UInt32, probability: Float) {
        self.init(stream: random.stream(.dropout, UInt64(step), site), probability: probability)
    }

    @inline(__always)
    public func keeps(word: UInt32) -> Bool { (word >> 8) >= threshold }

    /// Whether element i is kept (one Philox call; the fill functions use four words per call).
    public func keeps(_ i: Int) -> Bool { keeps(word: stream.word(at: UInt64(i))) }

    /// Writes mask[i] = 1 (keep) or 0 (drop) for i in start..<start+count, for the element indices
    /// start..<start+count of this site.
    public func fill(_ mask: UnsafeMutablePointer<UInt8>, start: Int, count: Int) {
        var i = start
        let end = start + count
        // Leading elements up to a block boundary, then whole Philox blocks of four words.
        while i < end && i & 3 != 0 {
            mask[i - start] = keeps(i) ? 1 : 0
            i += 1
        }
        // Runs of 8 blocks (32 words) at a time, vectorised across blocks (same words as `stream.block`).
        while i + 32 <= end {
            let words = philoxEightBlocks(stream, firstBlock: UInt64(i >> 2))
            let o = mask + (i - start)
            let limit = SIMD8(repeating: threshold)
            let kept = ((words.0 &>> 8) .>= limit, (words.1 &>> 8) .>= limit,
                        (words.2 &>> 8) .>= limit, (words.3 &>> 8) .>= limit)
            for lane in 0..<8 {
                o[4 * lane] = kept.0[lane] ? 1 : 0
                o[4 * lane + 1] = kept.1[lane] ? 1 : 0
                o[4 * lane + 2] = kept.2[lane] ? 1 : 0
                o[4 * lane + 3] = kept.3[lane] ? 1 : 0
            }
            i += 32
        }
        while i + 4 <= end {
            let w = stream.block(UInt64(i >> 2))
            let o = mask + (i - start)
            o[0] = keeps(word: w.0) ? 1 : 0
            o[1] = keeps(word: w.1) ? 1 : 0
            o[2] = keeps(word: w.2) ? 1 : 0
            o[3] = keeps(word: w.3) ? 1 : 0
            i += 4
        }
        while i < end {
            mask[i - start] = keeps(i) ? 1 : 0
            i += 1
        }
    }
}

/// Forward: y = x · m/(1−p); writes the mask for backward. The reference: one element at a time.
public func dropoutForward(
    out: UnsafeMutablePointer<Float>,      // [N]
    mask: UnsafeMutablePointer<UInt8>,     // [N] 1 keep, 0 drop; cached for backward
    input: UnsafePointer<Float>,           // [N]
    N: Int, dropout: DropoutMask
) {
    dropout.fill(mask, start: 0, count: N)
    for i in 0..<N { out[i] = mask[i] != 0 ? input[i] * dropout.scale : 0 }
}

/// Backward: dx = dy · m/(1−p), overwritten (or added to with `accumulate`).
public func dropoutBackward(
    dInput: UnsafeMutablePointer<Float>,   // [N]
    dOut: UnsafePointer<Float>,            // [N]
    mask: UnsafePointer<UInt8>,            // [N] from forward
    N: Int, scale: Float, accumulate: Bool
) {
    for i in 0..<N {
        let g = mask[i] != 0 ? dOut[i] * scale : 0
        dInput[i] = accumulate ? dInput[i] + g : g
    }
}

/// Philox4x32-10 blocks firstBlock ..< firstBlock+8 of `stream`, eight at a time: result r of lane j is word
/// 4·(firstBlock+j) + r. The same rounds as `Philox4x32.block`, with the counter's blocks in SIMD lanes;
/// DropoutTests checks it word for word against the scalar generator.
@inline(__always)
func philoxEightBlocks(_ stream: RandomStream, firstBlock: UInt64)
    -> (SIMD8<UInt32>, SIMD8<UInt32>, SIMD8<UInt32>, SIMD8<UInt32>) {
    let blocks = SIMD8<UInt64>(repeating: firstBlock) &+ SIMD8<UInt64>(0, 1, 2, 3, 4, 5, 6, 7)
    var c0 = SIMD8<UInt32>(truncatingIfNeeded: blocks)
    var c1 = SIMD8<UInt32>(truncatingIfNeeded: blocks &>> 32)
    var c2 = SIMD8<UInt32>(repeating: stream.domain.0)
    var c3 = SIMD8<UInt32>(repeating: stream.domain.1)
    var k0 = stream.key.0, k1 = stream.key.1
    for round in 0..<10 {
        if round > 0 {
            k0 &+= 0x9E37_79B9
            k1 &+= 0xBB67_AE85
        }
        let p0 = SIMD8<UInt64>(truncatingIfNeeded: c0) &* 0xD251_1F53
        let p1 = SIMD8<UInt64>(truncatingIfNeeded: c2) &* 0xCD9E_8D57
        let n0 = SIMD8<UInt32>(truncatingIfNeeded: p1 &>> 32) ^ c1 ^ k0
        let n2 = SIMD8<UInt32>(truncatingIfNeeded: p0 &>> 32) ^ c3 ^ k1
        c1 = SIMD8<UInt32>(truncatingIfNeeded: p1)
        c3 = SIMD8<UInt32>(truncatingIfNeeded: p0)
        c0 = n0
        c2 = n2
    }
    return (c0, c1, c2, c3)
}
