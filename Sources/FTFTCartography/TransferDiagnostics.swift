import Foundation

/// The paper's §4 analyses of whether a reference model's data map transfers (Du, Gatt, Nguyen, "FTFT",
/// arXiv 2310.06588 §4.1–4.3, Figures 1–2, Table 4), as small functions over selections and data maps.
public enum TransferDiagnostics {
    /// |A₁ ∩ A₂| / |A₁| for two selected id sets (paper §4.1, Figure 1a). For two independent random subsets at
    /// rate p the expected value is p. NaN when A₁ is empty.
    public static func overlap(_ first: [String], _ second: [String]) -> Double {
        guard !first.isEmpty else { return .nan }
        let other = Set(second)
        return Double(first.filter { other.contains($0) }.count) / Double(first.count)
    }

    /// overlap(sets[i], sets[j]) for every pair: row i is normalised by |sets[i]|, so the matrix is asymmetric
    /// when the sets differ in size; the diagonal is 1.
    public static func overlapMatrix(_ sets: [[String]]) -> [[Double]] {
        sets.map { a in sets.map { b in overlap(a, b) } }
    }

    /// The share of examples that are easy — neither ambiguous nor hard-to-learn at rate p (paper §4.3,
    /// Table 4) — for each rate, under one selection rule. At most 1 − p (reached when A = H).
    public static func easyShares(_ map: DataMap, rates: [Double] = EasyShareReference.rates,
                                  rule: SelectionRule = .ftft) throws -> [EasyShare] {
        let easy = try Selector.select(map, mode: .easy, rates: rates, rule: rule)
        return zip(rates, easy).map { rate, selection in
            EasyShare(rate: rate, count: selection.indices.count, fraction: Double(selection.indices.count) / Double(map.exampleCount))
        }
    }

    /// Paper Figure 2: for each epoch, the median gold-class probability p_{i,e} of the hard-to-learn examples
    /// (bottom `rate` by confidence, exact rule) and of the rest. Medians as numpy's (mean of the two middle
    /// values for an even count).
    public static func hardToLearnMedians(_ dynamics: TrainingDynamics, rate: Double) throws -> MedianCurves {
        let map = try DataMap.compute(from: dynamics)
        let hard = try Selector.select(map, mode: .hardToLearn, rates: [rate], rule: .exact)[0].indices
        var isHard = [Bool](repeating: false, count: dynamics.exampleCount)
        for i in hard { isHard[i] = true }
        let p = dynamics.goldProbabilities()
        let n = dynamics.exampleCount
        var hardMedians: [Double] = [], restMedians: [Double] = []
        for e in 0..<dynamics.epochCount {
            var inHard: [Double] = [], inRest: [Double] = []
            for i in 0..<n {
                if isHard[i] { inHard.append(Double(p[e * n + i])) } else { inRest.append(Double(p[e * n + i])) }
            }
            hardMedians.append(median(inHard))
            restMedians.append(median(inRest))
        }
        return MedianCurves(rate: rate, hard: hardMedians, rest: restMedians)
    }

    /// numpy's median: the middle value, or the mean of the two middle values; NaN for no values.
    public static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let s = values.sorted()
        let mid = s.count / 2
        return s.count % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
    }
}

/// One row of Table 4: the easy share at one rate.
public struct EasyShare: Sendable, Equatable {
    public let rate: Double
    public let count: Int
    /// count / N, in [0, 1 − rate].
    public let fraction: Double
}

/// Figure 2's two curves, one value per epoch.
public struct MedianCurves: Sendable, Equatable {
    public let rate: Double
    public let hard: [Double]
    public let rest: [Double]
}

/// The paper's Table 4 (easy share in % at p = 10/25/33/50 %, MNLI and CAD, seven reference models), copied as
/// published data from `docs/paper-tables/table4_easy_fraction.csv` (row names as inferred there). Rows 1–2
/// (TinyBERT, ELECTRA-small) are the references the paper finds ineffective; rows 3–7 are effective.
public enum EasyShareReference {
    public static let rates: [Double] = [0.10, 0.25, 0.33, 0.50]

    public enum TaskFamily: String, Sendable, CaseIterable {
        case nli
        case hsd
    }

    public struct Row: Sendable {
        public let model: String
        public let effective: Bool
        /// Easy share in percent at `rates`.
        public let nli: [Double]
        public let hsd: [Double]
    }

