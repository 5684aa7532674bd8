import FTFTEncoder
import FTFTTensors
import Testing

// The FLOPs counted at the GEMM wrapper over real passes equal the analytic count, exactly.

@Suite("Analytic FLOPs")
struct BertFLOPsTests {
    static let config = BertConfig(vocabSize: 50, hiddenSize: 24, layers: 3, heads: 3, intermediateSize: 40,
                                   maxPositions: 32, hiddenDropout: 0.1, attentionDropout: 0.1, numLabels: 4)

    static func batch() -> TokenBatch {
        TokenBatch(sequences: [[2, 7, 9, 11, 3], [2, 5, 3], [2, 8, 8, 8, 8, 8, 8, 3]],
                   tokenTypes: [[0, 0, 0, 1, 1], [0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1]],
                   labels: [0, 3, 1], exampleIndices: [0, 1, 2])
    }

    @Test(arguments: BertClassifier.KernelPath.allCases)
    func countedEqualsAnalytic(kernelPath: BertClassifier.KernelPath) throws {
        let model = try BertClassifier(config: Self.config)
        model.kernelPath = kernelPath
        model.initializeRandomly(SeededRandom(seed: 3))
        let batch = Self.batch()
        let flops = BertFLOPs(config: Self.config)
        let counter = FLOPCounter()
        let context = ComputeContext(flops: counter, backend: .blas, threads: 2)
        _ = try model.trainingStep(batch: batch, random: SeededRandom(seed: 4), step: 0, context: context)
        #expect(counter.flops == flops.trainingFLOPs(batchSize: 3, length: 8))
        counter.reset()
        _ = try model.logits(batch: batch, context: context)
        #expect(counter.flops == flops.forwardFLOPs(batchSize: 3, length: 8))
        counter.reset()
        _ = try model.hiddenStates(batch: batch, context: context)
        #expect(counter.flops == flops.encoderForwardFLOPs(batchSize: 3, length: 8))
    }

    /// The formula's terms for a known shape, and Kaplan's N and 6·N·D.
    @Test func formulaTerms() {
        let flops = BertFLOPs(config: Self.config)
        let (B, T, C, F, K) = (Int64(2), Int64(5), Int64(24), Int64(40), Int64(4))
        let layer = 8 * B * T * C * C + 4 * B * T * T * C + 4 * B * T * C * F
        #expect(flops.layerForwardFLOPs(batchSize: 2, length: 5) == layer)
        #expect(flops.forwardFLOPs(batchSize: 2, length: 5) == 3 * layer + 2 * B * C * C + 2 * B * C * K)
        #expect(flops.trainingFLOPs(batchSize: 2, length: 5) == 3 * flops.forwardFLOPs(batchSize: 2, length: 5))
        #expect(flops.kaplanNonEmbeddingParameters == 3 * (4 * C * C + 2 * C * F))
        #expect(flops.kaplanTrainingFLOPs(tokens: 1000) == 6 * flops.kaplanNonEmbeddingParameters * 1000)
    }
}
