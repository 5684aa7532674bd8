/// Single-thread tokenizer throughput on a corpus, for the benchmark suite and for comparing with Hugging Face's
/// Rust tokenizer (Benchmarks/tokenizer/bench_hf_tokenizer.py measures the same corpus the same way: every text
/// through the pipeline without special tokens, the fastest of a few passes).
public enum TokenizerThroughput {
    public struct Measurement: Sendable, Equatable {
        public let texts: Int
        /// Ids produced in one pass (no [CLS]/[SEP]).
        public let tokens: Int
        /// Wall time of the fastest pass.
        public let wallSeconds: Double
        /// FNV-1a (64-bit) over every id of one pass as little-endian Int32, so that a benchmark can check it
        /// timed the same output as the reference before comparing speeds.
        public let idsChecksum: UInt64

        public var tokensPerSecond: Double { wallSeconds > 0 ? Double(tokens) / wallSeconds : 0 }
    }

    /// Tokenizes every text `repetitions` times on the calling thread; reports the fastest pass.
    public static func measure(_ tokenizer: WordPieceTokenizer, texts: [String], repetitions: Int = 3) -> Measurement {
        let clock = ContinuousClock()
        var best: Duration?
        var tokens = 0
        var checksum = fnvOffset
        for pass in 0..<max(repetitions, 1) {
            var passTokens = 0
            var passChecksum = fnvOffset
            let start = clock.now
            for text in texts {
                let ids = tokenizer.tokenize(text)
                passTokens += ids.count
                if pass == 0 { passChecksum = fnv1a(ids, from: passChecksum) }
            }
            let elapsed = clock.now - start
            best = min(best ?? elapsed, elapsed)
            if pass == 0 {
                tokens = passTokens
                checksum = passChecksum
            }
        }
        let fastest = best ?? .zero
        let seconds = Double(fastest.components.seconds) + Double(fastest.components.attoseconds) * 1e-18
        return Measurement(texts: texts.count, tokens: tokens, wallSeconds: seconds, idsChecksum: checksum)
    }

    public static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01B3

    /// FNV-1a over the little-endian bytes of `ids`, continuing from `hash`.
    public static func fnv1a(_ ids: [Int32], from hash: UInt64 = fnvOffset) -> UInt64 {
        var h = hash
        for id in ids {
            let bits = UInt32(bitPattern: id)
            for shift in stride(from: 0, to: 32, by: 8) {
                h ^= UInt64((bits >> UInt32(shift)) & 0xFF)
                h = h &* fnvPrime
            }
        }
        return h
    }
}
