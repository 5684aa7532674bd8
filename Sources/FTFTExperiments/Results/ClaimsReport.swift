import Foundation
import FTFTCartography

/// The paper's three claims, checked on one experiment's stores (claims_<experiment>.md from `ftft tables`; the
/// README's verdict section quotes it). The rows are found by the experiment's structure, not by their labels:
/// ERM of the compute-unit model (the baseline), the first FTFT row (its reference R is "the smaller reference";
/// without an FTFT row, the first DM row's reference that is not the main model),
/// DM with R, DM with the main model itself as reference, and the rows of Figure 1 (`BudgetCurves`).
///
/// 1. Training dynamics transfer across model sizes: DM R → main above ERM out of distribution (paired by seed), with
///    the overlap of R's and the main model's ambiguous thirds beside the main model's seed-to-seed overlap and the
///    33 % a random third would share, and DM R → main against DM main → main (the paper: comparable).
/// 2. DM-trained models learn faster: DM R → main above ERM at the smallest step budget of Figure 1.
/// 3. FTFT is more robust than ERM at a lower cost: FTFT above ERM out of distribution and its compute below 100;
///    beside it, FTFT against ERM(ES) of the main model (early stopping alone), as evidence, not as the verdict.
///
/// Each verdict is one word from the 95 % t-interval of the paired differences (`PairedDifference.verdict`):
/// supported (above 0), not supported (below 0), inconclusive (holds 0, or fewer than two seeds); claim 3 is not
/// supported when its compute is at or above 100 in any seed. A missing row, or rows with no seed in common, give
/// "not tested" and say why.
public struct ClaimsReport: Sendable {
    public struct Claim: Sendable {
        public var title: String
        public var verdict: String
        /// Sentences with the numbers behind the verdict.
        public var evidence: [String]
    }

    public var experiment: String
    public var seeds: [UInt64]
    public var claims: [Claim]

    /// Whether an experiment has a row that can test a claim: an FTFT row, or a DM row with a reference (a
    /// Figure 1 experiment such as nli-budgets.yaml has no FTFT). `ftft tables` and the HTML report ask this.
    public static func applies(to results: ExperimentResults) -> Bool {
        results.methods.contains { $0.method.kind == .ftft || ($0.method.kind == .dm && $0.method.reference != nil) }
    }

