import FTFTBenchmarkSupport
import FTFTEncoder
import FTFTTensors
import FTFTTestSupport
import FTFTTraining

/// `AdamW.step` (torch's single-tensor AdamW, one pass over the arena) on the parameter arena of one of the
/// perf-anchors configurations, weight decay 0.01 so both parameter groups do work. Reads p, g, m, v and writes
/// p, m, v: 28 bytes per parameter.
///
/// Validation: three updates against the textbook AdamW in Double (Loshchilov & Hutter 2019, Algorithm 2, with
/// torch's bias corrections: p ← p·(1 − lr·wd) for decaying entries; m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
/// p ← p − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε)), at `Tolerance.training`; and the threaded update bit-identical to
/// the single-threaded one (it is elementwise).
final class AdamWCase: KernelCase, @unchecked Sendable {
    let layout: ParameterLayout
    let parameters: Tensor, gradients: Tensor
    let optimizer: AdamW
    static let hyperparameters = AdamWHyperparameters(weightDecay: 0.01)
    static let learningRate = 1e-4

    init(configuration: String, config: BertConfig) {
        layout = ParameterLayout(config: config)
        parameters = Tensor(zeros: [layout.totalCount]); gradients = Tensor(zeros: [layout.totalCount])
        Fill.normal(parameters, seed: 81, std: 0.02)
        Fill.normal(gradients, seed: 82, std: 1e-3)
        optimizer = AdamW(entries: layout.entries, arenaCount: layout.totalCount, hyperparameters: Self.hyperparameters)
        super.init(name: "adamw \(configuration)", work: .bytes(28 * Double(layout.totalCount)))
    }

    override func run(threads: Int) {
        optimizer.step(parameters: parameters, gradients: gradients, learningRate: Self.learningRate, threads: threads)
    }

    override func validate(threads: Int) throws {
        // The first 2^20 entries are enough to cover both groups; the threaded run covers the whole arena.
        let count = min(layout.totalCount, 1 << 20)
        let entries = layout.entries.filter { $0.offset < count }.map {
            ParameterLayout.Entry(name: $0.name, shape: [min($0.count, count - $0.offset)], offset: $0.offset)
        }
        let p = Tensor(zeros: [count]), g = Tensor(zeros: [count])
        p.data.update(from: parameters.data, count: count)
        g.data.update(from: gradients.data, count: count)
        let small = AdamW(entries: entries, arenaCount: count, hyperparameters: Self.hyperparameters)
        let h = Self.hyperparameters
        var rp = (0..<count).map { Double(p[$0]) }
        var (rm, rv) = ([Double](repeating: 0, count: count), [Double](repeating: 0, count: count))
        let decays = entries.flatMap { [Bool](repeating: $0.decays, count: $0.count) }
        for t in 1...3 {
            small.step(parameters: p, gradients: g, learningRate: Self.learningRate, threads: threads)
            let lr = Self.learningRate
            let (c1, c2) = (1 - pow(h.beta1, Double(t)), 1 - pow(h.beta2, Double(t)))
            for i in 0..<count {
                let gi = Double(g[i])
                if decays[i] { rp[i] *= 1 - lr * h.weightDecay }
                rm[i] = h.beta1 * rm[i] + (1 - h.beta1) * gi
                rv[i] = h.beta2 * rv[i] + (1 - h.beta2) * gi * gi
                rp[i] -= lr / c1 * rm[i] / (rv[i].squareRoot() / c2.squareRoot() + h.epsilon)
            }
        }
        let expected = Tensor(zeros: [count])
        for i in 0..<count { expected[i] = Float(rp[i]) }
        try Check.close("\(name) parameters after 3 updates", p.data, expected.data, count: count, .training)
        for i in 0..<count { expected[i] = Float(rm[i]) }
        try Check.close("\(name) first moments", small.firstMoment.data, expected.data, count: count, .training)

        // Thread invariance on the whole arena: one update at `threads` and at 1 from the same state.
        let one = AdamW(entries: layout.entries, arenaCount: layout.totalCount, hyperparameters: h)
        let copy = parameters.copy()
        one.step(parameters: copy, gradients: gradients, learningRate: Self.learningRate, threads: 1)
        let threaded = AdamW(entries: layout.entries, arenaCount: layout.totalCount, hyperparameters: h)
        let other = parameters.copy()
        threaded.step(parameters: other, gradients: gradients, learningRate: Self.learningRate, threads: threads)
        try Check.close("\(name) at \(threads) threads vs 1", other.data, copy.data, count: copy.count, .exact)
    }
}

#if canImport(Glibc)
import Glibc
#endif
