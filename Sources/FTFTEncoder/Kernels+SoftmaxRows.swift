import FTFTTensors

// The fast path's masked softmax on its own. `attentionFusedForward` runs `maskedSoftmaxRow` on every row of
// scores inside its per-(batch, head) loop, so the softmax has no public entry of its own there; this one exists
// so that the Kernels benchmark can validate the row pass against `maskedSoftmaxForward` (the Double reference)
// and time it alone. Same conventions as the reference: masked keys get exactly 0, a row whose keys are all
// masked gets the uniform 1/T.

/// In place: scores → probabilities for R rows of T scores sharing one key mask, rows in parallel on `threads`
/// workers (blocks of 64 rows, taken dynamically). Each row is computed by one worker, so the result does not
/// depend on `threads`.
public func maskedSoftmaxFastForward(
    _ scores: UnsafeMutablePointer<Float>,  // [R,T] scores in, probabilities out
    keyMask: UnsafePointer<UInt8>,           // [T] 1 for real keys, 0 for padding
    R: Int, T: Int, threads: Int
) {
    guard R > 0, T > 0 else { return }
    let blockRows = 64
    withUnsafeTemporaryAllocation(of: Float.self, capacity: T) { keepBuffer in
        guard let keep = keepBuffer.baseAddress else { return }
        var anyKept = false
        for j in 0..<T {
            keep[j] = keyMask[j] != 0 ? 1 : 0
            anyKept = anyKept || keyMask[j] != 0
        }
        let sharedKeep = UncheckedSendable(UnsafePointer(keep))
        parallelDynamic(threads: threads, count: (R + blockRows - 1) / blockRows) { block in
            for r in (block * blockRows)..<min(R, (block + 1) * blockRows) {
                let row = scores + r * T
                if anyKept {
                    maskedSoftmaxRow(row, keep: sharedKeep.value, T: T)
                } else {
                    row.update(repeating: 1 / Float(T), count: T)
                }
            }
        }
    }
}