    public init(results: ExperimentResults, transfer: TransferDiagnosticsReport?) {
        let spec = results.spec
        let paired = PairedComparisons(results: results)
        func pair(_ label: String?) -> PairedComparisons.Row? { label.flatMap { l in paired.rows.first { $0.label == l } } }
        let unit = spec.model(named: spec.computeUnit)
        func isMainModel(_ name: String) -> Bool {
            guard let m = spec.model(named: name), let unit else { return false }
            return m.source == unit.source && m.learningRate == unit.learningRate && spec.maxSteps(ofModel: name) == spec.training.maxSteps
        }
        let ftft = results.methods.first { $0.method.kind == .ftft && isMainModel($0.method.model) && $0.method.reference != nil }
        // The smaller reference R: the first FTFT row's; in a file without FTFT (a Figure 1 experiment such as
        // nli-budgets.yaml), the first DM row's whose reference is another model than the main one.
        let reference = ftft?.method.reference ?? results.methods.first {
            $0.method.kind == .dm && isMainModel($0.method.model) && $0.method.reference.map(isMainModel) == false
        }?.method.reference
        let dmTransfer = results.methods.first {
            $0.method.kind == .dm && isMainModel($0.method.model) && $0.method.reference == reference && reference != nil
        }
        let dmSelf = results.methods.first {
            $0.method.kind == .dm && isMainModel($0.method.model) && $0.method.reference.map(isMainModel) == true
        }
        let baseline = paired.rows.first.map(\.baseline) ?? "ERM of \(spec.computeUnit)"

        func interval(_ d: PairedDifference, unit: String = "points") -> String {
            guard d.count > 0 else { return "no seed has both rows" }
            let seeds = "\(d.count) seed\(d.count == 1 ? "" : "s")"
            guard d.low.isFinite else { return String(format: "%+.2f %@ (%@; no interval)", d.mean, unit, seeds) }
            return String(format: "%+.2f %@, 95 %% CI [%+.2f, %+.2f] (%@)", d.mean, unit, d.low, d.high, seeds)
        }
        /// A row's reported OOD average and validation metric by seed, in points.
        func ood(_ m: MethodResult) -> [UInt64: Double] {
            Dictionary(m.seeds.compactMap { s in results.oodAverage(s.reported).map { (s.seed, 100 * $0) } },
                       uniquingKeysWith: { x, _ in x })
        }
        func validation(_ m: MethodResult) -> [UInt64: Double] {
            Dictionary(m.seeds.compactMap { s in s.reported.dev[results.validationName].map { (s.seed, 100 * $0) } },
                       uniquingKeysWith: { x, _ in x })
        }
        var claims: [Claim] = []

        // 1. Transfer.
        var transferEvidence: [String] = []
        var transferVerdict = "not tested"
        if let row = pair(dmTransfer?.method.label) {
            transferVerdict = Self.verdict(row.oodAverage)
            transferEvidence.append("\(row.label) − \(baseline), OOD avg: \(interval(row.oodAverage)); validation: \(interval(row.validation)).")
        } else {
            transferEvidence.append("No DM row with the first FTFT row's reference (\(reference ?? "none")) and the main model at the full budget.")
        }
        if let a = dmTransfer, let b = dmSelf {
            let d = PairedDifference(a: ood(a), b: ood(b))
            transferEvidence.append("\(a.method.label) − \(b.method.label), OOD avg: \(interval(d)) (the paper: comparable; an interval holding 0 cannot say more).")
        }
        if let transfer, let reference, let summary = Self.overlaps(transfer, reference: reference, main: spec.computeUnit) {
            transferEvidence.append(summary)
        }
        claims.append(Claim(title: "Training dynamics transfer across model sizes", verdict: transferVerdict, evidence: transferEvidence))

        // 2. Learning speed, at the smallest budget of Figure 1 (and every other budget as evidence).
        let curves = BudgetCurves(results: results)
        let dmCurve = curves.curves.first { c in c.points.contains { p in p.label == dmTransfer?.method.label } }
        var speedEvidence: [String] = []
        var speedVerdict = "not tested"
        if let dmCurve {
            for (i, point) in dmCurve.points.enumerated() where point.maxSteps < spec.training.maxSteps {
                guard let row = pair(point.label) else { continue }
                if i == 0 { speedVerdict = Self.verdict(row.oodAverage) }
                speedEvidence.append(String(format: "At %.0f %% of the budget (%d updates), ", 100 * point.fraction, point.maxSteps)
                                     + "\(row.label) − \(row.baseline), OOD avg: \(interval(row.oodAverage)); validation: \(interval(row.validation)).")
            }
        }
        if speedEvidence.isEmpty { speedEvidence.append("No rows of \(dmTransfer?.method.label ?? "DM") at a fraction of the budget (models.<name>.max_steps).") }
        claims.append(Claim(title: "DM-trained models learn faster", verdict: speedVerdict, evidence: speedEvidence))

        // 3. FTFT against ERM, with its cost.
        var ftftEvidence: [String] = []
        var ftftVerdict = "not tested"
        if let row = pair(ftft?.method.label), let ftft {
            let computes = ftft.seeds.map(\.countedCompute)
            // The claim has two parts: a cost at or above ERM's in any seed fails it whatever the metrics say; with
            // no finished seed there is nothing to fail or pass.
            if computes.isEmpty {
                ftftVerdict = "not tested"
            } else {
                ftftVerdict = computes.allSatisfy { $0 < 100 } ? Self.verdict(row.oodAverage) : Verdict.notSupported.rawValue
            }
            ftftEvidence.append("\(row.label) − \(row.baseline), OOD avg: \(interval(row.oodAverage)); validation: \(interval(row.validation)).")
            if computes.isEmpty {
                ftftEvidence.append("Compute: \(row.label) has no finished seed.")
            } else {
                // Each argument a Double of its own: a literal 0 in a ternary beside a Double passes as an Int
                // CVarArg, which shifted every later number of this line when one seed left the sd undefined.
                let sd: Double = row.compute.standardDeviation.isFinite ? row.compute.standardDeviation : 0
                let maximum: Double = computes.max() ?? .nan
                let numbers = String(format: "%.2f ± %.2f (max %.2f", row.compute.mean, sd, maximum)
                ftftEvidence.append("Compute (counted FLOPs, \(baseline) = 100): \(numbers) over \(computes.count) seed\(computes.count == 1 ? "" : "s")).")
            }
        } else {
            ftftEvidence.append("No FTFT row with the main model at the full budget.")
        }
        // The paper's control (its ERM(ES) rows): is the gain the data map's, or early stopping's alone? An FTFT row
        // that stops early can sit nearer an easy OOD score (chance, on NLI's adversarial sets) for that reason only.
        if let ftft, let es = results.methods.first(where: { $0.method.kind == .ermES && isMainModel($0.method.model) }) {
            let d = PairedDifference(a: ood(ftft), b: ood(es)), v = PairedDifference(a: validation(ftft), b: validation(es))
            let compute = es.summary { $0.countedCompute }.mean
            let cost = compute.isFinite ? String(format: "; compute of %@ %.2f", es.method.label, compute) : ""
            ftftEvidence.append("\(ftft.method.label) − \(es.method.label) (early stopping alone, the paper's control), "
                                + "OOD avg: \(interval(d)); validation: \(interval(v))\(cost).")
        }
        for other in results.methods where other.method.kind == .ftft && other.method.label != ftft?.method.label {
            if let row = pair(other.method.label) {
                let compute = row.compute.mean.isFinite ? String(format: "compute %.2f", row.compute.mean) : "no finished seed"
                ftftEvidence.append("\(row.label) − \(row.baseline), OOD avg: \(interval(row.oodAverage)); \(compute).")
            }
        }
        claims.append(Claim(title: "FTFT is more robust than ERM at a lower cost", verdict: ftftVerdict, evidence: ftftEvidence))

        self.claims = claims
        experiment = spec.name
        seeds = spec.seeds
    }

