import Foundation
import Testing
import FTFTEncoder
import FTFTTensors
import FTFTTestSupport
@testable import FTFTTraining

/// Golden level 4 on the real model: a tiny BertClassifier with dropout on, trained by the loop, checkpointed,
/// "crashed", restored into a fresh model and optimizer and continued — bit-identical to the uninterrupted run.
@Suite("Level 4: save, reload, continue (BertClassifier)")
struct BertCheckpointTests {
    static let config = BertConfig(vocabSize: 40, hiddenSize: 16, layers: 2, heads: 2, intermediateSize: 32,
                                   maxPositions: 16, hiddenDropout: 0.1, attentionDropout: 0.1, numLabels: 3)
    static let examples = syntheticExamples(count: 30, vocabulary: 39, labels: 3, seed: 31).map { e in
        // Keep token 0 (padding) out of the data.
        EncodedExample(inputIds: e.inputIds.map { $0 + 1 }, tokenTypeIds: e.tokenTypeIds, label: e.label, index: e.index)
    }
    static let heldOut = syntheticExamples(count: 9, vocabulary: 39, labels: 3, seed: 32).map { e in
        EncodedExample(inputIds: e.inputIds.map { $0 + 1 }, tokenTypeIds: e.tokenTypeIds, label: e.label, index: e.index)
    }

    func makeTrainer(initSeed: UInt64) throws -> Trainer {
        let model = try BertClassifier(config: Self.config)
        model.initializeRandomly(SeededRandom(seed: initSeed))
        let configuration = TrainingConfiguration(
            maxSteps: 10, batchSize: 8, learningRate: 1e-3, warmupRate: 0.2,
            adam: AdamWHyperparameters(weightDecay: 0.01), maxGradNorm: 1.0, evalInterval: 3)
        return try Trainer(model: model, examples: Self.examples, configuration: configuration,
                           random: SeededRandom(seed: 77), threads: 2)
    }

    @Test("crash after update k, restore, continue: weights, moments, losses, dynamics and evaluations bit-identical",
          arguments: [2, 4, 7])
    func resume(savedAt k: Int) throws {
        let reference = try makeTrainer(initSeed: 1)
        let full = RecordingObserver()
        full.evaluationSet = Self.heldOut
        try reference.run(observer: full)
        #expect(full.updates.count == 10)
        #expect(Set(full.updates.map(\.loss)).count == 10, "dropout and updates change every loss")

        let path = try PackagePaths.temporaryDirectory().appendingPathComponent("bert.safetensors").path
        let first = try makeTrainer(initSeed: 1)
        let before = RecordingObserver()
        before.evaluationSet = Self.heldOut
        before.checkpoint = (k, path)
        before.crashAtUpdate = k + 2
        #expect(throws: SimulatedCrash.self) { try first.run(observer: before) }

        let second = try makeTrainer(initSeed: 2)
        try second.restore(fromCheckpoint: path)
        let after = RecordingObserver()
        after.evaluationSet = Self.heldOut
        try second.run(observer: after)

        let tail = full.updates.filter { $0.step > k }
        #expect(bits(second.model.parameters.array) == bits(reference.model.parameters.array))
        #expect(bits(second.optimizer.firstMoment.array) == bits(reference.optimizer.firstMoment.array))
        #expect(bits(second.optimizer.secondMoment.array) == bits(reference.optimizer.secondMoment.array))
        #expect(bits(after.updates.map(\.loss)) == bits(tail.map(\.loss)))
        #expect(bits(after.updates.flatMap(\.logits)) == bits(tail.flatMap(\.logits)))
        #expect(after.updates.flatMap(\.exampleIndices) == tail.flatMap(\.exampleIndices))
        #expect(after.evaluationSteps == full.evaluationSteps.filter { $0 > k })
        #expect(bits(after.evaluationLogits.flatMap { $0 }) == bits(full.evaluationLogits.suffix(after.evaluationLogits.count).flatMap { $0 }))
        #expect(after.epochEnds == full.epochEnds.filter { $0.step > k })
        #expect(second.trainingFLOPs == reference.trainingFLOPs && second.evaluationFLOPs == reference.evaluationFLOPs)
    }

    @Test("the checkpoint's weights open as a Hugging Face checkpoint and reproduce the model's logits")
    func checkpointIsLoadableWeights() throws {
        let trainer = try makeTrainer(initSeed: 3)
        let dir = try PackagePaths.temporaryDirectory()
        try trainer.saveCheckpoint(to: dir.appendingPathComponent("model.safetensors").path)
        try String(decoding: try JSONEncoder().encode(Self.config), as: UTF8.self)
            .write(to: dir.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let checkpoint = try PretrainedCheckpoint(directory: dir.path)
        let model = try BertClassifier(config: checkpoint.config)
        let report = try checkpoint.load(into: model, random: SeededRandom(seed: 0))
        #expect(report.freshlyInitialized.isEmpty)
        #expect(report.ignored.count == 2 * model.layout.entries.count, "the moments are ignored as foreign tensors")
        #expect(bits(model.parameters.array) == bits(trainer.model.parameters.array))
    }

    @Test("a checkpoint of a model with another configuration (same shapes, other dropout) is refused")
    func modelConfigMismatch() throws {
        let path = try PackagePaths.temporaryDirectory().appendingPathComponent("bert.safetensors").path
        try makeTrainer(initSeed: 1).saveCheckpoint(to: path)
        var other = Self.config
        other.hiddenDropout = 0.2
        let model = try BertClassifier(config: other)
        let trainer = try makeTrainer(initSeed: 1)
        let mismatched = try Trainer(model: model, examples: Self.examples, configuration: trainer.configuration,
                                     random: trainer.random)
        do {
            try mismatched.restore(fromCheckpoint: path)
            Issue.record("restored a checkpoint of another model configuration")
        } catch TrainingError.checkpointMismatch(let file, let field, _) {
            #expect(file == path && field == "model_config")
        }
    }
}
