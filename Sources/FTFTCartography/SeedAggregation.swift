/// Data maps of the same reference model trained with several seeds, summarised (issue 4: "aggregation over
/// seeds"): per-example mean and spread, the spread of each summary statistic, and how stable the selection is.
public struct SeedAggregate: Sendable {
    /// One value per seed, with mean, sample standard deviation (ddof 1; 0 for a single seed), min and max.
    public struct Statistic: Sendable, Equatable {
        public let name: String
        public let values: [Double]
        public var mean: Double { values.reduce(0, +) / Double(values.count) }
        public var standardDeviation: Double {
            guard values.count > 1 else { return 0 }
            let m = mean
            return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
        }
        public var minimum: Double { values.min() ?? .nan }
        public var maximum: Double { values.max() ?? .nan }
    }

    public let seedCount: Int
    /// The first map's example order; the others are aligned to it by id.
    public let exampleIDs: [String]
    /// Per example: mean and sample std across seeds of confidence, variability and correctness (count).
    public let confidenceMean: [Double], confidenceSpread: [Double]
    public let variabilityMean: [Double], variabilitySpread: [Double]
    public let correctnessMean: [Double], correctnessSpread: [Double]
    /// Summary statistics per seed: mean confidence, mean variability, and the easy share at each Table 4 rate.
    public let statistics: [Statistic]
    /// Selection stability: overlap of the ambiguous sets at `rate` for every pair of seeds (row-normalised).
    public let rate: Double
    public let rule: SelectionRule
    public let overlap: [[Double]]

    /// Mean overlap over ordered pairs of distinct seeds (NaN for one seed). Independent random subsets give `rate`.
    public var meanPairwiseOverlap: Double {
        var sum = 0.0, count = 0
        for i in overlap.indices { for j in overlap.indices where i != j { sum += overlap[i][j]; count += 1 } }
        return count > 0 ? sum / Double(count) : .nan
    }

    /// Aggregates maps that cover the same examples (in any order). Selections use `rule` at `rate`.
    public init(maps: [DataMap], rate: Double = 0.33, rule: SelectionRule = .ftft) throws {
        guard let first = maps.first else { throw CartographyError.mismatchedExamples(reason: "no data maps given") }
        let ids = first.exampleIDs
        let position = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        // order[s][i] = position in map s of example ids[i]
        var order: [[Int]] = []
        for (s, map) in maps.enumerated() {
            guard map.exampleCount == ids.count else {
                throw CartographyError.mismatchedExamples(reason: "map \(s) has \(map.exampleCount) examples, map 0 has \(ids.count)")
            }
            var o = [Int](repeating: -1, count: ids.count)
            for (j, id) in map.exampleIDs.enumerated() {
                guard let i = position[id] else {
                    throw CartographyError.mismatchedExamples(reason: "example \(id) of map \(s) is not in map 0")
                }
                o[i] = j
            }
            order.append(o)
        }
        func spread(_ column: (DataMap) -> [Double]) -> (mean: [Double], std: [Double]) {
            let columns = maps.map(column)
            var mean = [Double](repeating: 0, count: ids.count), std = mean
            for i in ids.indices {
                let v = Statistic(name: "", values: maps.indices.map { columns[$0][order[$0][i]] })
                mean[i] = v.mean
                std[i] = v.standardDeviation
            }
            return (mean, std)
        }
        (confidenceMean, confidenceSpread) = spread(\.confidence)
        (variabilityMean, variabilitySpread) = spread(\.variability)
        (correctnessMean, correctnessSpread) = spread { $0.correctness.map(Double.init) }

        var statistics = [
            Statistic(name: "mean confidence", values: maps.map { $0.confidence.reduce(0, +) / Double($0.exampleCount) }),
            Statistic(name: "mean variability", values: maps.map { $0.variability.reduce(0, +) / Double($0.exampleCount) }),
        ]
        let shares = try maps.map { try TransferDiagnostics.easyShares($0, rule: rule) }
        for (k, p) in EasyShareReference.rates.enumerated() {
            statistics.append(Statistic(name: "easy share at p = \(Int((100 * p).rounded()))%", values: shares.map { $0[k].fraction }))
        }
        self.statistics = statistics
        let ambiguous = try maps.map { try Selector.select($0, mode: .ambiguous, rates: [rate], rule: rule)[0].ids }
        overlap = TransferDiagnostics.overlapMatrix(ambiguous)
        seedCount = maps.count
        exampleIDs = ids
        self.rate = rate
        self.rule = rule
    }
}
