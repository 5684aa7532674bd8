import Foundation
import Testing
import FTFTEncoder
import FTFTTensors
import FTFTTestSupport
@testable import FTFTTraining

/// Golden level 4 on the stand-in model: save → crash → reload into a fresh model and optimizer → continue must
/// be bit-identical to the uninterrupted run (parameters, moments, losses, dynamics, hooks, FLOP totals).
@Suite("Training checkpoints")
struct TrainerCheckpointTests {
    static let examples = syntheticExamples(count: 45, vocabulary: 30, labels: 3, seed: 21)
    static let heldOut = syntheticExamples(count: 7, vocabulary: 30, labels: 3, seed: 22)

    /// 17 updates of batch 8 over 45 examples: passes of 6 batches (the last of 5 examples), evaluations at
    /// 4, 8, 12, 16 and 17, a partial third pass.
    func makeTrainer(seed: UInt64 = 5, learningRate: Double = 0.05, modelSeed: UInt64 = 1,
                     examples: [EncodedExample] = Self.examples, batching: TrainingBatching = .random) throws -> Trainer {
        let model = MeanEmbeddingClassifier(vocabulary: 30, channels: 8, labels: 3, seed: modelSeed)
        let configuration = TrainingConfiguration(
            maxSteps: 17, batchSize: 8, learningRate: learningRate, warmupRate: 0.2,
            adam: AdamWHyperparameters(weightDecay: 0.01), maxGradNorm: 1.0, evalInterval: 4, batching: batching)
        return try Trainer(model: model, examples: examples, configuration: configuration, random: SeededRandom(seed: seed))
    }

    func uninterrupted(batching: TrainingBatching = .random) throws -> (Trainer, RecordingObserver, TrainingOutcome) {
        let trainer = try makeTrainer(batching: batching)
        let observer = RecordingObserver()
        observer.evaluationSet = Self.heldOut
        let outcome = try trainer.run(observer: observer)
        return (trainer, observer, outcome)
    }

