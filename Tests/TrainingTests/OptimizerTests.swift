import Testing
import FTFTEncoder
import FTFTTensors
import FTFTTestSupport
@testable import FTFTTraining

@Suite("Optimizer properties")
struct OptimizerTests {
    /// Two entries of 150,000 floats (several threading pieces each), one decaying, one not.
    func bigArena() -> ([ParameterLayout.Entry], Tensor, Tensor) {
        let entries = [ParameterLayout.Entry(name: "big.weight", shape: [150_000], offset: 0),
                       ParameterLayout.Entry(name: "big.bias", shape: [150_000], offset: 150_000)]
        let p = Tensor(zeros: [300_000]), g = Tensor(zeros: [300_000])
        var s = SeededRandom(seed: 5).stream(.testing)
        s.fillNormal(p.data, count: p.count, mean: 0, std: 1)
        s.fillNormal(g.data, count: g.count, mean: 0, std: 0.01)
        return (entries, p, g)
    }

    @Test("AdamW and clipping give bit-identical results with 1 and 2 threads")
    func threadIndependence() throws {
        var results: [[Float]] = []
        for threads in [1, 2] {
            let (entries, p, g) = bigArena()
            let adam = AdamW(entries: entries, arenaCount: p.count, hyperparameters: .init(weightDecay: 0.1))
            for step in 1...3 {
                let norm = try GradientClipping.clip(gradients: g, entries: entries, maxNorm: 1.0, step: step, threads: threads)
                #expect(step > 1 || norm.clipCoefficient < 1)
                adam.step(parameters: p, gradients: g, learningRate: 1e-3, threads: threads)
            }
            results.append(p.array + adam.firstMoment.array + adam.secondMoment.array)
        }
        #expect(results[0].map(\.bitPattern) == results[1].map(\.bitPattern))
    }

    @Test("weight decay touches only entries whose name decays; the first update (lr 0) changes nothing")
    func decayGroups() throws {
        let entries = [ParameterLayout.Entry(name: "a.weight", shape: [4], offset: 0),
                       ParameterLayout.Entry(name: "a.LayerNorm.weight", shape: [4], offset: 4)]
        let p = try Tensor(shape: [8], values: [1, 2, 3, 4, 1, 2, 3, 4]), g = Tensor(zeros: [8])
        let adam = AdamW(entries: entries, arenaCount: 8, hyperparameters: .init(weightDecay: 0.5))
        let schedule = LinearWarmupSchedule(totalSteps: 10, warmupRate: 0.1, baseLearningRate: 0.1)
        adam.step(parameters: p, gradients: g, learningRate: schedule.learningRate(update: 1))
        #expect(p.array == [1, 2, 3, 4, 1, 2, 3, 4])
        adam.step(parameters: p, gradients: g, learningRate: 0.1)
        // Zero gradients: only the decoupled decay moves the decaying entry, by the factor f32(1 − 0.1·0.5).
        #expect(Array(p.array[0..<4]) == [1, 2, 3, 4].map { $0 * Float(1 - 0.1 * 0.5) })
        #expect(Array(p.array[4..<8]) == [1, 2, 3, 4])
    }

    @Test("a NaN or infinite gradient is an error naming the update and the tensor; clipping off leaves g alone")
    func nonFinite() throws {
        let entries = [ParameterLayout.Entry(name: "x.weight", shape: [3], offset: 0),
                       ParameterLayout.Entry(name: "y.bias", shape: [2], offset: 16)]
        let g = Tensor(zeros: [18])
        g[0] = 3; g[1] = 4
        let norm = try GradientClipping.clip(gradients: g, entries: entries, maxNorm: nil, step: 1)
        #expect(norm == GradientNorm(totalNorm: 5, clipCoefficient: 1))
        #expect(g[0] == 3 && g[1] == 4)
        let clipped = try GradientClipping.clip(gradients: g, entries: entries, maxNorm: 1, step: 1)
        #expect(clipped.clipCoefficient == Float(1) / (Float(5) + Float(1e-6)))
        g[17] = .nan
        #expect(throws: TrainingError.nonFiniteGradient(step: 7, tensor: "y.bias")) {
            try GradientClipping.clip(gradients: g, entries: entries, maxNorm: 1, step: 7)
        }
        g[17] = 0; g[2] = -.infinity
        #expect(throws: TrainingError.nonFiniteGradient(step: 8, tensor: "x.weight")) {
            try GradientClipping.clip(gradients: g, entries: entries, maxNorm: nil, step: 8)
        }
    }
}
