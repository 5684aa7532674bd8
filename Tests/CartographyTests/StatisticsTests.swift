import Testing
@testable import FTFTCartography

/// The definitions on small hand-checkable inputs (each expectation is the formula applied by inspection).
@Test func forgetfulnessAndCorrectnessDefinitions() {
    #expect(DataMapStatistics.forgetfulness([false, false, false]) == DataMapStatistics.neverLearnt)
    #expect(DataMapStatistics.forgetfulness([true, true, true]) == 0)
    #expect(DataMapStatistics.forgetfulness([true, false, true, false]) == 2)
    #expect(DataMapStatistics.forgetfulness([false, true, false, false, true]) == 1)
    #expect(DataMapStatistics.correctnessCount([true, false, true]) == 2)
    #expect(DataMapStatistics.correctnessFraction(count: 2, epochs: 4) == 0.5)
    let tie: [Float] = [1.5, 1.5, -3]
    #expect(tie.withUnsafeBufferPointer { DataMapStatistics.argmaxFirst($0) } == 0, "ties go to the first maximum")
    #expect(DataMapStatistics.thresholdCloseness(confidence: 0.5) == 0.25)
}

@Test func dataMapOptionsAreValidated() throws {
    let d = try GoldenCase("e3c3", epochs: 3).readDynamics()
    #expect(throws: CartographyError.self) { _ = try DataMap.compute(from: d, options: DataMapOptions(variabilityDDOF: 2)) }
    #expect(throws: CartographyError.burnOutOutOfRange(burnOut: 0, epochs: 3)) {
        _ = try DataMap.compute(from: d, options: DataMapOptions(burnOut: 0))
    }
    // Burn-out above E means all epochs, as in cartography (which clamps it).
    let all = try DataMap.compute(from: d), clamped = try DataMap.compute(from: d, options: DataMapOptions(burnOut: 100))
    #expect(all.variability == clamped.variability && clamped.epochCount == 3)
    // ddof 1 is ddof 0 rescaled by sqrt(E/(E−1)), so rankings agree.
    let sample = try DataMap.compute(from: d, options: DataMapOptions(variabilityDDOF: 1))
    for i in 0..<d.exampleCount {
        #expect(abs(sample.variability[i] - all.variability[i] * (3.0 / 2).squareRoot()) <= 1e-12)
    }
    #expect(try Selector.select(all, mode: .ambiguous, rates: [0.33])[0] .indices
            == Selector.select(sample, mode: .ambiguous, rates: [0.33])[0].indices)
    // Threads do not change results.
    #expect(try DataMap.compute(from: d, threads: 2) == all)
}

@Test func figureTwoMediansMatchNumpy() throws {
    for spec in goldenCases {
        let golden = try GoldenCase(spec.name, epochs: spec.e)
        let curves = try TransferDiagnostics.hardToLearnMedians(try golden.readDynamics(), rate: 0.33)
        #expect(curves.hard == (try golden.doubles("figure2_hard")), "\(spec.name)")
        #expect(curves.rest == (try golden.doubles("figure2_rest")), "\(spec.name)")
    }
}
