import FTFTEncoder
import FTFTTensors
import Testing
@testable import FTFTTraining

/// A whole run of the demo's main model (`large` of experiments/embedded-demo.yaml: 2 layers, hidden 64, 4 heads,
/// FFN 256, dropout 0.1; batch 32 over 3,000 sentences; 120 updates — more than one epoch — with warmup, clipping
/// and AdamW; the demo runs 600) ends with bit-identical weights and AdamW moments for 1, 2, 3 and 4 threads
/// (issue 11): every GEMM panel, attention head, elementwise
/// block and reduction is fixed by the shapes, whatever the thread count. Synthetic sentences of the demo's
/// lengths (12–18 tokens) stand in for the embedded task (FTFTTraining does not depend on the data module).
@Suite("Thread-count independence of a run")
struct ThreadIndependentRunTests {
    @Test func demoSizedRunEndsWithIdenticalWeightsForAnyThreadCount() throws {
        let config = BertConfig(vocabSize: 400, hiddenSize: 64, layers: 2, heads: 4, intermediateSize: 256,
                                maxPositions: 64, numLabels: 2)
        var stream = SeededRandom(seed: 71).stream(.testing)
        let examples = (0..<3000).map { i -> EncodedExample in
            let length = 12 + stream.nextInt(below: 7)
            let ids = (0..<length).map { _ in Int32(4 + stream.nextInt(below: 396)) }
            return EncodedExample(inputIds: ids, label: Int32(ids.reduce(0) { $0 + Int($1) } % 2), index: i)
        }
        var finals: [(weights: Tensor, first: Tensor, second: Tensor)] = []
        for threads in [1, 2, 3, 4] {
            let model = try BertClassifier(config: config)
            model.initializeRandomly(SeededRandom(seed: 72))
            let trainer = try Trainer(model: model, examples: examples,
                                      configuration: TrainingConfiguration(maxSteps: 120, batchSize: 32, learningRate: 1e-3,
                                                                           evalInterval: 120),
                                      random: SeededRandom(seed: 73), threads: threads)
            try trainer.run()
            finals.append((model.parameters.copy(), trainer.optimizer.firstMoment.copy(),
                           trainer.optimizer.secondMoment.copy()))
        }
        func same(_ x: Tensor, _ y: Tensor) -> Bool {
            x.count == y.count && (0..<x.count).allSatisfy { x[$0].bitPattern == y[$0].bitPattern }
        }
        for (i, threads) in [2, 3, 4].enumerated() {
            #expect(same(finals[i + 1].weights, finals[0].weights), "weights after 120 updates differ at \(threads) threads")
            #expect(same(finals[i + 1].first, finals[0].first) && same(finals[i + 1].second, finals[0].second),
                    "AdamW moments differ at \(threads) threads")
        }
    }
}
