import FTFTEncoder
import FTFTTensors

/// The global gradient norm of one update and the factor the gradients were scaled by.
public struct GradientNorm: Sendable, Equatable {
    /// ‖g‖₂ over all parameters, before clipping.
    public let totalNorm: Float
    /// min(1, max_norm / (‖g‖ + 1e-6)); 1 when clipping is off.
    public let clipCoefficient: Float
}

/// `torch.nn.utils.clip_grad_norm_(parameters, max_norm)` as FTFT calls it before every optimizer step
/// (method.md §1.4, max_norm 1.0):
///
///     n_i   = ‖g_i‖₂ per parameter tensor, rounded to Float32 (torch keeps per-tensor norms as float32)
///     total = ‖(n_1, …, n_k)‖₂
///     coef  = f32(max_norm) / (total + f32(1e-6)),  clamped to ≤ 1;   g ← g · coef
///
/// Sums of squares are accumulated in Double over fixed pieces of each tensor, then the pieces in order, so
/// the result does not depend on the thread count. torch sums in Float32 in its own order; the norms agree to
/// a few ulp, which moves `coef` by as much (the golden tests measure it).
///
/// The norm is also the finiteness check: a NaN or infinite gradient stops training with the tensor named,
/// before any parameter changes, whether or not clipping is on.
public enum GradientClipping {
    static let pieceSize = 1 << 16

    /// Measures ‖g‖ over `entries` of `gradients` [total] and, when `maxNorm` is set, scales them in place.
    /// `step` (1-based update number) is only for the error message.
    public static func clip(gradients: Tensor, entries: [ParameterLayout.Entry], maxNorm: Double?, step: Int,
                            threads: Int = 1) throws -> GradientNorm {
        var pieces: [(entry: Int, start: Int, count: Int)] = []
        for (i, e) in entries.enumerated() {
            var start = e.offset
            while start < e.offset + e.count {
                let n = min(pieceSize, e.offset + e.count - start)
                pieces.append((i, start, n))
                start += n
            }
        }
        let g = gradients.data
        var partial = [Double](repeating: 0, count: pieces.count)
        partial.withUnsafeMutableBufferPointer { out in
            let out = UncheckedSendable(out)  // each index writes only its own slot
            parallelFor(threads: threads, count: pieces.count) { i in
                var sum = 0.0
                let base = g + pieces[i].start
                for j in 0..<pieces[i].count {
                    let x = Double(base[j])
                    sum += x * x
                }
                out.value[i] = sum
            }
        }
        var squares = [Double](repeating: 0, count: entries.count)
        for (i, piece) in pieces.enumerated() { squares[piece.entry] += partial[i] }
        var total = 0.0
        for (i, s) in squares.enumerated() {
            guard s.isFinite else { throw TrainingError.nonFiniteGradient(step: step, tensor: entries[i].name) }
            let n = Double(Float(s.squareRoot()))
            total += n * n
        }
        let totalNorm = Float(total.squareRoot())
        guard totalNorm.isFinite else {
            throw TrainingError.nonFiniteGradient(step: step, tensor: "(all parameters: the norm overflows Float32)")
        }
        guard let maxNorm else { return GradientNorm(totalNorm: totalNorm, clipCoefficient: 1) }
        let coefficient = min(Float(maxNorm) / (totalNorm + Float(1e-6)), 1)
        if coefficient < 1 {
            parallelFor(threads: threads, count: pieces.count) { i in
                let base = g + pieces[i].start
                for j in 0..<pieces[i].count { base[j] *= coefficient }
            }
        }
        return GradientNorm(totalNorm: totalNorm, clipCoefficient: coefficient)
    }
}
