import Testing
@testable import FTFTDeterminism

/// Known-answer vectors published with Random123 (DEShawResearch/random123, tests/kat_vectors, the three
/// "philox4x32 10" lines: counter[4] key[2] → output[4]).
@Test func philoxKnownAnswers() {
    let cases: [((UInt32, UInt32, UInt32, UInt32), (UInt32, UInt32), [UInt32])] = [
        ((0, 0, 0, 0), (0, 0), [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]),
        ((0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff), (0xffffffff, 0xffffffff),
         [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]),
        ((0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344), (0xa4093822, 0x299f31d0),
         [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]),
    ]
    for (counter, key, expected) in cases {
        let out = Philox4x32.block(counter: counter, key: key)
        #expect([out.0, out.1, out.2, out.3] == expected)
    }
}

@Test func streamsAreAddressableAndDistinct() {
    let rng = SeededRandom(seed: 42)
    var sequential = rng.stream(.dropout, 7, 3)
    let words = (0..<10).map { _ in sequential.nextWord() }
    let direct = rng.stream(.dropout, 7, 3)
    #expect(words == (0..<10).map { direct.word(at: UInt64($0)) })
    var other = rng.stream(.dropout, 7, 4)
    #expect(words != (0..<10).map { _ in other.nextWord() })
    var otherSeed = SeededRandom(seed: 43).stream(.dropout, 7, 3)
    #expect(words != (0..<10).map { _ in otherSeed.nextWord() })
}

@Test func permutationIsAPermutationAndSeeded() {
    var a = SeededRandom(seed: 1).stream(.shuffle, 0)
    var b = SeededRandom(seed: 1).stream(.shuffle, 0)
    let p = a.permutation(1000)
    #expect(p.sorted() == Array(0..<1000))
    #expect(p == b.permutation(1000))
    #expect(p != Array(0..<1000))
}

@Test func uniformAndNormalMoments() {
    var s = SeededRandom(seed: 9).stream(.testing, 1)
    let n = 200_000
    var sum = 0.0, sumSq = 0.0
    for _ in 0..<n { let x = Double(s.nextNormal()); sum += x; sumSq += x * x }
    let mean = sum / Double(n), variance = sumSq / Double(n) - mean * mean
    // Standard errors: mean 1/sqrt(n) ≈ 0.0022, variance sqrt(2/n) ≈ 0.0032; allow about 5 of them.
    #expect(abs(mean) < 0.012)
    #expect(abs(variance - 1) < 0.016)
    var u = SeededRandom(seed: 9).stream(.testing, 2)
    var below = 0
    for _ in 0..<n where u.nextUniform() < 0.1 { below += 1 }
    #expect(abs(Double(below) / Double(n) - 0.1) < 0.004)
}
