import Foundation
import Testing
import FTFTCartography
import FTFTStore
import FTFTTestSupport

/// Round trips of every record type except dynamics (DynamicsStoreTests), and their input checks.
@Suite struct RecordRoundTripTests {
    @Test func runsRoundTripAndAreFoundByConfiguration() throws {
        let directory = try PackagePaths.temporaryDirectory("ftft-runs")
        let store = try RunStore.open(directory: directory.path)
        let configuration = #"{"epochs":3,"lr":2e-05,"model":"MiniLM-L3"}"#
        let reference = try store.createRun(StoreFixtures.newRun(experiment: "hsd", role: .reference, seed: 3, configuration: configuration))
        #expect(reference.status == .running)
        #expect(reference.finishedAt == nil)
        #expect(reference.seed == 3)
        #expect(reference.configurationSHA256 == RunStore.configurationSHA256(configuration))
        #expect(reference.configurationSHA256.count == 64)
        #expect(try store.run(reference.id) == reference)

        // Only a finished reference run is offered for reuse.
        #expect(try store.findRun(configurationSHA256: reference.configurationSHA256, role: .reference) == nil)
        try store.updateStatus(run: reference.id, to: .finished)
        let finished = try store.run(reference.id)
        #expect(finished.status == .finished)
        #expect(finished.finishedAt != nil)
        #expect(try store.findRun(configurationSHA256: reference.configurationSHA256, role: .reference)?.id == reference.id)
        #expect(try store.findRun(configurationSHA256: reference.configurationSHA256, role: .main) == nil)

        let main = try store.createRun(StoreFixtures.newRun(
            experiment: "hsd", method: .ftft, role: .main, seed: UInt64.max, reference: reference.id))
        #expect(main.referenceRun == reference.id)
        #expect(main.seed == UInt64.max)  // stored by bit pattern, read back whole
        try store.updateStatus(run: main.id, to: .failed, message: "non-finite loss at step 12")
        #expect(try store.run(main.id).statusMessage == "non-finite loss at step 12")
        try store.updateStatus(run: main.id, to: .running)
        #expect(try store.run(main.id).finishedAt == nil)

        _ = try store.createRun(StoreFixtures.newRun(experiment: "nli"))
        #expect(try store.runs(experiment: "hsd").map(\.id) == [reference.id, main.id])
        #expect(try store.runs().count == 3)

        #expect(throws: StoreError.self) { try store.createRun(StoreFixtures.newRun(reference: RunID(77))) }
        #expect(throws: StoreError.self) { try store.createRun(StoreFixtures.newRun(configuration: "{not json")) }
        #expect(throws: StoreError.notFound(path: store.path, what: "run 77")) { try store.run(RunID(77)) }
        #expect(throws: StoreError.self) { try store.updateStatus(run: RunID(77), to: .finished) }
    }

