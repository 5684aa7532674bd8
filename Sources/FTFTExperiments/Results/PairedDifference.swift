import Foundation

/// A paired comparison over seeds: for each seed s both methods ran, d_s = a_s − b_s; the mean difference with its
/// two-sided 95 % Student t-interval, mean ± t₀.₉₇₅(n−1) · sd(d)/√n (sd with ddof 1). Pairing by seed removes what
/// the seed does to both runs alike (data order, initial head, dropout), which is why it is tighter than comparing
/// the two methods' means.
public struct PairedDifference: Sendable, Equatable {
    /// (seed, a, b) for every seed both have, in seed order.
    public var pairs: [(seed: UInt64, a: Double, b: Double)]
    public var mean: Double
    public var standardDeviation: Double
    /// The interval's bounds; NaN for fewer than two pairs.
    public var low: Double
    public var high: Double

    public var count: Int { pairs.count }

    public init(a: [UInt64: Double], b: [UInt64: Double]) {
        pairs = a.keys.filter { b[$0] != nil }.sorted().map { ($0, a[$0] ?? .nan, b[$0] ?? .nan) }
        let d = pairs.map { $0.a - $0.b }
        let summary = SeedSummary(d)
        mean = summary.mean
        standardDeviation = summary.standardDeviation
        if d.count >= 2 {
            let half = StudentT.quantile975(degreesOfFreedom: d.count - 1) * summary.standardDeviation / Double(d.count).squareRoot()
            (low, high) = (summary.mean - half, summary.mean + half)
        } else {
            (low, high) = (.nan, .nan)
        }
    }

    /// What the interval says about "a > b": `supported` when it lies above 0, `notSupported` when it lies below 0,
    /// `inconclusive` when it contains 0 (or there are fewer than two seeds). No margin is used: "comparable" is not
    /// a verdict an interval containing 0 can give.
    public var verdict: Verdict {
        guard low.isFinite, high.isFinite else { return .inconclusive }
        if low > 0 { return .supported }
        if high < 0 { return .notSupported }
        return .inconclusive
    }

    public static func == (x: PairedDifference, y: PairedDifference) -> Bool {
        x.pairs.map(\.seed) == y.pairs.map(\.seed) && x.pairs.map(\.a) == y.pairs.map(\.a) && x.pairs.map(\.b) == y.pairs.map(\.b)
    }
}

public enum Verdict: String, Sendable {
    case supported
    case notSupported = "not supported"
    case inconclusive
}

/// Student's t distribution: the two-sided 95 % quantile t₀.₉₇₅(ν).
public enum StudentT {
    /// t₀.₉₇₅(ν) for ν = 1…30 (standard tables, e.g. NIST/SEMATECH e-Handbook §1.3.6.7.2; 3 decimals); beyond 30,
    /// the Cornish–Fisher expansion z + (z³ + z)/(4ν) + (5z⁵ + 16z³ + 3z)/(96ν²), z = 1.959964, which is within 1e-3 of
    /// the exact value there. `StudentTTests` checks every entry against a numerical integration of the density.
    public static func quantile975(degreesOfFreedom nu: Int) -> Double {
        precondition(nu >= 1, "degrees of freedom must be positive")
        let table: [Double] = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
                               2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
                               2.052, 2.048, 2.045, 2.042]
        if nu <= table.count { return table[nu - 1] }
        let z = 1.959964, v = Double(nu)
        return z + (z * z * z + z) / (4 * v) + (5 * pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * v * v)
    }

    /// The density of t with ν degrees of freedom (for the tests' integration).
    public static func density(_ t: Double, degreesOfFreedom nu: Int) -> Double {
        let v = Double(nu)
        let logC = lgamma((v + 1) / 2) - lgamma(v / 2) - 0.5 * log(v * Double.pi)
        return exp(logC - (v + 1) / 2 * log1p(t * t / v))
    }
}
