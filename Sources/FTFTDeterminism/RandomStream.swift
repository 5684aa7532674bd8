// ftft's one random generator. A `SeededRandom` holds the run's seed; every random decision draws from a
// `RandomStream` named by a purpose and up to two indices, e.g. (dropout, step 17, site 5) or
// (shuffle, epoch 3). Element i of a stream is Philox4x32(key: seed, counter: (i/4, domain))[i % 4].
//
// Consequences, all intended:
// - Streams never overlap: different purposes or indices give different counters.
// - The value drawn for element i does not depend on how many threads fill a buffer or in what order.
// - A run's complete RNG state is its seed plus its position (step, epoch); checkpoints store exactly that.

/// What a stream is for. The raw value is part of the counter, so these numbers must never change.
public enum RandomPurpose: UInt32, Sendable, Codable, CaseIterable {
    case initialization = 1  // index0 = parameter index in the layout
    case shuffle = 2         // index0 = epoch
    case dropout = 3         // index0 = optimizer step (0-based), index1 = dropout site in the forward pass
    case split = 4           // index0 = split identifier (train/validation splits of data sets)
    case subsample = 5       // index0 = selection identifier (random subsets)
    case synthesis = 6       // index0 = generator component (the embedded task)
    case testing = 7         // tests and benchmarks
}

/// The seed of a run. Cheap to copy, `Sendable`, and the only RNG state ftft ever stores.
public struct SeededRandom: Sendable, Hashable, Codable {
    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    public func stream(_ purpose: RandomPurpose, _ index0: UInt64 = 0, _ index1: UInt32 = 0) -> RandomStream {
        RandomStream(seed: seed, purpose: purpose, index0: index0, index1: index1)
    }
}

/// An addressable sequence of random 32-bit words, read sequentially (`next…`) or at any position (`word(at:)`).
public struct RandomStream: Sendable {
    public let key: (UInt32, UInt32)
    /// Counter words 2 and 3: word 2 = low 32 bits of index0; word 3 = purpose (8 bits) | high 8 bits of
    /// index0 (bits 32..39) | index1 (16 bits). Indices beyond these ranges are rejected.
    public let domain: (UInt32, UInt32)
    /// Position of the next word for the sequential API.
    public private(set) var position: UInt64 = 0

    public init(seed: UInt64, purpose: RandomPurpose, index0: UInt64, index1: UInt32) {
        precondition(index0 < (1 << 40), "RandomStream index0 out of range")
        precondition(index1 < (1 << 16), "RandomStream index1 out of range")
        key = (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
        let high = UInt32(truncatingIfNeeded: index0 >> 32) & 0xFF
        domain = (UInt32(truncatingIfNeeded: index0), (purpose.rawValue << 24) | (high << 16) | index1)
    }

    /// The word at absolute position `i`.
    @inline(__always)
    public func word(at i: UInt64) -> UInt32 {
        let block = Philox4x32.block(
            counter: (UInt32(truncatingIfNeeded: i >> 2), UInt32(truncatingIfNeeded: i >> 34), domain.0, domain.1),
            key: key)
        switch i & 3 {
        case 0: return block.0
        case 1: return block.1
        case 2: return block.2
        default: return block.3
        }
    }

    /// Four words at positions 4·blockIndex ..< 4·blockIndex+4 (one Philox call).
    @inline(__always)
    public func block(_ blockIndex: UInt64) -> (UInt32, UInt32, UInt32, UInt32) {
        Philox4x32.block(
            counter: (UInt32(truncatingIfNeeded: blockIndex), UInt32(truncatingIfNeeded: blockIndex >> 32), domain.0, domain.1),
            key: key)
    }

    /// Uniform in [0, 1) with 24 random bits: exactly representable as Float.
    @inline(__always)
    public static func unitFloat(_ word: UInt32) -> Float { Float(word >> 8) * (1.0 / 16_777_216.0) }

    public mutating func nextWord() -> UInt32 {
        defer { position += 1 }
        return word(at: position)
    }

    /// Uniform in [0, 1).
    public mutating func nextUniform() -> Float { Self.unitFloat(nextWord()) }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUniformDouble() -> Double {
        let hi = UInt64(nextWord() >> 5)  // 27 bits
        let lo = UInt64(nextWord() >> 6)  // 26 bits
        return Double((hi << 26) | lo) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Uniform integer in 0..<bound without modulo bias (rejection on 64-bit draws).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0)
        let b = UInt64(bound)
        let limit = UInt64.max - (UInt64.max % b)
        while true {
            let x = (UInt64(nextWord()) << 32) | UInt64(nextWord())
            if x < limit { return Int(x % b) }
        }
    }

    /// Standard normal by Box–Muller in Double, rounded to Float.
    public mutating func nextNormal() -> Float {
        var u1 = nextUniformDouble()
        if u1 < 1e-300 { u1 = 1e-300 }
        let u2 = nextUniformDouble()
        return Float((-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2))
    }

    /// A uniformly random permutation of 0..<n (Fisher–Yates, drawing from this stream).
    public mutating func permutation(_ n: Int) -> [Int] {
        var order = Array(0..<n)
        if n < 2 { return order }
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = nextInt(below: i + 1)
            order.swapAt(i, j)
        }
        return order
    }

    /// Fills `out[0..<count]` with normal(mean, std) values.
    public mutating func fillNormal(_ out: UnsafeMutablePointer<Float>, count: Int, mean: Float, std: Float) {
        for i in 0..<count { out[i] = mean + std * nextNormal() }
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func _log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#elseif canImport(Darwin)
import Darwin
@inline(__always) func _log(_ x: Double) -> Double { Darwin.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Darwin.cos(x) }
#endif