    public static let rows: [Row] = [
        Row(model: "TinyBERT", effective: false, nli: [80.01, 51.27, 38.34, 19.60], hsd: [81.89, 65.48, 58.20, 41.73]),
        Row(model: "ELECTRA-small", effective: false, nli: [80.10, 55.72, 47.40, 35.50], hsd: [82.97, 69.70, 61.92, 41.51]),
        Row(model: "ELECTRA-base", effective: true, nli: [84.57, 69.00, 62.84, 46.65], hsd: [86.10, 72.07, 63.41, 44.54]),
        Row(model: "DeBERTaV3-small", effective: true, nli: [82.80, 67.54, 61.72, 46.15], hsd: [85.44, 70.82, 62.83, 46.54]),
        Row(model: "DeBERTaV3-base", effective: true, nli: [85.08, 71.58, 64.06, 46.86], hsd: [85.49, 72.30, 63.64, 46.14]),
        Row(model: "BERT-large", effective: true, nli: [85.21, 70.08, 63.05, 47.21], hsd: [89.25, 72.38, 64.15, 47.07]),
        Row(model: "RoBERTa-large", effective: true, nli: [85.67, 71.43, 64.24, 47.20], hsd: [88.57, 73.21, 64.84, 47.25]),
    ]

    /// How an easy share compares with the paper's references at the same rate and task family:
    /// - `typical`: at least the lowest effective reference;
    /// - `belowTypical`: below every effective reference but above every ineffective one;
    /// - `farBelow`: at or below the best ineffective reference — where the paper's references that did *not*
    ///   transfer sit (e.g. NLI at 33 %: effective 61.7–64.2 %, ineffective 38.3 % and 47.4 %).
    public enum Assessment: String, Sendable {
        case typical, belowTypical = "below-typical", farBelow = "far-below"
    }

    /// The percentages of one family at `rate` (nil for rates not in the table).
    static func values(_ family: TaskFamily, rate: Double, effective: Bool) -> [Double]? {
        guard let k = rates.firstIndex(where: { abs($0 - rate) < 1e-9 }) else { return nil }
        return rows.filter { $0.effective == effective }.map { family == .nli ? $0.nli[k] : $0.hsd[k] }
    }

    /// The lowest and highest effective reference's share (percent) at `rate`.
    public static func effectiveRange(_ family: TaskFamily, rate: Double) -> ClosedRange<Double>? {
        guard let v = values(family, rate: rate, effective: true), let lo = v.min(), let hi = v.max() else { return nil }
        return lo...hi
    }

    public static func assess(_ share: EasyShare, family: TaskFamily) -> Assessment? {
        guard let effective = values(family, rate: share.rate, effective: true)?.min(),
              let ineffective = values(family, rate: share.rate, effective: false)?.max() else { return nil }
        let percent = 100 * share.fraction
        if percent >= effective { return .typical }
        return percent > ineffective ? .belowTypical : .farBelow
    }

    /// One warning for several rates: the detail of the 33 % share (or the first far-below one), plus the other
    /// rates at which the share is far below too; nil when none is.
    public static func warning(_ shares: [EasyShare], family: TaskFamily) -> String? {
        let far = shares.filter { assess($0, family: family) == .farBelow }
        guard let main = far.first(where: { abs($0.rate - 0.33) < 1e-9 }) ?? far.first,
              let text = warning(main, family: family) else { return nil }
        let others = far.filter { $0.rate != main.rate }.map { String(format: "%.0f%%", 100 * $0.rate) }
        return others.isEmpty ? text : text + "; also far below at p = " + others.joined(separator: ", ")
    }

    /// A warning for people when the share is far below the effective references, else nil.
    public static func warning(_ share: EasyShare, family: TaskFamily) -> String? {
        guard assess(share, family: family) == .farBelow, let range = effectiveRange(family, rate: share.rate),
              let ineffective = values(family, rate: share.rate, effective: false)?.max() else { return nil }
        let percent = { (x: Double) in String(format: "%.1f", x) }
        return "only \(percent(100 * share.fraction))% of examples are easy at p = \(String(format: "%.0f", 100 * share.rate))%; "
            + "the paper's effective \(family.rawValue.uppercased()) reference models mark "
            + "\(percent(range.lowerBound))–\(percent(range.upperBound))%, its ineffective ones at most \(percent(ineffective))%: "
            + "this reference model may be too weak to transfer (FTFT §4.3, Table 4)"
    }
}
