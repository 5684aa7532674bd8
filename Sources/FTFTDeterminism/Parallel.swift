import Dispatch

/// Runs `body(i)` for i in 0..<count, spread over `threads` workers in contiguous chunks.
///
/// Every index is processed by exactly one call, and work for index i never depends on which worker runs
/// it, so any body that writes only to its own index's outputs gives bit-identical results for every
/// thread count. Reductions across indices must not be done inside `body`.
public func parallelFor(threads: Int, count: Int, _ body: (Int) -> Void) {
    if count <= 0 { return }
    let workers = min(max(1, threads), count)
    if workers == 1 {
        for i in 0..<count { body(i) }
        return
    }
    withoutActuallyEscaping(body) { body in
        // The body only touches disjoint outputs per index (see above), so sharing it across workers is safe
        // even though the closure type cannot say so.
        let shared = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let start = count * w / workers
            let end = count * (w + 1) / workers
            for i in start..<end { shared.value(i) }
        }
    }
}

/// Wraps a value that is shared across threads under an invariant the type system cannot check (documented at
/// each use). Keep uses rare and local.
public struct UncheckedSendable<Value>: @unchecked Sendable {
    public let value: Value
    public init(_ value: Value) { self.value = value }
}
