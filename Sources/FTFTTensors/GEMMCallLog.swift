import Synchronization

/// One call of the GEMM wrapper, as BLAS sees it: shapes, strides, scalars and operand addresses.
public struct GEMMCall: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let transA: Bool, transB: Bool
    public let m: Int, n: Int, k: Int
    public let alpha: Float
    public let a: UInt, lda: Int
    public let b: UInt, ldb: Int
    public let beta: Float
    public let c: UInt, ldc: Int

    public init(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: UInt, lda: Int, b: UInt, ldb: Int,
                beta: Float, c: UInt, ldc: Int) {
        (self.transA, self.transB, self.m, self.n, self.k, self.alpha) = (transA, transB, m, n, k, alpha)
        (self.a, self.lda, self.b, self.ldb, self.beta, self.c, self.ldc) = (a, lda, b, ldb, beta, c, ldc)
    }

    /// Orders calls by output address, then by everything else, so that two logs of the same set of calls made
    /// in different orders (threads finish in any order) compare equal once sorted.
    public static func < (x: GEMMCall, y: GEMMCall) -> Bool { x.sortKey.lexicographicallyPrecedes(y.sortKey) }

    private var sortKey: [UInt] {
        [c, a, b, UInt(m), UInt(n), UInt(k), UInt(lda), UInt(ldb), UInt(ldc), transA ? 1 : 0, transB ? 1 : 0,
         UInt(alpha.bitPattern), UInt(beta.bitPattern)]
    }

    public var description: String {
        "gemm(\(transA ? "T" : "N")\(transB ? "T" : "N") m \(m) n \(n) k \(k) alpha \(alpha) beta \(beta) "
            + "lda \(lda) ldb \(ldb) ldc \(ldc) a 0x\(String(a, radix: 16)) b 0x\(String(b, radix: 16)) c 0x\(String(c, radix: 16)))"
    }
}

/// Records every GEMM call made through a `ComputeContext` (tests only; thread-safe).
///
/// Thread-count independence by construction means: the multiset of calls a pass makes — each with its
/// shapes, strides, scalars and operand addresses — is the same for every `ComputeContext.threads`. Since a
/// single-threaded BLAS call is a deterministic function of exactly these, the results are then bit-identical
/// for every thread count under any BLAS kernel. Comparing two logs checks that on every machine, whatever
/// kernel it runs (comparing results only checks it on machines whose kernel happens to be sensitive).
public final class GEMMCallLog: Sendable {
    private let calls = Mutex<[GEMMCall]>([])

    public init() {}

    public func record(_ call: GEMMCall) { calls.withLock { $0.append(call) } }

    /// The calls so far, sorted (the order in which threads made them is not meaningful).
    public var sortedCalls: [GEMMCall] { calls.withLock { $0 }.sorted() }

    public var count: Int { calls.withLock { $0.count } }

    public func reset() { calls.withLock { $0.removeAll() } }
}
