import Testing
import FTFTDeterminism
import FTFTTestSupport
@testable import FTFTCartography

/// A recorder fed one golden case's logits in shuffled batches of 7, as a trainer would.
func recordCase(_ dynamics: TrainingDynamics, mode: RecordingMode = .trainingPass, batch: Int = 7,
                epochs: Int? = nil) throws -> DynamicsRecorder {
    let recorder = try DynamicsRecorder(exampleIDs: dynamics.exampleIDs, goldLabels: dynamics.goldLabels,
                                        classCount: dynamics.classCount, mode: mode)
    let c = dynamics.classCount
    for epoch in 0..<(epochs ?? dynamics.epochCount) {
        var stream = SeededRandom(seed: 5).stream(.testing, UInt64(epoch))
        let order = stream.permutation(dynamics.exampleCount)
        for start in stride(from: 0, to: order.count, by: batch) {
            let rows = Array(order[start ..< min(order.count, start + batch)])
            let logits = rows.flatMap { dynamics.logits(epoch: epoch, example: $0) }
            try recorder.record(epoch: epoch, exampleIndices: rows, logits: logits, labels: rows.map { dynamics.goldLabels[$0] })
        }
        let finished = try recorder.finishEpoch(epoch)
        #expect(finished.logits.count == dynamics.exampleCount * c)
    }
    return recorder
}

@Test func recorderReproducesImportedDynamics() throws {
    let golden = try GoldenCase("e5c3", epochs: 5)
    let imported = try golden.readDynamics()
    let recorder = try recordCase(imported, mode: .epochEndEvaluation)
    let recorded = try recorder.dynamics(partialEpoch: .reject)
    #expect(recorded.logits == imported.logits)
    #expect(recorded.metadata.mode == .epochEndEvaluation && !recorded.metadata.droppedPartialEpoch)
    #expect(try DataMap.compute(from: recorded) == DataMap.compute(from: imported))
}

@Test func recorderRejectsBadBatchesAndKeepsNothingOfThem() throws {
    let golden = try GoldenCase("e3c3", epochs: 3)
    let d = try golden.readDynamics()
    let r = try DynamicsRecorder(exampleIDs: d.exampleIDs, goldLabels: d.goldLabels, classCount: 3, mode: .trainingPass)
    let good = Array(d.logits(epoch: 0, example: 0) + d.logits(epoch: 0, example: 1))
    let labels = [d.goldLabels[0], d.goldLabels[1]]
    #expect(throws: CartographyError.epochOutOfOrder(expected: 0, found: 1)) {
        try r.record(epoch: 1, exampleIndices: [0, 1], logits: good, labels: labels)
    }
    #expect(throws: CartographyError.logitCount(epoch: 0, expected: 6, found: 5)) {
        try r.record(epoch: 0, exampleIndices: [0, 1], logits: Array(good.dropLast()), labels: labels)
    }
    #expect(throws: CartographyError.exampleIndexOutOfRange(epoch: 0, index: 60, exampleCount: 60)) {
        try r.record(epoch: 0, exampleIndices: [0, 60], logits: good, labels: labels)
    }
    let wrong = (d.goldLabels[1] + 1) % 3
    #expect(throws: CartographyError.labelMismatch(epoch: 0, id: d.exampleIDs[1], recorded: wrong, expected: d.goldLabels[1])) {
        try r.record(epoch: 0, exampleIndices: [0, 1], logits: good, labels: [labels[0], wrong])
    }
    var nan = good
    nan[4] = .nan
    #expect(throws: CartographyError.nonFiniteRecordedLogit(epoch: 0, id: d.exampleIDs[1], classIndex: 1)) {
        try r.record(epoch: 0, exampleIndices: [0, 1], logits: nan, labels: labels)
    }
    #expect(throws: CartographyError.duplicateRecord(epoch: 0, id: d.exampleIDs[0])) {
        try r.record(epoch: 0, exampleIndices: [0, 0], logits: good, labels: [labels[0], labels[0]])
    }
    #expect(r.recordedInCurrentEpoch == 0, "a rejected batch must leave nothing behind")
    try r.record(epoch: 0, exampleIndices: [0, 1], logits: good, labels: labels)
    #expect(throws: CartographyError.duplicateRecord(epoch: 0, id: d.exampleIDs[1])) {
        try r.record(epoch: 0, exampleIndices: [2, 1], logits: good, labels: [d.goldLabels[2], labels[1]])
    }
    #expect(r.recordedInCurrentEpoch == 2)
    #expect(throws: CartographyError.incompleteEpoch(epoch: 0, missing: 58, firstMissingID: d.exampleIDs[2])) {
        _ = try r.finishEpoch(0)
    }
}

/// FTFT's rule: an incomplete last epoch is dropped (and said so); the default rejects it.
@Test func partialLastEpochRule() throws {
    let golden = try GoldenCase("e4c3", epochs: 4)
    let d = try golden.readDynamics()
    let recorder = try recordCase(d, epochs: 2)
    let rows = [3, 1, 4]
    try recorder.record(epoch: 2, exampleIndices: rows, logits: rows.flatMap { d.logits(epoch: 2, example: $0) },
                        labels: rows.map { d.goldLabels[$0] })
    #expect(throws: CartographyError.incompleteEpoch(epoch: 2, missing: d.exampleCount - 3, firstMissingID: d.exampleIDs[0])) {
        _ = try recorder.dynamics(partialEpoch: .reject)
    }
    let dropped = try recorder.dynamics(partialEpoch: .dropIncompleteLastEpoch)
    #expect(dropped.epochCount == 2 && dropped.metadata.droppedPartialEpoch)
    #expect(dropped.logits == Array(d.logits[0 ..< 2 * d.exampleCount * 3]))
    let empty = try DynamicsRecorder(exampleIDs: ["a"], goldLabels: [0], classCount: 2, mode: .trainingPass)
    #expect(throws: CartographyError.tooFewEpochs(needed: 1, available: 0, reason: "a data map")) {
        _ = try empty.dynamics(partialEpoch: .reject)
    }
    #expect(throws: CartographyError.invalidDynamics(reason: "example id a occurs twice")) {
        _ = try DynamicsRecorder(exampleIDs: ["a", "a"], goldLabels: [0, 1], classCount: 2, mode: .trainingPass)
    }
}
