import Foundation

/// Every row of an experiment against ERM of the compute-unit model at the same step budget, paired by seed: the
/// mean difference of the OOD-test average and of the validation metric with their 95 % t-intervals
/// (`PairedDifference`), the verdict on "the row is above ERM" for the OOD average, and the row's compute. This is
/// what the README's verdicts on the paper's claims quote (paired_<task>.csv from `ftft tables`): FTFT vs ERM out of
/// distribution (claim 3), DM from a smaller reference vs ERM (claim 1, with Figure 1a's overlaps), DM vs ERM at a
/// fraction of the budget (claim 2, the rows of Figure 1).
public struct PairedComparisons: Sendable {
    public struct Row: Sendable {
        public var label: String
        public var baseline: String
        public var oodAverage: PairedDifference
        public var validation: PairedDifference
        public var compute: SeedSummary
        public var baselineCompute: SeedSummary
    }

    public var rows: [Row]
    public var validationName: String
    public var stem: String

    public init(results: ExperimentResults) {
        let spec = results.spec
        let unit = spec.model(named: spec.computeUnit)
        /// ERM of a model with the compute unit's weights and learning rate, by its step budget.
        var baselines: [Int: MethodResult] = [:]
        for m in results.methods where m.method.kind == .erm {
            guard let model = spec.model(named: m.method.model), let unit,
                  model.source == unit.source, model.learningRate == unit.learningRate, model.tokenizer == unit.tokenizer
            else { continue }
            let steps = spec.maxSteps(ofModel: m.method.model)
            if baselines[steps] == nil { baselines[steps] = m }
        }
        let validation = results.validationName
        func bySeed(_ m: MethodResult, _ value: (SeedResult) -> Double?) -> [UInt64: Double] {
            Dictionary(m.seeds.compactMap { s in value(s).map { (s.seed, $0) } }, uniquingKeysWith: { a, _ in a })
        }
        let ood: (SeedResult) -> Double? = { results.oodAverage($0.reported).map { 100 * $0 } }
        let val: (SeedResult) -> Double? = { $0.reported.dev[validation].map { 100 * $0 } }
        rows = results.methods.compactMap { m in
            guard let base = baselines[spec.maxSteps(ofModel: m.method.model)], base.method.label != m.method.label else { return nil }
            return Row(label: m.method.label, baseline: base.method.label,
                       oodAverage: PairedDifference(a: bySeed(m, ood), b: bySeed(base, ood)),
                       validation: PairedDifference(a: bySeed(m, val), b: bySeed(base, val)),
                       compute: m.summary { $0.countedCompute }, baselineCompute: base.summary { $0.countedCompute })
        }
        validationName = validation
        stem = spec.name
    }

    /// paired_<stem>: differences in percentage points (row − baseline), 95 % t-interval bounds, the verdict on
    /// "row > baseline" for the OOD average, and compute (mean, sd) of both.
    public func table() -> PaperTable {
        let header = ["method", "baseline", "seeds", "ood_avg_diff", "ood_avg_diff_sd", "ood_avg_ci95_low", "ood_avg_ci95_high",
                      "ood_avg_verdict", "\(validationName)_val_diff", "\(validationName)_val_ci95_low",
                      "\(validationName)_val_ci95_high", "compute", "compute_std", "baseline_compute"]
        let rows = rows.map { r in
            [r.label, r.baseline, r.oodAverage.pairs.map { String($0.seed) }.joined(separator: " "),
             Self.format(r.oodAverage.mean), Self.format(r.oodAverage.standardDeviation), Self.format(r.oodAverage.low),
             Self.format(r.oodAverage.high), r.oodAverage.verdict.rawValue,
             Self.format(r.validation.mean), Self.format(r.validation.low), Self.format(r.validation.high),
             Self.format(r.compute.mean), Self.format(r.compute.standardDeviation), Self.format(r.baselineCompute.mean)]
        }
        return PaperTable(name: "paired_\(stem)", header: header, rows: rows)
    }

    static func format(_ x: Double) -> String { x.isFinite ? String(format: "%.2f", x) : "" }
}
