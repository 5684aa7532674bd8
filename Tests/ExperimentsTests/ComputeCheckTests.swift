import FTFTEncoder
import FTFTExperiments
import Testing

/// Counted FLOPs equal the exact count on every run: the check a phase ends with (PhaseRunner) passes on equal
/// figures and fails, naming the run and both figures, on any difference.
@Test func aCountedFLOPMismatchFailsThePhase() throws {
    let config = BertConfig(vocabSize: 50, hiddenSize: 16, layers: 1, heads: 2, intermediateSize: 32, maxPositions: 32,
                            numLabels: 2)
    var compute = PhaseCompute(config: config, totalParameterCount: 1)
    compute.addTrainingBatch(flops: BertFLOPs(config: config), batchSize: 4, length: 7, realTokens: 20)
    compute.countedTrainingFLOPs = compute.preciseTrainingFLOPs
    try compute.requireCountedEqualsExact(run: "run 7")
    let exact = compute.preciseTrainingFLOPs
    compute.countedTrainingFLOPs = exact + 2
    #expect(throws: ExperimentError.computeMismatch(run: "run 7", countedTrainingFLOPs: exact + 2, exactTrainingFLOPs: exact)) {
        try compute.requireCountedEqualsExact(run: "run 7")
    }
}
