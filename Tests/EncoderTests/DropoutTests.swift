import FTFTEncoder
import FTFTTensors
import Testing

// Dropout cannot match torch's random stream (a different generator), so it is tested on its own: the keep
// rate, the inverted scaling, the gradient through the mask, determinism, and independence of steps and sites.

@Suite("Dropout")
struct DropoutTests {
    let random = SeededRandom(seed: 77)

    /// The kept fraction is 1 − p within 5 binomial standard deviations, and kept values are scaled by 1/(1−p).
    @Test(arguments: [Float(0.1), 0.5, 0.9])
    func rateAndScaling(p: Float) {
        let N = 200_000
        let input = (0..<N).map { Float($0 % 13) - 6 }
        var out = [Float](repeating: 0, count: N), mask = [UInt8](repeating: 0, count: N)
        let dropout = DropoutMask(random: random, step: 3, site: 5, probability: p)
        dropoutForward(out: &out, mask: &mask, input: input, N: N, dropout: dropout)
        let kept = mask.reduce(0) { $0 + Int($1) }
        let expected = Double(N) * Double(1 - p)
        let sd = (Double(N) * Double(p) * Double(1 - p)).squareRoot()
        #expect(abs(Double(kept) - expected) < 5 * sd, "kept \(kept), expected \(expected) ± \(5 * sd)")
        // Kept values are scaled by 1/(1−p) (up to the rounding of that factor), dropped ones are exactly 0.
        var mismatches = 0
        for i in 0..<N {
            let ok = mask[i] != 0 ? abs(out[i] - input[i] / (1 - p)) <= 1e-6 * abs(input[i] / (1 - p)) : out[i] == 0
            if !ok { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    /// Backward multiplies by the same mask and scale: dx = dy · m/(1−p), and accumulates on request.
    @Test func gradientThroughMask() {
        let N = 1000, p: Float = 0.3
        let input = (0..<N).map { Float($0) * 0.01 }
        var out = [Float](repeating: 0, count: N), mask = [UInt8](repeating: 0, count: N)
        let dropout = DropoutMask(random: random, step: 0, site: 0, probability: p)
        dropoutForward(out: &out, mask: &mask, input: input, N: N, dropout: dropout)
        let dOut = (0..<N).map { Float(($0 * 7) % 11) - 5 }
        var dx = [Float](repeating: 0, count: N)
        dropoutBackward(dInput: &dx, dOut: dOut, mask: mask, N: N, scale: dropout.scale, accumulate: false)
        // Forward is out_i = input_i · g_i, so its Jacobian is diag(g): dx_i must be dy_i · g_i, with the same g.
        #expect((0..<N).allSatisfy { out[$0] == input[$0] * (mask[$0] != 0 ? dropout.scale : 0) })
        #expect((0..<N).allSatisfy { dx[$0] == dOut[$0] * (mask[$0] != 0 ? dropout.scale : 0) })
        #expect(mask.contains(0) && mask.contains(1))
        var accumulated = [Float](repeating: 1, count: N)
        dropoutBackward(dInput: &accumulated, dOut: dOut, mask: mask, N: N, scale: dropout.scale, accumulate: true)
        #expect((0..<N).allSatisfy { accumulated[$0] == 1 + dx[$0] })
    }

    /// Same (seed, step, site) → same mask, however it is filled; other steps, sites or seeds → other masks.
    @Test func determinismAndIndependence() {
        let N = 4099
        func mask(_ random: SeededRandom, step: Int, site: UInt32) -> [UInt8] {
            var m = [UInt8](repeating: 0, count: N)
            DropoutMask(random: random, step: step, site: site, probability: 0.5).fill(&m, start: 0, count: N)
            return m
        }
        let base = mask(random, step: 4, site: 2)
        #expect(base == mask(random, step: 4, site: 2))
        #expect(base != mask(random, step: 5, site: 2))
        #expect(base != mask(random, step: 4, site: 3))
        #expect(base != mask(SeededRandom(seed: 78), step: 4, site: 2))
        // Filling in pieces with unaligned starts (as threads do) gives the same mask: element i uses word i.
        let d = DropoutMask(random: random, step: 4, site: 2, probability: 0.5)
        var pieces = [UInt8](repeating: 0, count: N)
        var start = 0
        for length in [1, 6, 3, 1000, 17, 3072] {
            let n = min(length, N - start)
            pieces.withUnsafeMutableBufferPointer { d.fill($0.baseAddress! + start, start: start, count: n) }
            start += n
        }
        #expect(start == N)
        #expect(pieces == base)
        for i in [0, 1, 2, 3, 4, 1001, 4098] { #expect((base[i] != 0) == d.keeps(i)) }
    }

    /// The vectorised mask fill decides every element exactly as the scalar generator's word i does.
    @Test func vectorisedFillMatchesScalarWords() {
        let dropout = DropoutMask(random: random, step: 123_456, site: 9, probability: 0.37)
        for (start, count) in [(0, 1000), (3, 517), (1 << 33, 96), ((1 << 34) - 8, 64)] {
            var mask = [UInt8](repeating: 9, count: count)
            mask.withUnsafeMutableBufferPointer { dropout.fill($0.baseAddress!, start: start, count: count) }
            let scalar = (0..<count).map { dropout.keeps(word: dropout.stream.word(at: UInt64(start + $0))) ? UInt8(1) : 0 }
            #expect(mask == scalar, "start \(start)")
        }
    }

    /// p = 0 keeps everything at scale 1 (the identity).
    @Test func zeroRateIsIdentity() {
        let N = 100
        let input = (0..<N).map { Float($0) }
        var out = [Float](repeating: 0, count: N), mask = [UInt8](repeating: 0, count: N)
        dropoutForward(out: &out, mask: &mask, input: input, N: N,
                       dropout: DropoutMask(random: random, step: 1, site: 1, probability: 0))
        #expect(out == input)
    }

    /// The site numbering documented on `DropoutSite`.
    @Test func siteNumbering() {
        #expect(DropoutSite.embeddings == 0)
        #expect(DropoutSite.attentionProbabilities(layer: 0) == 1)
        #expect(DropoutSite.attentionOutput(layer: 0) == 2)
        #expect(DropoutSite.feedForwardOutput(layer: 0) == 3)
        #expect(DropoutSite.attentionProbabilities(layer: 1) == 4)
        #expect(DropoutSite.classifier(layers: 2) == 7)
    }
}
