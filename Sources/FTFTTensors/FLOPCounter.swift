import Synchronization

/// Counts floating-point operations at the GEMM wrapper: 2·m·n·k per call (one multiply and one add per
/// term of each dot product). Thread-safe, because attention GEMMs run on several threads at once.
///
/// Only matrix products are counted; elementwise work (softmax, GELU, LayerNorm, AdamW) is not, matching the
/// 6·N·D convention of Kaplan et al. that the FTFT paper uses (see `FTFTExperiments` ComputeLedger).
public final class FLOPCounter: Sendable {
    private let total = Atomic<Int64>(0)
    private let calls = Atomic<Int64>(0)

    public init() {}

    public func add(_ flops: Int64) {
        total.add(flops, ordering: .relaxed)
        calls.add(1, ordering: .relaxed)
    }

    public var flops: Int64 { total.load(ordering: .relaxed) }
    public var gemmCalls: Int64 { calls.load(ordering: .relaxed) }

    public func reset() {
        total.store(0, ordering: .relaxed)
        calls.store(0, ordering: .relaxed)
    }
}