    /// A comparison's verdict: "not tested" when no seed has both rows (nothing was measured), else the interval's.
    static func verdict(_ difference: PairedDifference) -> String {
        difference.count == 0 ? "not tested" : difference.verdict.rawValue
    }

    /// "Overlap of the ambiguous 33 %: R vs main (same seed) m % (sd s, n pairs), main seed vs seed …, random 33 %."
    static func overlaps(_ transfer: TransferDiagnosticsReport, reference: String, main: String) -> String? {
        let summary = transfer.overlapSummary(mainModel: main)
        func row(_ prefix: String) -> [String]? { summary.rows.first { $0.first?.hasPrefix(prefix) == true } }
        func pairs(_ count: String) -> String { count == "1" ? "1 pair" : "\(count) pairs" }
        guard let cross = row("\(reference) vs \(main)") else { return nil }
        var text = "Overlap of the ambiguous 33 %: \(reference) vs \(main), same seed, \(cross[2]) % (sd \(cross[3].isEmpty ? "–" : cross[3]), \(pairs(cross[1])))"
        if let same = row("\(main) seed vs seed") { text += "; \(main) seed vs seed \(same[2]) % (sd \(same[3].isEmpty ? "–" : same[3]), \(pairs(same[1])))" }
        return text + "; two random thirds share 33 % on average."
    }

    /// claims_<experiment>.md.
    public var markdown: String {
        var text = "# The paper's claims on experiment \(experiment)\n\n"
        text += "Seeds: \(seeds.map(String.init).joined(separator: ", ")). Differences are in points of the metric, row − baseline, "
            + "paired by seed, with 95 % Student t-intervals; a verdict is supported (interval above 0), not supported "
            + "(below 0) or inconclusive (holds 0, or fewer than two seeds). Made by `ftft tables` from the run store.\n\n"
        for (i, claim) in claims.enumerated() {
            text += "## \(i + 1). \(claim.title): **\(claim.verdict)**\n\n"
            text += claim.evidence.map { "- \($0)" }.joined(separator: "\n") + "\n\n"
        }
        return text
    }
}
