import Dispatch
import Synchronization

/// Runs `body(i)` for i in 0..<count on up to `threads` workers that take indices one at a time from a shared
/// counter (dynamic scheduling). On a shared machine a descheduled worker then holds up one index, not half
/// of the work. As with `parallelFor`, `body` must write only its own index's outputs, so results do not
/// depend on which worker runs which index, or on the thread count.
public func parallelDynamic(threads: Int, count: Int, _ body: (Int) -> Void) {
    if count <= 0 { return }
    let workers = min(max(1, threads), count)
    if workers == 1 {
        for i in 0..<count { body(i) }
        return
    }
    let next = Atomic<Int>(0)
    withoutActuallyEscaping(body) { body in
        // Disjoint outputs per index (see above) make sharing the body safe.
        let shared = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                if i >= count { break }
                shared.value(i)
            }
        }
    }
}
