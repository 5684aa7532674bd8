import Testing
import FTFTEncoder
import FTFTTensors
import FTFTTestSupport
@testable import FTFTTraining

/// The loop's structure (method.md §1.5–1.6) on the analytic stand-in model.
@Suite("Training loop")
struct TrainerLoopTests {
    static let V = 30, C = 8, K = 3

    func makeTrainer(examples: [EncodedExample], maxSteps: Int, batchSize: Int, evalInterval: Int?,
                     seed: UInt64 = 11, threads: Int = 1, modelSeed: UInt64 = 1) throws -> Trainer {
        let model = MeanEmbeddingClassifier(vocabulary: Self.V, channels: Self.C, labels: Self.K, seed: modelSeed)
        let configuration = TrainingConfiguration(
            maxSteps: maxSteps, batchSize: batchSize, learningRate: 0.05, warmupRate: 0.2,
            adam: AdamWHyperparameters(weightDecay: 0.01), maxGradNorm: 1.0, evalInterval: evalInterval)
        return try Trainer(model: model, examples: examples, configuration: configuration,
                           random: SeededRandom(seed: seed), threads: threads)
    }

    @Test("each pass visits every example once in the order of stream(.shuffle, epoch), batches of B, last one smaller")
    func epochsAndBatches() throws {
        let examples = syntheticExamples(count: 70, vocabulary: Self.V, labels: Self.K, seed: 3)
        let trainer = try makeTrainer(examples: examples, maxSteps: 7, batchSize: 32, evalInterval: nil)
        let observer = RecordingObserver()
        var reported: [TrainingProgress] = []
        let outcome = try trainer.run(observer: observer) { reported.append($0) }
        #expect(outcome.completedSteps == 7 && !outcome.stoppedEarly)
        #expect(reported.map(\.completedSteps) == Array(1...7) && reported.allSatisfy { $0.maxSteps == 7 })
        #expect(reported.map(\.loss) == observer.updates.map(\.loss))
        #expect(abs((reported.last?.meanLoss ?? 0) - observer.updates.map { Double($0.loss) }.reduce(0, +) / 7) < 1e-12)
        #expect(trainer.batchesPerEpoch == 3)
        #expect(observer.updates.map(\.step) == Array(1...7))
        #expect(observer.updates.map(\.epoch) == [0, 0, 0, 1, 1, 1, 2])
        #expect(observer.updates.map(\.batchInEpoch) == [0, 1, 2, 0, 1, 2, 0])
        #expect(observer.updates.map(\.exampleIndices.count) == [32, 32, 6, 32, 32, 6, 32])
        for epoch in 0...2 {
            var stream = SeededRandom(seed: 11).stream(.shuffle, UInt64(epoch))
            let expected = stream.permutation(70).map { examples[$0].index }
            let seen = observer.updates.filter { $0.epoch == epoch }.flatMap(\.exampleIndices)
            #expect(seen == Array(expected.prefix(seen.count)))
        }
        #expect(Set(observer.updates.filter { $0.epoch == 0 }.flatMap(\.exampleIndices)) == Set(examples.map(\.index)))
        #expect(observer.updates[0].exampleIndices != observer.updates[3].exampleIndices, "a fresh permutation per pass")
        // Labels and logits travel with the batch; the first update uses lr 0.
        let byIndex = Dictionary(uniqueKeysWithValues: examples.map { ($0.index, $0) })
        for u in observer.updates {
            #expect(u.labels == u.exampleIndices.map { byIndex[$0]?.label ?? -9 })
            #expect(u.logits.count == u.exampleIndices.count * Self.K)
        }
        #expect(observer.updates[0].learningRate == 0)
        // epochDidEnd after each pass, including the partial last one; stepDidFinish after every update.
        #expect(observer.epochEnds == [.init(epoch: 0, isComplete: true, examplesSeen: 70, step: 3),
                                       .init(epoch: 1, isComplete: true, examplesSeen: 70, step: 6),
                                       .init(epoch: 2, isComplete: false, examplesSeen: 32, step: 7)])
        #expect(observer.finishedSteps == Array(1...7))
        // Evaluation defaults to once per epoch, plus at max_steps.
        #expect(observer.evaluationSteps == [3, 6, 7])
    }

    @Test("evaluation fires when step % eval_interval == 0 or step == max_steps (FTFT's NLI and HSD counts)")
    func evaluationSchedule() throws {
        let examples = syntheticExamples(count: 20, vocabulary: Self.V, labels: Self.K, seed: 4)
        let trainer = try makeTrainer(examples: examples, maxSteps: 11, batchSize: 8, evalInterval: 4)
        let observer = RecordingObserver()
        try trainer.run(observer: observer)
        #expect(observer.evaluationSteps == [4, 8, 11])
        #expect(TrainingConfiguration.batchesPerEpoch(exampleCount: 392_702, batchSize: 32) == 12_272)
        #expect((1...49_088).filter { TrainingConfiguration.isEvaluationStep($0, interval: 4090, maxSteps: 49_088) }.count == 13)
        #expect((1...1620).filter { TrainingConfiguration.isEvaluationStep($0, interval: 180, maxSteps: 1620) }.count == 9)
    }

    @Test("an evaluation answering stop ends training at once; the cut-short pass is reported incomplete")
    func earlyStop() throws {
        let examples = syntheticExamples(count: 20, vocabulary: Self.V, labels: Self.K, seed: 4)
        let trainer = try makeTrainer(examples: examples, maxSteps: 30, batchSize: 8, evalInterval: 2)
        let observer = RecordingObserver()
        observer.stopAtEvaluation = 2
        let outcome = try trainer.run(observer: observer)
        #expect(outcome.completedSteps == 4 && outcome.stoppedEarly)
        #expect(observer.epochEnds.last == .init(epoch: 1, isComplete: false, examplesSeen: 8, step: 4))
        #expect(try trainer.run(observer: observer).completedSteps == 4, "a stopped run stays stopped")
    }

    @Test("a NaN loss stops with an error naming the update; parameters stay as after the last good update")
    func nonFiniteLoss() throws {
        let examples = syntheticExamples(count: 20, vocabulary: Self.V, labels: Self.K, seed: 4)
        let trainer = try makeTrainer(examples: examples, maxSteps: 10, batchSize: 8, evalInterval: nil)
        (trainer.model as? MeanEmbeddingClassifier)?.nanLossAtStep = 4  // 0-based step 4 = update 5
        let observer = RecordingObserver()
        observer.takeSnapshots = true
        do {
            try trainer.run(observer: observer)
            Issue.record("a NaN loss did not stop training")
        } catch TrainingError.nonFiniteLoss(let step, let loss) {
            #expect(step == 5 && loss.isNaN)
        }
        #expect(trainer.position.completedSteps == 4)
        #expect(bits(trainer.model.parameters.array) == bits(observer.snapshots[4] ?? []))
    }

    @Test("the stand-in learns; evaluation logits come in data-set order; FLOPs split into training and evaluation")
    func learnsAndCounts() throws {
        let train = syntheticExamples(count: 96, vocabulary: Self.V, labels: Self.K, seed: 5)
        let heldOut = syntheticExamples(count: 50, vocabulary: Self.V, labels: Self.K, seed: 6)
        let trainer = try makeTrainer(examples: train, maxSteps: 60, batchSize: 16, evalInterval: 20)
        let observer = RecordingObserver()
        observer.evaluationSet = heldOut
        let outcome = try trainer.run(observer: observer)
        let first = observer.updates.prefix(6).map(\.loss).reduce(0, +), last = observer.updates.suffix(6).map(\.loss).reduce(0, +)
        #expect(last < 0.7 * first, "loss \(first / 6) → \(last / 6)")
        let logits = try #require(observer.evaluationLogits.last)
        let correct = heldOut.indices.filter { i in
            let row = Array(logits[(i * Self.K)..<((i + 1) * Self.K)])
            return row.firstIndex(of: row.max() ?? 0) == Int(heldOut[i].label)
        }.count
        #expect(correct >= 40, "held-out accuracy \(correct)/50")
        // Batched evaluation equals one example at a time, in order.
        let single = try heldOut.flatMap { try trainer.model.logits(batch: TokenBatch(examples: [$0], padTokenId: 0), context: ComputeContext()) }
        #expect(bits(try trainer.evaluate(heldOut)) == bits(single))
        #expect(outcome.trainingFLOPs == Int64(60 * 16) * 6 * Int64(Self.C * Self.K))
        #expect(outcome.evaluationFLOPs == Int64(3 * 50) * 2 * Int64(Self.C * Self.K))
        #expect(outcome.trainingWallSeconds > 0 && outcome.evaluationWallSeconds > 0)
    }

    @Test("same seed → bit-identical runs for 1 and 2 threads; another seed → another run")
    func determinism() throws {
        let examples = syntheticExamples(count: 40, vocabulary: Self.V, labels: Self.K, seed: 7)
        var runs: [[UInt32]] = []
        for (seed, threads) in [(UInt64(11), 1), (11, 2), (12, 1)] {
            let trainer = try makeTrainer(examples: examples, maxSteps: 9, batchSize: 8, evalInterval: nil,
                                          seed: seed, threads: threads)
            let observer = RecordingObserver()
            try trainer.run(observer: observer)
            runs.append(bits(trainer.model.parameters.array + observer.updates.flatMap(\.logits)))
        }
        #expect(runs[0] == runs[1])
        #expect(runs[0] != runs[2])
    }

    @Test("bad examples and configurations are refused with the example index or the field named")
    func badInput() throws {
        var examples = syntheticExamples(count: 10, vocabulary: Self.V, labels: Self.K, seed: 8)
        examples[3].label = 3
        #expect(throws: TrainingError.invalidExample(index: 1003, reason: "label 3 is outside 0..<3")) {
            try makeTrainer(examples: examples, maxSteps: 2, batchSize: 4, evalInterval: nil)
        }
        examples[3].label = 0
        examples[5].tokenTypeIds.removeLast()
        #expect(throws: TrainingError.self) { try makeTrainer(examples: examples, maxSteps: 2, batchSize: 4, evalInterval: nil) }
        examples[5].tokenTypeIds.append(0)
        examples[6].inputIds = []
        examples[6].tokenTypeIds = []
        #expect(throws: TrainingError.invalidExample(index: 1006, reason: "has no tokens")) {
            try makeTrainer(examples: examples, maxSteps: 2, batchSize: 4, evalInterval: nil)
        }
        #expect(throws: TrainingError.invalidConfiguration(field: "examples", reason: "the training set is empty")) {
            try makeTrainer(examples: [], maxSteps: 2, batchSize: 4, evalInterval: nil)
        }
        let good = syntheticExamples(count: 10, vocabulary: Self.V, labels: Self.K, seed: 8)
        #expect(throws: TrainingError.invalidConfiguration(field: "batch_size", reason: "must be positive (got 0)")) {
            try makeTrainer(examples: good, maxSteps: 2, batchSize: 0, evalInterval: nil)
        }
        #expect(throws: TrainingError.invalidConfiguration(field: "eval_interval", reason: "must be positive (got 0)")) {
            try makeTrainer(examples: good, maxSteps: 2, batchSize: 4, evalInterval: 0)
        }
    }
}
