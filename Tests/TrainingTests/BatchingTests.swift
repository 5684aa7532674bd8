import Testing
import FTFTEncoder
import FTFTTensors
import FTFTTestSupport
@testable import FTFTTraining

/// Length-grouped training batches and length-sorted evaluation batches (issue 12).
@Suite("Batching")
struct BatchingTests {
    /// Long-tailed lengths like CAD's posts: most short, a few at the truncation length.
    static func longTailedLengths(count: Int, seed: UInt64) -> [Int] {
        var stream = SeededRandom(seed: seed).stream(.testing)
        return (0..<count).map { _ in
            stream.nextUniform() < 0.08 ? 128 : 5 + stream.nextInt(below: 60)
        }
    }

    static func paddedTokens(_ order: [Int], lengths: [Int], batchSize B: Int) -> Int {
        stride(from: 0, to: order.count, by: B).map { start in
            let batch = order[start..<min(start + B, order.count)]
            return batch.count * (batch.map { lengths[$0] }.max() ?? 0)
        }.reduce(0, +)
    }

    @Test("random batching is FTFT's order: stream(.shuffle, epoch).permutation(N)")
    func randomIsThePermutation() {
        let lengths = Self.longTailedLengths(count: 301, seed: 1), random = SeededRandom(seed: 9)
        for epoch in 0..<3 {
            var stream = random.stream(.shuffle, UInt64(epoch))
            #expect(TrainingBatching.random.order(lengths: lengths, batchSize: 32, random: random, epoch: epoch)
                    == stream.permutation(301))
        }
    }

    @Test("length grouping: a permutation; each full batch from one mega-batch, cut from it in length order; the remainder last",
          arguments: [1, 3, 50])
    func lengthGroupedStructure(megaBatchMult k: Int) {
        let (N, B) = (1000, 32)
        let lengths = Self.longTailedLengths(count: N, seed: 2), random = SeededRandom(seed: 4)
        let grouping = TrainingBatching.lengthGrouped(megaBatchMult: k)
        let order = grouping.order(lengths: lengths, batchSize: B, random: random, epoch: 1)
        #expect(order.sorted() == Array(0..<N))
        var stream = random.stream(.shuffle, 1)
        let permutation = stream.permutation(N)
        var position = [Int](repeating: 0, count: N)
        for (p, i) in permutation.enumerated() { position[i] = p }
        let fullBatches = N / B
        var batchesByMegaBatch: [Int: [[Int]]] = [:]
        for b in 0..<fullBatches {
            let batch = Array(order[(b * B)..<((b + 1) * B)])
            let megaBatches = Set(batch.map { position[$0] / (k * B) })
            #expect(megaBatches.count == 1, "batch \(b) spans mega-batches \(megaBatches)")
            batchesByMegaBatch[megaBatches.first ?? -1, default: []].append(batch)
        }
        // Within a mega-batch, batches are consecutive runs of the length order: their length ranges do not overlap.
        for batches in batchesByMegaBatch.values {
            for x in batches {
                for y in batches where x != y {
                    let (lx, ly) = (x.map { lengths[$0] }, y.map { lengths[$0] })
                    #expect(lx.max()! <= ly.min()! || ly.max()! <= lx.min()!)
                }
            }
        }
        // The remainder batch (N mod B examples) is last: the tail of the last mega-batch in length order.
        let tail = order[(fullBatches * B)...]
        #expect(tail.count == N % B)
        #expect(tail.allSatisfy { position[$0] >= (N - 1) / (k * B) * (k * B) })
        // Deterministic in (seed, epoch); another epoch gives another order.
        #expect(grouping.order(lengths: lengths, batchSize: B, random: random, epoch: 1) == order)
        #expect(grouping.order(lengths: lengths, batchSize: B, random: random, epoch: 2) != order)
    }

    @Test("length grouping pads far less than random batches on long-tailed lengths")
    func lengthGroupingPadsLess() {
        let (N, B) = (1920, 32)
        let lengths = Self.longTailedLengths(count: N, seed: 3), random = SeededRandom(seed: 0)
        let real = lengths.reduce(0, +)
        let randomPadded = Self.paddedTokens(TrainingBatching.random.order(lengths: lengths, batchSize: B, random: random, epoch: 0),
                                             lengths: lengths, batchSize: B)
        let grouped = Self.paddedTokens(TrainingBatching.lengthGrouped(megaBatchMult: 50).order(
            lengths: lengths, batchSize: B, random: random, epoch: 0), lengths: lengths, batchSize: B)
        // Random batches of 32 almost always hold a 128-token example: ≈ 128/mean padded per real token.
        #expect(Double(randomPadded) / Double(real) > 2.5)
        #expect(Double(grouped) / Double(real) < 1.1)
    }

    @Test("the trainer visits batches in the grouped order and records it in its configuration")
    func trainerUsesTheGroupedOrder() throws {
        let examples = syntheticExamples(count: 70, vocabulary: 30, labels: 3, seed: 3)
        let model = MeanEmbeddingClassifier(vocabulary: 30, channels: 8, labels: 3, seed: 1)
        let batching = TrainingBatching.lengthGrouped(megaBatchMult: 2)
        let configuration = TrainingConfiguration(maxSteps: 6, batchSize: 16, learningRate: 0.05, batching: batching)
        let trainer = try Trainer(model: model, examples: examples, configuration: configuration, random: SeededRandom(seed: 11))
        let observer = RecordingObserver()
        try trainer.run(observer: observer)
        let lengths = examples.map(\.inputIds.count)
        for epoch in 0...1 {
            let expected = batching.order(lengths: lengths, batchSize: 16, random: SeededRandom(seed: 11), epoch: epoch)
            let seen = observer.updates.filter { $0.epoch == epoch }.flatMap(\.exampleIndices)
            #expect(seen == Array(expected.map { examples[$0].index }.prefix(seen.count)) && !seen.isEmpty)
        }
        #expect(observer.updates.map(\.exampleIndices.count) == [16, 16, 16, 16, 6, 16])
        #expect(try Trainer.json(configuration).contains("\"batching\":{\"kind\":\"length_grouped\",\"megaBatchMult\":2}"))
        #expect(throws: TrainingError.invalidConfiguration(field: "mega_batch_mult", reason: "must be at least 1 (got 0)")) {
            try TrainingConfiguration(maxSteps: 1, learningRate: 0.1, batching: .lengthGrouped(megaBatchMult: 0)).validate()
        }
    }

    @Test("evaluation batches: a permutation in length order, within the bounds, cut where it costs least")
    func evaluationBatches() {
        let lengths = Self.longTailedLengths(count: 500, seed: 5)
        let batching = EvaluationBatching(order: .length, maxExamples: 100, maxTokens: 2048, batchOverheadTokens: 64)
        let plan = EvaluationBatches(lengths: lengths, batching: batching)
        #expect(plan.order.sorted() == Array(0..<500))
        #expect(zip(plan.order, plan.order.dropFirst()).allSatisfy { lengths[$0] >= lengths[$1] })
        #expect(plan.batches.first?.lowerBound == 0 && plan.batches.last?.upperBound == 500)
        #expect(zip(plan.batches, plan.batches.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        for range in plan.batches {
            let T = plan.order[range].map { lengths[$0] }.max() ?? 0
            #expect(range.count <= 100 && range.count * T <= 2048)
        }
        let fixed = EvaluationBatches(lengths: lengths, batching: .ftft)
        #expect(fixed.order == Array(0..<500) && fixed.batches.map(\.count) == Array(repeating: 64, count: 7) + [52])
        let (sortedPadded, real) = plan.tokenCounts(lengths: lengths)
        let (fixedPadded, fixedReal) = fixed.tokenCounts(lengths: lengths)
        #expect(real == lengths.reduce(0, +) && fixedReal == real && sortedPadded < fixedPadded)
        #expect(Double(sortedPadded) / Double(real) < 1.1, "\(sortedPadded) padded for \(real) real tokens")
        // One example longer than the token bound still makes a batch (of one).
        let single = EvaluationBatches(lengths: [300, 2, 2], batching: EvaluationBatching(order: .length, maxExamples: nil, maxTokens: 100))
        #expect(single.batches == [0..<1, 1..<3])
        // The cut is the cheapest: compare with every cut of a small set (2^(n−1) of them).
        let small = [40, 7, 33, 12, 12, 90, 5, 61, 8, 30, 29, 14]
        for overhead in [0, 16, 64, 1000] {
            let b = EvaluationBatching(order: .length, maxExamples: 5, maxTokens: 200, batchOverheadTokens: overhead)
            let cut = EvaluationBatches(lengths: small, batching: b)
            func cost(_ ranges: [Range<Int>]) -> Int? {
                var total = 0
                for r in ranges {
                    let T = cut.order[r].map { small[$0] }.max() ?? 0
                    guard r.count == 1 || (r.count <= 5 && r.count * T <= 200) else { return nil }
                    total += r.count * T + overhead
                }
                return total
            }
            var cheapest = Int.max
            for mask in 0..<(1 << (small.count - 1)) {
                var ranges: [Range<Int>] = [], start = 0
                for k in 0..<(small.count - 1) where mask & (1 << k) != 0 {
                    ranges.append(start..<(k + 1))
                    start = k + 1
                }
                ranges.append(start..<small.count)
                if let c = cost(ranges) { cheapest = min(cheapest, c) }
            }
            #expect(cost(cut.batches) == cheapest, "overhead \(overhead)")
        }
    }

    @Test("evaluation logits come back in data-set order whatever the batch order")
    func evaluationLogitsInDataSetOrder() throws {
        let examples = syntheticExamples(count: 57, vocabulary: 30, labels: 3, seed: 8)
        let model = MeanEmbeddingClassifier(vocabulary: 30, channels: 8, labels: 3, seed: 2)
        let context = ComputeContext(flops: FLOPCounter(), backend: .blas, threads: 1)
        let one = try examples.flatMap { try predictLogits(model: model, examples: [$0], batchSize: 1, context: context) }
        for batching in [EvaluationBatching.standard, .ftft, EvaluationBatching(order: .length, maxExamples: 5, maxTokens: nil)] {
            let logits = try predictLogits(model: model, examples: examples,
                                           batches: EvaluationBatches(examples: examples, batching: batching), context: context)
            #expect(bits(logits) == bits(one), "\(batching)")
        }
    }

    /// The tolerance between evaluating a set sorted by length in large batches and FTFT's loop (64 in data-set
    /// order), on a BERT with random weights and long-tailed lengths, both kernel paths. Each example's logits are
    /// the same function of its tokens; only the batch composition (padding, B·T) differs.
    @Test("sorted, token-bounded evaluation batches give FTFT's loop's logits", arguments: BertClassifier.KernelPath.allCases)
    func sortedEvaluationMatchesFTFTsLoop(kernelPath: BertClassifier.KernelPath) throws {
        let config = BertConfig(vocabSize: 60, hiddenSize: 32, layers: 3, heads: 4, intermediateSize: 64,
                                maxPositions: 80, numLabels: 3)
        let model = try BertClassifier(config: config)
        model.initializeRandomly(SeededRandom(seed: 3))
        model.kernelPath = kernelPath
        var stream = SeededRandom(seed: 6).stream(.testing)
        // Debug builds are slow: 160 examples, lengths scaled down to 3…34 with a tail at 64.
        let examples = Self.longTailedLengths(count: 160, seed: 7).map { $0 / 2 + 1 }.enumerated().map { i, length in
            let ids = (0..<length).map { _ in Int32(1 + stream.nextInt(below: 59)) }
            return EncodedExample(inputIds: ids, tokenTypeIds: (0..<length).map { Int32($0 < length / 2 ? 0 : 1) },
                                  label: Int32(i % 3), index: i)
        }
        let context = ComputeContext(flops: FLOPCounter(), backend: .blas, threads: 2)
        let ftft = try predictLogits(model: model, examples: examples, batches: EvaluationBatches(examples: examples, batching: .ftft),
                                     context: context)
        let sorted = try predictLogits(model: model, examples: examples,
                                       batches: EvaluationBatches(examples: examples, batching: .standard), context: context)
        let comparison = compare("logits sorted vs FTFT's loop (\(kernelPath))", actual: sorted, actualShape: [160, 3],
                                 expected: ftft, expectedShape: [160, 3], tolerance: .batchComposition)
        var ulps = 0
        for (a, b) in zip(sorted, ftft) { ulps = max(ulps, abs(Int(Int32(bitPattern: a.bitPattern)) - Int(Int32(bitPattern: b.bitPattern)))) }
        let flips = zip(BatchingTests.argmax(sorted), BatchingTests.argmax(ftft)).filter { $0 != $1 }.count
        print("\(comparison) — at most \(ulps) ulps apart, \(flips) argmax flips of 160")
        #expect(comparison.passed, "\(comparison)")
    }

    static func argmax(_ logits: [Float]) -> [Int] {
        stride(from: 0, to: logits.count, by: 3).map { i in (0..<3).max { logits[i + $0] < logits[i + $1] } ?? 0 }
    }
}