    @Test func evaluationsRoundTripWithFTFTRoundingAndLogits() throws {
        let (store, _, run) = try StoreFixtures.storeWithRun()
        let logits = EvaluationLogits(classes: 3, values: (0..<12).map { Float($0) * 0.25 - 1 })
        let results = [
            EvaluationResult(dataset: "mnli", split: .dev, metric: "accuracy", exactValue: 2.0 / 3.0, exampleCount: 4, logits: logits),
            EvaluationResult(dataset: "anli_r1", split: .dev, metric: "accuracy", exactValue: 0.09375, exampleCount: 32),
            EvaluationResult(dataset: "anli_r1", split: .test, metric: "accuracy", exactValue: 0.5, exampleCount: 2),
        ]
        try store.recordEvaluation(run: run, step: 4090, checkpoint: 1, results: results)
        try store.recordEvaluation(run: run, step: 180, checkpoint: 0, results: [results[1]])
        let stored = try store.evaluations(run: run)
        #expect(stored.map(\.step) == [180, 4090, 4090, 4090])
        #expect(stored.dropFirst().map(\.dataset) == ["mnli", "anli_r1", "anli_r1"])  // recording order kept
        #expect(stored[1].value == Evaluation.ftftRounded(2.0 / 3.0))
        #expect(stored[1].exactValue == 2.0 / 3.0)
        #expect(stored[2].value == Evaluation.ftftRounded(0.09375))
        #expect(stored[3].split == .test && stored[3].exampleCount == 2 && stored[3].checkpoint == 1)
        #expect(try store.evaluationLogits(run: run, step: 4090, split: .dev, dataset: "mnli") == logits)
        #expect(try store.evaluationLogits(run: run, step: 4090, split: .dev, dataset: "anli_r1") == nil)

        // A checkpoint is all-or-nothing: one duplicate result rejects the whole call.
        let again = [EvaluationResult(dataset: "hans", split: .test, metric: "accuracy", exactValue: 0.7, exampleCount: 10), results[0]]
        #expect {
            try store.recordEvaluation(run: run, step: 4090, checkpoint: 1, results: again)
        } throws: { error in
            guard case .duplicate = error as? StoreError else { return false }
            return true
        }
        #expect(try store.evaluations(run: run).count == 4)
        #expect(throws: StoreError.self) {
            try store.recordEvaluation(run: run, step: 1, checkpoint: 1, results: [
                EvaluationResult(dataset: "x", split: .dev, metric: "accuracy", exactValue: .nan, exampleCount: 1)])
        }
        #expect(throws: StoreError.self) {
            try store.recordEvaluation(run: run, step: 1, checkpoint: 1, results: [
                EvaluationResult(dataset: "x", split: .dev, metric: "accuracy", exactValue: 1, exampleCount: 5, logits: logits)])
        }
    }

    /// `ftftRounded` against an independent oracle of the same rule (round the exact binary value of x to
    /// 4 decimals, ties to even, then take the nearest double): exact integer arithmetic on x = m / 2^k.
    /// The only exact ties in [0, 1] are the odd multiples of 1/32 (x·10⁴ = q + ½ needs 20000 | (2q+1)·2^k),
    /// and all sixteen are in the grid, with their neighbours one ulp away.
    @Test func ftftRoundingMatchesExactDecimalRounding() {
        func oracle(_ x: Double) -> Double {
            if x == 0 { return 0 }
            let k = 52 - x.exponent            // x = significand · 2^-k with an integer significand
            let m = UInt128(x.significandBitPattern | (1 << 52))
            let scaled = m * 10_000
            var q = scaled >> UInt128(k)
            let remainder = scaled - (q << UInt128(k))
            let half = UInt128(1) << UInt128(k - 1)
            if remainder > half || (remainder == half && q % 2 == 1) { q += 1 }
            return Double(UInt64(q)) / 10_000
        }
        var grid: [Double] = (1..<32).filter { $0 % 2 == 1 }.flatMap { t -> [Double] in
            let tie = Double(t) / 32
            return [tie, tie.nextUp, tie.nextDown]
        }
        grid += (0...20_000).map { Double($0) / 20_000 } + (0..<5_000).map { abs(sin(Double($0) * 1.37)) }
        grid += [1.0 / 3.0, 2.0 / 3.0, 0.12345, 0.00005, 0.99995, 1.0]
        let mismatches = grid.filter { $0 >= 1e-6 && Evaluation.ftftRounded($0) != oracle($0) }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
        #expect(Evaluation.ftftRounded(1.0 / 32) == 312.0 / 10_000)  // a tie goes to the even last digit
        #expect(Evaluation.ftftRounded(3.0 / 32) == 938.0 / 10_000)
    }

    /// A cartography `DataMap` with the given columns (`epochCount` epochs, these options).
    static func map(ids: [String], confidence: [Double], variability: [Double], correctness: [Int], forgetfulness: [Int]?,
                    epochs: Int, options: DataMapOptions) throws -> DataMap {
        try DataMap(exampleIDs: ids, goldLabels: nil, epochCount: epochs, confidence: confidence, variability: variability,
                    correctness: correctness, forgetfulness: forgetfulness, options: options, ftft: nil)
    }

    @Test func dataMapsRoundTripAsCartographyMapsInTrainingFileOrder() throws {
        let (store, _, run) = try StoreFixtures.storeWithRun()
        let order = [4, 0, 3, 1, 2]
        let ftft = DataMapOptions(variabilityDDOF: 1)
        let map = try Self.map(ids: order.map { "ex-\($0)" }, confidence: order.map { Double($0) / 7 },
                               variability: order.map { Double($0) / 11 }, correctness: order.map { $0 % 4 },
                               forgetfulness: order.map { $0 == 0 ? 1000 : $0 }, epochs: 3, options: ftft)
        let id = try store.saveDataMap(run: run, recordingMode: .trainingPass, exampleIndices: order, map: map)
        let stored = try #require(try store.dataMap(run: run, options: ftft, epochCount: 3))
        #expect(stored.id == id && stored.run == run && stored.recordingMode == .trainingPass)
        let sortedSlots = order.indices.sorted { order[$0] < order[$1] }
        let expected = try Self.map(
            ids: sortedSlots.map { map.exampleIDs[$0] }, confidence: sortedSlots.map { map.confidence[$0] },
            variability: sortedSlots.map { map.variability[$0] }, correctness: sortedSlots.map { map.correctness[$0] },
            forgetfulness: sortedSlots.map { map.forgetfulness![$0] }, epochs: 3, options: ftft)
        #expect(stored.exampleIndices == [0, 1, 2, 3, 4])
        #expect(stored.map == expected)
        #expect(stored.map.thresholdCloseness == expected.thresholdCloseness)

        // Another convention is another map; forgetfulness stays absent when it was.
        let cartography = DataMapOptions(variabilityDDOF: 0)
        let plain = try Self.map(ids: ["a", "b"], confidence: [0.5, 0.25], variability: [0.1, 0.2], correctness: [2, 0],
                                 forgetfulness: nil, epochs: 2, options: cartography)
        try store.saveDataMap(run: run, recordingMode: .trainingPass, exampleIndices: [0, 1], map: plain)
        #expect(try store.dataMap(run: run, options: cartography, epochCount: 2)?.map == plain)
        #expect(try store.dataMaps(run: run).map(\.map.options.variabilityDDOF) == [1, 0])
        #expect(try store.dataMap(run: run, options: ftft, epochCount: 2) == nil)
        #expect(try store.dataMap(run: run, recordingMode: .epochEndEvaluation, options: ftft, epochCount: 3) == nil)

        #expect(throws: StoreError.self) { try store.saveDataMap(run: run, recordingMode: .trainingPass, exampleIndices: order, map: map) }
        let fresh = DataMapOptions(variabilityDDOF: 0, includeConfidenceInterval: true)
        let badCorrectness = try Self.map(ids: ["a", "b"], confidence: [0.5, 0.25], variability: [0.1, 0.2], correctness: [2, 3],
                                          forgetfulness: nil, epochs: 2, options: fresh)
        let freshMap = try Self.map(ids: ["a", "b"], confidence: [0.5, 0.25], variability: [0.1, 0.2], correctness: [2, 0],
                                    forgetfulness: nil, epochs: 2, options: fresh)
        let noEpochs = try DataMap(exampleIDs: ["a", "b"], goldLabels: nil, epochCount: nil, confidence: [0.5, 0.25],
                                   variability: [0.1, 0.2], correctness: [2, 0], forgetfulness: nil, options: fresh, ftft: nil)
        for (bad, indices) in [(badCorrectness, [0, 1]), (freshMap, [1, 1]), (freshMap, [0]), (noEpochs, [0, 1])] {
            #expect(throws: StoreError.self) { try store.saveDataMap(run: run, recordingMode: .trainingPass, exampleIndices: indices, map: bad) }
        }
        #expect(try store.dataMap(run: run, options: fresh, epochCount: 2) == nil)
    }

    @Test func selectionsRoundTripKeyedByTheirWholeSpecification() throws {
        let (store, _, run) = try StoreFixtures.storeWithRun()
        let map = try store.saveDataMap(run: run, recordingMode: .trainingPass, exampleIndices: [0, 1, 2], map: try Self.map(
            ids: ["a", "b", "c"], confidence: [0, 0, 0], variability: [0, 0, 0], correctness: [0, 0, 0], forgetfulness: nil,
            epochs: 2, options: DataMapOptions(variabilityDDOF: 1)))
        let ambiguous = SelectionSpec(mode: .ambiguous, rate: 0.33, rule: .exact)
        let id = try store.saveSelection(run: run, dataMap: map, spec: ambiguous, poolCount: 3, exampleIndices: [0, 2], exampleIDs: ["a", "c"])
        let stored = try #require(try store.selection(run: run, spec: ambiguous, dataMap: map))
        #expect(stored.id == id && stored.run == run && stored.dataMap == map && stored.spec == ambiguous)
        #expect(stored.poolCount == 3 && stored.exampleIndices == [0, 2] && stored.exampleIDs == ["a", "c"] && stored.count == 2)
        #expect(try store.selection(id) == stored)

        let random = SelectionSpec(mode: .random, rate: 0.33, rule: .exact, stratified: true, seed: UInt64.max - 1)
        try store.saveSelection(run: run, dataMap: nil, spec: random, poolCount: 3, exampleIndices: [1], exampleIDs: ["b"])
        #expect(try store.selection(run: run, spec: random, dataMap: nil)?.spec.seed == UInt64.max - 1)
        #expect(try store.selection(run: run, spec: random, dataMap: map) == nil)
        var otherSeed = random
        otherSeed.seed = 1
        #expect(try store.selection(run: run, spec: otherSeed, dataMap: nil) == nil)
        #expect(try store.selections(run: run).count == 2)

        // The same specification twice, members out of training-file order, a bad rate, an unknown map.
        #expect(throws: StoreError.self) {
            try store.saveSelection(run: run, dataMap: map, spec: ambiguous, poolCount: 3, exampleIndices: [1], exampleIDs: ["b"])
        }
        #expect(throws: StoreError.self) {
            try store.saveSelection(run: run, dataMap: nil, spec: otherSeed, poolCount: 3, exampleIndices: [2, 1], exampleIDs: ["c", "b"])
        }
        #expect(throws: StoreError.self) {
            try store.saveSelection(run: run, dataMap: nil, spec: SelectionSpec(mode: .random, rate: 0, rule: .exact), poolCount: 3,
                                    exampleIndices: [], exampleIDs: [])
        }
        #expect(throws: StoreError.self) {
            try store.saveSelection(run: run, dataMap: DataMapID(99), spec: otherSeed, poolCount: 3, exampleIndices: [1], exampleIDs: ["b"])
        }
        #expect(try store.selections(run: run).count == 2)
    }

    @Test func ledgerEntriesRoundTripAndAreReplacedPerPhase() throws {
        let (store, _, run) = try StoreFixtures.storeWithRun()
        var train = ComputeEntry(
            run: run, phase: "train", parameterCount: 22_713_216, kaplanTrainingFLOPs: 6 * 22_713_216 * 1_000_003,
            preciseTrainingFLOPs: Int64.max - 5, countedTrainingFLOPs: (1 << 53) + 1, countedEvaluationFLOPs: 12_345,
            trainingWallSeconds: 12.5, evaluationWallSeconds: 0.25, steps: 1620, tokensWithPadding: 1_000_003,
            tokensWithoutPadding: 800_001, examples: 51_840)
        try store.recordCompute(train)
        let pass = ComputeEntry(
            run: run, phase: "end_of_epoch_pass", parameterCount: 1, kaplanTrainingFLOPs: 0, preciseTrainingFLOPs: 0,
            countedTrainingFLOPs: 0, countedEvaluationFLOPs: 0, countedDynamicsPassFLOPs: 99, trainingWallSeconds: 0,
            evaluationWallSeconds: 1, steps: 0, tokensWithPadding: 0, tokensWithoutPadding: 0, examples: 17)
        try store.recordCompute(pass)
        #expect(try store.ledger(run: run) == [pass, train])  // by phase name; integers beyond 2^53 kept exactly
        // The time split and evaluation tokens (v2-ledger-time-split): nil stays nil, values round-trip.
        train.evaluationTokensWithPadding = (1 << 40) + 3
        train.evaluationTokensWithoutPadding = 7
        (train.dataPreparationWallSeconds, train.checkpointWallSeconds) = (1.25, 0.5)
        (train.storeWriteWallSeconds, train.phaseWallSeconds) = (0.125, 20.75)
        try store.recordCompute(train)
        #expect(try store.ledger(run: run) == [pass, train])
        var negativeSplit = train
        negativeSplit.checkpointWallSeconds = -1
        #expect(throws: StoreError.self) { try store.recordCompute(negativeSplit) }
        negativeSplit = train
        negativeSplit.evaluationTokensWithPadding = -2
        #expect(throws: StoreError.self) { try store.recordCompute(negativeSplit) }
        train.steps = 1700
        try store.recordCompute(train)
        #expect(try store.ledger(run: run) == [pass, train])
        var negative = train
        negative.examples = -1
        #expect(throws: StoreError.self) { try store.recordCompute(negative) }
        var notFinite = train
        notFinite.trainingWallSeconds = .infinity
        #expect(throws: StoreError.self) { try store.recordCompute(notFinite) }
        var orphan = train
        orphan.run = RunID(42)
        #expect(throws: StoreError.self) { try store.recordCompute(orphan) }
    }

    @Test func checkpointsAndDiscardingForAResume() throws {
        let (store, _, run) = try StoreFixtures.storeWithRun()
        let hash = String(repeating: "ab", count: 32)
        #expect(try store.latestCheckpoint(run: run) == nil)
        for step in [100, 200, 300] {
            try store.recordCheckpoint(run: run, step: step, path: "checkpoints/step_\(step).ftft", sha256: hash, byteCount: Int64(step))
        }
        let latest = try #require(try store.latestCheckpoint(run: run))
        #expect(latest.run == run && latest.step == 300 && latest.path == "checkpoints/step_300.ftft")
        #expect(latest.sha256 == hash && latest.byteCount == 300)
        #expect(try store.checkpoints(run: run).map(\.step) == [100, 200, 300])
        #expect(throws: StoreError.self) { try store.recordCheckpoint(run: run, step: 300, path: "x", sha256: hash, byteCount: 1) }
        #expect(throws: StoreError.self) { try store.recordCheckpoint(run: run, step: 400, path: "x", sha256: "AB", byteCount: 1) }

        for (epoch, steps) in [(0, 150), (1, 250)] {
            try store.appendEpoch(run: run, epoch: epoch, completedSteps: steps, rows: StoreFixtures.epochRows(epoch: epoch, count: 10))
        }
        let result = EvaluationResult(dataset: "cad", split: .dev, metric: "macro_f1", exactValue: 0.5, exampleCount: 1,
                                      logits: EvaluationLogits(classes: 2, values: [0, 1]))
        for step in [180, 360] { try store.recordEvaluation(run: run, step: step, checkpoint: step / 180, results: [result]) }

        // Resume from the checkpoint at step 200: what came later goes, what came before stays.
        let removed = try store.discard(run: run, afterStep: 200)
        #expect(removed == 1 + 1 + 1 + 10 + 1)  // evaluation, its logits, checkpoint 300, epoch 1's rows and record
        #expect(try store.latestCheckpoint(run: run)?.step == 200)
        #expect(try store.recordedEpochs(run: run).map(\.epoch) == [0])
        #expect(try store.evaluations(run: run).map(\.step) == [180])
        #expect(try store.evaluationLogits(run: run, step: 360, split: .dev, dataset: "cad") == nil)
        try store.appendEpoch(run: run, epoch: 1, completedSteps: 250, rows: StoreFixtures.epochRows(epoch: 1, count: 10))
        #expect(try store.dynamicsRowCount(run: run) == 20)
    }
}
