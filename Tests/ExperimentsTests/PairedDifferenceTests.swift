import Foundation
import Testing
@testable import FTFTExperiments

@Suite("Paired differences and t-intervals")
struct PairedDifferenceTests {
    /// Every tabulated quantile is where the t density integrates to 0.975 (Simpson's rule, 20,000 panels from 0),
    /// and the expansion used beyond 30 degrees of freedom is within 1e-3 of its own integration.
    @Test(arguments: Array(1...30) + [31, 40, 60, 120])
    func quantilesAreWhereTheDensityIntegratesTo975(nu: Int) {
        let q = StudentT.quantile975(degreesOfFreedom: nu)
        let panels = 20_000, h = q / Double(panels)
        var sum = StudentT.density(0, degreesOfFreedom: nu) + StudentT.density(q, degreesOfFreedom: nu)
        for i in 1..<panels { sum += (i % 2 == 1 ? 4 : 2) * StudentT.density(Double(i) * h, degreesOfFreedom: nu) }
        let cdf = 0.5 + sum * h / 3
        // 3 decimals in the table move the CDF by at most density(q)·0.0005 < 3e-5.
        #expect(abs(cdf - 0.975) < (nu <= 30 ? 1e-4 : 2e-4), "ν = \(nu): CDF(\(q)) = \(cdf)")
    }

    @Test func pairsBySeedAndGivesTheIntervalAndVerdict() {
        // d = 1, 2, 3 on seeds 0, 1, 2 (seed 5 has only a): mean 2, sd 1, half-width 4.303/√3.
        let x = PairedDifference(a: [0: 11, 1: 12, 2: 13, 5: 99], b: [0: 10, 1: 10, 2: 10])
        #expect(x.pairs.map(\.seed) == [0, 1, 2])
        #expect(x.mean == 2 && abs(x.standardDeviation - 1) < 1e-12)
        #expect(abs(x.low - (2 - 4.303 / 3.0.squareRoot())) < 1e-12 && abs(x.high - (2 + 4.303 / 3.0.squareRoot())) < 1e-12)
        #expect(x.verdict == .inconclusive)
        #expect(PairedDifference(a: [0: 5, 1: 5.5, 2: 6], b: [0: 1, 1: 1, 2: 1]).verdict == .supported)
        #expect(PairedDifference(a: [0: 1, 1: 1, 2: 1], b: [0: 5, 1: 5.5, 2: 6]).verdict == .notSupported)
        #expect(PairedDifference(a: [0: 1], b: [0: 0]).verdict == .inconclusive, "one seed is an anecdote")
    }
}
