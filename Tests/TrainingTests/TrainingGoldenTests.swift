import Foundation
import Testing
import FTFTEncoder
import FTFTTensors
import FTFTTestSupport
@testable import FTFTTraining

/// Golden level 3: a tiny random BERT classifier trained for 12 updates by `Trainer.update` (the loop's body:
/// forward, backward, clipping, AdamW, schedule) against the same 12 updates in torch
/// (golden/generate_training.py): lr, gradient norm, loss and logits per update, final weights by name.
@Suite("Level 3: training steps against PyTorch")
struct TrainingGoldenTests {
    struct Level3 {
        let fixture: GoldenFixture
        let model: BertClassifier
        let batches: [TokenBatch]
        let args: [String: Any]
    }

    func load(kernelPath: BertClassifier.KernelPath) throws -> Level3 {
        let f = try GoldenFixture("training_l3_bert.ftg")
        let configJSON = try JSONSerialization.data(withJSONObject: f.metadata["config"] ?? [:])
        let model = try BertClassifier(config: try JSONDecoder().decode(BertConfig.self, from: configJSON))
        model.kernelPath = kernelPath
        for entry in model.layout.entries {
            let values = try f.floats("initial/" + entry.name)
            #expect(try f.shape("initial/" + entry.name) == entry.shape, "\(entry.name)")
            for (j, v) in values.enumerated() where j < entry.count { model.parameters[entry.offset + j] = v }
        }
        let args = f.metadata["args"] as? [String: Any] ?? [:]
        let steps = args["steps"] as? Int ?? 0
        let batches = try (0..<steps).map { i -> TokenBatch in
            let shape = try f.shape("batch\(i)/input_ids")
            return TokenBatch(batchSize: shape[0], length: shape[1],
                              inputIds: try f.ints("batch\(i)/input_ids").map { Int32($0) },
                              tokenTypeIds: try f.ints("batch\(i)/token_type_ids").map { Int32($0) },
                              attentionMask: try f.ints("batch\(i)/attention_mask").map { UInt8($0) },
                              labels: try f.ints("batch\(i)/labels").map { Int32($0) },
                              exampleIndices: Array((i * shape[0])..<((i + 1) * shape[0])))
        }
        return Level3(fixture: f, model: model, batches: batches, args: args)
    }

    @Test("12 updates: lr exact; norms, losses, logits and final weights within tolerance",
          arguments: BertClassifier.KernelPath.allCases)
    func twelveUpdates(kernelPath: BertClassifier.KernelPath) throws {
        let l3 = try load(kernelPath: kernelPath)
        let f = l3.fixture
        let configuration = TrainingConfiguration(
            maxSteps: l3.batches.count, batchSize: l3.batches[0].batchSize,
            learningRate: l3.args["learning_rate"] as? Double ?? 0, warmupRate: l3.args["warmup_rate"] as? Double ?? 0,
            adam: AdamWHyperparameters(epsilon: l3.args["eps"] as? Double ?? 0, weightDecay: l3.args["weight_decay"] as? Double ?? 0),
            maxGradNorm: l3.args["max_norm"] as? Double)
        // The trainer's own example list is not used by `update(batch:)`; it only has to be valid.
        let examples = [EncodedExample(inputIds: [1, 2], label: 0, index: 0)]
        let trainer = try Trainer(model: l3.model, examples: examples, configuration: configuration,
                                  random: SeededRandom(seed: 1), threads: 2)
        #expect(trainer.schedule.warmupSteps == l3.args["warmup_steps"] as? Int)
        let expectedLR = try f.entry("lr").doubles, expectedNorm = try f.floats("total_norm")
        #expect(expectedNorm.contains { $0 > 4 } && expectedNorm.contains { $0 < 4 }, "some updates clipped, some not")
        let K = l3.model.numLabels
        var losses: [Float] = [], logits: [Float] = [], norms: [Float] = []
        for (i, batch) in l3.batches.enumerated() {
            let result = try trainer.update(batch: batch)
            #expect(result.learningRate == expectedLR[i], "lr of update \(i + 1)")
            losses.append(result.loss)
            logits += result.logits
            norms.append(result.gradientNorm.totalNorm)
        }
        var report: [Comparison] = []
        func check(_ c: Comparison) {
            report.append(c)
            #expect(c.passed, "\(c)")
        }
        let steps = l3.batches.count, B = l3.batches[0].batchSize
        check(try f.compare("total_norm", actual: norms, shape: [steps], tolerance: .gradient))
        check(try f.compare("loss", actual: losses, shape: [steps], tolerance: .training))
        check(try f.compare("logits", actual: logits, shape: [steps, B, K], tolerance: .training))
        var worstWeight: Comparison?
        for entry in l3.model.layout.entries {
            let actual = Array(UnsafeBufferPointer(start: l3.model.parameters.data + entry.offset, count: entry.count))
            if entry.name.hasSuffix("attention.self.key.bias") {
                // Its gradient is zero in exact arithmetic (q·b_k shifts a whole softmax row), so both sides move
                // it only by AdamW steps driven by rounding noise: bounded, not comparable element by element.
                let initial = try f.floats("initial/" + entry.name), final = try f.floats("final/" + entry.name)
                let drift = zip(actual, initial).map { abs($0 - $1) }.max() ?? 0
                let torchDrift = zip(final, initial).map { abs($0 - $1) }.max() ?? 0
                print("golden: \(entry.name) noise-driven drift ftft \(drift), torch \(torchDrift)")
                #expect(drift < 1e-4 && torchDrift < 1e-4)
                continue
            }
            let c = try f.compare("final/" + entry.name, actual: actual, shape: entry.shape, tolerance: .training)
            #expect(c.passed, "\(c)")
            if c.worstBudgetUsed >= (worstWeight?.worstBudgetUsed ?? -1) { worstWeight = c }
        }
        for c in report + [worstWeight].compactMap({ $0 }) { print("golden: level 3 (\(kernelPath)) \(c)") }
    }
}