    @Test("resume after a crash is bit-identical, from mid-epoch, an epoch boundary, an evaluation step and the end, with random and length-grouped batches",
          arguments: [1, 3, 6, 8, 16, 17], [TrainingBatching.random, .lengthGrouped(megaBatchMult: 2)])
    func resumeBitIdentical(savedAt k: Int, batching: TrainingBatching) throws {
        let (reference, full, fullOutcome) = try uninterrupted(batching: batching)
        let path = try PackagePaths.temporaryDirectory().appendingPathComponent("run.safetensors").path

        // First life: checkpoint after update k, crash two updates later (or finish).
        let first = try makeTrainer(batching: batching)
        let before = RecordingObserver()
        before.evaluationSet = Self.heldOut
        before.checkpoint = (k, path)
        before.crashAtUpdate = k + 2
        if k + 2 <= 17 {
            #expect(throws: SimulatedCrash.self) { try first.run(observer: before) }
        } else {
            try first.run(observer: before)
        }

        // Second life: a fresh model (other initial weights) and optimizer, restored from the file.
        let second = try makeTrainer(modelSeed: 99, batching: batching)
        let metadata = try second.restore(fromCheckpoint: path)
        #expect(metadata["note"] == "test")
        #expect(second.position.completedSteps == k)
        let after = RecordingObserver()
        after.evaluationSet = Self.heldOut
        let outcome = try second.run(observer: after)

        #expect(bits(second.model.parameters.array) == bits(reference.model.parameters.array))
        #expect(bits(second.optimizer.firstMoment.array) == bits(reference.optimizer.firstMoment.array))
        #expect(bits(second.optimizer.secondMoment.array) == bits(reference.optimizer.secondMoment.array))
        #expect(second.optimizer.stepCount == reference.optimizer.stepCount)
        let tail = full.updates.filter { $0.step > k }
        #expect(after.updates.map(\.step) == tail.map(\.step))
        #expect(bits(after.updates.map(\.loss)) == bits(tail.map(\.loss)))
        #expect(bits(after.updates.flatMap(\.logits)) == bits(tail.flatMap(\.logits)))
        #expect(after.updates.flatMap(\.exampleIndices) == tail.flatMap(\.exampleIndices))
        #expect(after.updates.map(\.learningRate) == tail.map(\.learningRate))
        #expect(after.updates.map(\.gradientNorm) == tail.map(\.gradientNorm))
        #expect(after.epochEnds == full.epochEnds.filter { $0.step > k })
        #expect(after.evaluationSteps == full.evaluationSteps.filter { $0 > k })
        #expect(bits(after.evaluationLogits.flatMap { $0 }) == bits(full.evaluationLogits.suffix(after.evaluationLogits.count).flatMap { $0 }))
        // The two lives together saw every update exactly once, and FLOP totals carry over.
        #expect(before.updates.filter { $0.step <= k }.map(\.step) + after.updates.map(\.step) == Array(1...17))
        #expect(outcome.trainingFLOPs == fullOutcome.trainingFLOPs)
        #expect(outcome.evaluationFLOPs == fullOutcome.evaluationFLOPs)
        #expect(compare("parameters", actual: second.model.parameters.array, actualShape: [second.model.parameters.count],
                        expected: reference.model.parameters.array, expectedShape: [reference.model.parameters.count],
                        tolerance: .exact).passed)
    }

    @Test("a checkpoint from another seed, configuration or data set is refused, naming the field")
    func mismatches() throws {
        let path = try PackagePaths.temporaryDirectory().appendingPathComponent("run.safetensors").path
        let trainer = try makeTrainer()
        let observer = RecordingObserver()
        observer.checkpoint = (5, path)
        try trainer.run(observer: observer)

        func field(_ other: Trainer) -> String? {
            do { try other.restore(fromCheckpoint: path); return nil } catch TrainingError.checkpointMismatch(let file, let field, _) {
                #expect(file == path)
                return field
            } catch { return "\(error)" }
        }
        #expect(field(try makeTrainer(seed: 6)) == "seed")
        #expect(field(try makeTrainer(learningRate: 0.04)) == "training_configuration")
        #expect(field(try makeTrainer(batching: .lengthGrouped(megaBatchMult: 2))) == "training_configuration")
        var shifted = Self.examples
        shifted[10].label = (shifted[10].label + 1) % 3
        let otherData = try makeTrainer(examples: shifted)
        #expect(field(otherData) == "examples")
        #expect(otherData.model.parameters.array == (try makeTrainer(examples: shifted)).model.parameters.array,
                "a refused restore leaves the model as it was")
    }

    @Test("damaged, foreign or mismatched checkpoint files give typed errors naming the file and tensor")
    func damagedFiles() throws {
        let dir = try PackagePaths.temporaryDirectory()
        let path = dir.appendingPathComponent("run.safetensors").path
        let trainer = try makeTrainer()
        try trainer.saveCheckpoint(to: path)

        // Truncated: the header announces more data than the file has.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let truncated = dir.appendingPathComponent("truncated.safetensors").path
        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: truncated))
        #expect(throws: EncoderError.self) { try makeTrainer().restore(fromCheckpoint: truncated) }

        // Plain weights, not a checkpoint.
        let weights = dir.appendingPathComponent("weights.safetensors").path
        try SafetensorsFile.write(path: weights, tensors: [SafetensorsTensor(name: "x", shape: [1], values: [1])])
        #expect(throws: TrainingError.invalidCheckpoint(file: weights, reason: "format is absent, not ftft-training-checkpoint")) {
            try makeTrainer().restore(fromCheckpoint: weights)
        }

        // A model of another shape.
        let wide = MeanEmbeddingClassifier(vocabulary: 30, channels: 9, labels: 3)
        let other = try Trainer(model: wide, examples: Self.examples, configuration: trainer.configuration, random: trainer.random)
        #expect(throws: EncoderError.shapeMismatch(file: path, tensor: "embeddings.word_embeddings.weight",
                                                   expected: [30, 9], actual: [30, 8])) {
            try other.restore(fromCheckpoint: path)
        }

        // Missing file.
        let missing = dir.appendingPathComponent("none.safetensors").path
        #expect(throws: EncoderError.unreadableFile(file: missing, reason: "No such file or directory")) {
            try makeTrainer().restore(fromCheckpoint: missing)
        }
    }

    @Test("checkpoints only between updates, and caller metadata may not shadow ftft's keys")
    func savingRules() throws {
        final class SaveTooEarly: TrainingObserver {
            let path: String
            var error: Error?
            init(path: String) { self.path = path }
            func didUpdate(_ update: TrainingUpdate, trainer: Trainer) throws {
                do { try trainer.saveCheckpoint(to: path) } catch { self.error = error }
            }
        }
        let path = try PackagePaths.temporaryDirectory().appendingPathComponent("run.safetensors").path
        let trainer = try makeTrainer()
        let observer = SaveTooEarly(path: path)
        try trainer.run(observer: observer)
        #expect(observer.error is TrainingError)
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(throws: TrainingError.invalidConfiguration(field: "checkpoint metadata", reason: "key 'seed' is reserved")) {
            try trainer.saveCheckpoint(to: path, extraMetadata: ["seed": "1"])
        }
    }
}
