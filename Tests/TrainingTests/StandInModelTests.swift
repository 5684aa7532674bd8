import Testing
import FTFTEncoder
import FTFTTensors
@testable import FTFTTraining

/// The loop tests lean on the stand-in model learning, so its analytic gradient is checked against central
/// differences (same batch, same dropout step).
@Suite("Stand-in model")
struct StandInModelTests {
    @Test("analytic gradients agree with central differences")
    func gradientCheck() throws {
        let model = MeanEmbeddingClassifier(vocabulary: 12, channels: 4, labels: 3, dropout: 0.25, seed: 2)
        let examples = syntheticExamples(count: 5, vocabulary: 12, labels: 3, seed: 9)
        let batch = TokenBatch(examples: examples, padTokenId: 0)
        let random = SeededRandom(seed: 4)
        model.gradients.zero()
        _ = try model.trainingStep(batch: batch, random: random, step: 3, context: ComputeContext())
        let analytic = model.gradients.array
        let scratch = MeanEmbeddingClassifier(vocabulary: 12, channels: 4, labels: 3, dropout: 0.25, seed: 2)
        var checked = 0
        for i in stride(from: 0, to: model.parameters.count, by: 3) where analytic[i] != 0 || i >= 48 {
            let h: Float = 1e-2
            func loss(_ delta: Float) throws -> Double {
                for j in 0..<model.parameters.count { scratch.parameters[j] = model.parameters[j] }
                scratch.parameters[i] += delta
                return Double(try scratch.trainingStep(batch: batch, random: random, step: 3, context: ComputeContext()).loss)
            }
            let numeric = (try loss(h) - loss(-h)) / Double(2 * h)
            #expect(abs(numeric - Double(analytic[i])) <= 2e-3 + 2e-2 * abs(numeric), "parameter \(i)")
            checked += 1
        }
        #expect(checked > 10)
    }
}
