// Philox4x32-10 (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy as 1, 2, 3", SC 2011).
//
// A counter-based generator: the output is a pure function of a 64-bit key and a 128-bit counter, so any
// random number can be computed without generating the ones before it. ftft uses this to make every random
// decision addressable (see `RandomStream`): results do not depend on thread count or call order, and a
// checkpoint needs nothing but the seed and the training position to resume bit-exactly.

public enum Philox4x32 {
    static let multiplier0: UInt32 = 0xD251_1F53
    static let multiplier1: UInt32 = 0xCD9E_8D57
    static let weyl0: UInt32 = 0x9E37_79B9
    static let weyl1: UInt32 = 0xBB67_AE85

    /// Ten rounds on `counter` under `key`; returns four independent 32-bit words.
    @inline(__always)
    public static func block(
        counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32)
    ) -> (UInt32, UInt32, UInt32, UInt32) {
        var c = counter
        var k = key
        for round in 0..<10 {
            if round > 0 {
                k.0 &+= weyl0
                k.1 &+= weyl1
            }
            let p0 = UInt64(multiplier0) * UInt64(c.0)
            let p1 = UInt64(multiplier1) * UInt64(c.2)
            c = (UInt32(truncatingIfNeeded: p1 >> 32) ^ c.1 ^ k.0,
                 UInt32(truncatingIfNeeded: p1),
                 UInt32(truncatingIfNeeded: p0 >> 32) ^ c.3 ^ k.1,
                 UInt32(truncatingIfNeeded: p0))
        }
        return c
    }
}
