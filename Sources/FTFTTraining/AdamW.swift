import FTFTEncoder
import FTFTTensors

/// AdamW's settings. Defaults are FTFT's: torch's betas (0.9, 0.999), eps = `adam_eps` = 1e-6 and
/// weight_decay 0 (method.md §1.2, `F:config.py L38, L41`).
public struct AdamWHyperparameters: Codable, Equatable, Sendable {
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    /// Applied only to entries whose `decays` is true (not `bias`, not `LayerNorm.weight`).
    public var weightDecay: Double

    public init(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-6, weightDecay: Double = 0) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }
}

/// `torch.optim.AdamW` (torch 2.15, single-tensor path `_single_tensor_adam` with `decoupled_weight_decay`, the
/// one torch takes for CPU tensors), over one parameter arena with two groups: entries that decay and entries
/// that do not. For update t (1-based), with lr and the group's wd (Python floats, i.e. Double):
///
///     p ← p · f32(1 − lr·wd)                        only if wd ≠ 0
///     m ← fma(f32(1−β1), g − m, m)                  torch's `lerp_(g, 1−β1)`, weight < 0.5 branch
///     v ← fma(f32(1−β2)·g, g, v · f32(β2))          `mul_(β2).addcmul_(g, g, value=1−β2)`
///     d ← √v / f32((1−β2^t)^0.5) + f32(eps)
///     p ← p + (f32(−lr/(1−β1^t)) · m) / d           `addcdiv_(m, d, value=−step_size)`
///
/// Scalars are computed in Double and rounded once to Float, as torch converts Python scalars; every tensor
/// operation is one Float32 rounding (or one fused multiply-add where torch's AVX2/AVX-512 kernels fuse). The
/// operation order was established by comparing bit patterns against torch 2.15 on CPU: everything agrees
/// bit for bit except the square root, which torch takes from MKL's vectorised `vsSqrt` (not correctly
/// rounded, off by one ulp for ~20 % of elements) and ftft takes correctly rounded.
///
/// State: m and v in arenas with the parameters' layout, and the update count t (torch's `state['step']`).
public final class AdamW {
    public let hyperparameters: AdamWHyperparameters
    public let entries: [ParameterLayout.Entry]
    /// [total] first moments m (torch `exp_avg`), same layout as the parameters.
    public let firstMoment: Tensor
    /// [total] second moments v (torch `exp_avg_sq`).
    public let secondMoment: Tensor
    /// Number of updates applied so far (t after the last update).
    public internal(set) var stepCount = 0
    /// (start, count, decays) pieces of the arena, ≤ `pieceSize` floats each, for threading.
    private let pieces: [(start: Int, count: Int, decays: Bool)]
    static let pieceSize = 1 << 16

    public init(entries: [ParameterLayout.Entry], arenaCount: Int, hyperparameters: AdamWHyperparameters = .init()) {
        self.hyperparameters = hyperparameters
        self.entries = entries
        firstMoment = Tensor(zeros: [arenaCount])
        secondMoment = Tensor(zeros: [arenaCount])
        var pieces: [(Int, Int, Bool)] = []
        for e in entries {
            var start = e.offset
            let end = e.offset + e.count
            while start < end {
                let n = min(Self.pieceSize, end - start)
                pieces.append((start, n, e.decays))
                start += n
            }
        }
        self.pieces = pieces
    }

    /// Applies update t = stepCount + 1 with learning rate `learningRate` to `parameters` using `gradients`
    /// (both [total], the optimizer's layout). Elementwise, so the result does not depend on `threads`.
    public func step(parameters: Tensor, gradients: Tensor, learningRate: Double, threads: Int = 1) {
        precondition(parameters.count == firstMoment.count && gradients.count == firstMoment.count,
                     "AdamW: arena sizes differ")
        stepCount += 1
        let h = hyperparameters
        let t = Double(stepCount)
        let biasCorrection1 = 1 - pow(h.beta1, t)
        let biasCorrection2 = 1 - pow(h.beta2, t)
        let scalars = UpdateScalars(
            decayFactor: Float(1 - learningRate * h.weightDecay),
            applyDecay: h.weightDecay != 0,
            lerpWeight: Float(1 - h.beta1),
            beta2: Float(h.beta2),
            oneMinusBeta2: Float(1 - h.beta2),
            biasCorrection2Sqrt: Float(pow(biasCorrection2, 0.5)),
            epsilon: Float(h.epsilon),
            negativeStepSize: Float(-(learningRate / biasCorrection1)))
        let p = parameters.data, g = gradients.data, m = firstMoment.data, v = secondMoment.data
        let pieces = self.pieces
        parallelFor(threads: threads, count: pieces.count) { i in
            let piece = pieces[i]
            Self.update(p + piece.start, g + piece.start, m + piece.start, v + piece.start, count: piece.count,
                        decays: piece.decays, scalars)
        }
    }

    struct UpdateScalars {
        let decayFactor: Float
        let applyDecay: Bool
        let lerpWeight: Float
        let beta2: Float
        let oneMinusBeta2: Float
        let biasCorrection2Sqrt: Float
        let epsilon: Float
        let negativeStepSize: Float
    }

    /// One contiguous run of elements of one group. p, m, v: [count] updated in place; g: [count] read.
    @inline(__always)
    static func update(_ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>,
                       _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>,
                       count: Int, decays: Bool, _ s: UpdateScalars) {
        let decay = decays && s.applyDecay
        // torch's lerp: weight < 0.5 → self + w·(end − self), else end − (end − self)·(1 − w), both fused.
        let smallWeight = abs(s.lerpWeight) < 0.5
        for i in 0..<count {
            var pi = p[i]
            if decay { pi = pi * s.decayFactor }
            let gi = g[i]
            var mi = m[i]
            mi = smallWeight ? mi.addingProduct(s.lerpWeight, gi - mi) : gi.addingProduct(s.lerpWeight - 1, gi - mi)
            let vi = (v[i] * s.beta2).addingProduct(s.oneMinusBeta2 * gi, gi)
            let denominator = vi.squareRoot() / s.biasCorrection2Sqrt + s.epsilon
            p[i] = pi + (s.negativeStepSize * mi) / denominator
            m[i] = mi
            v[i] = vi
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
