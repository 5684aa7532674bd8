import Foundation
import FTFTData
import FTFTStore

/// Runs that fail like the paper's: a main run whose reported in-distribution validation metric is at or below the
/// validation set's majority baseline (`MajorityBaseline`) is degenerate. The paper dropped such runs (appendix A.1);
/// ftft keeps them and flags them, and reports every aggregate twice — over all seeds, and over the others.
extension ExperimentResults {
    /// The baseline of the experiment's validation set, or why there is none. Manifests written by `ftft run` and
    /// `ftft merge` record it; an older manifest's is recomputed from the task's data, but only when that data is the
    /// data the runs were trained on (the same task identity — settings, sampling and file SHA-256 — as the first
    /// entry's compute-unit run), so the value never depends on what the data folder holds today.
    static func majorityBaseline(manifest: ExperimentManifest, store: RunStore) -> (baseline: MajorityBaseline?, unknown: String?) {
        if let recorded = manifest.majorityBaseline { return (recorded, nil) }
        guard let entry = manifest.entries.first else { return (nil, "no method row has finished yet") }
        struct Stored: Decodable { var task: TaskIdentity }
        do {
            let prepared = try PreparedTask(spec: manifest.spec.task)
            let trained = try JSONDecoder().decode(Stored.self, from: Data(try store.run(RunID(entry.unitRun)).configurationJSON.utf8))
            guard TaskIdentity(prepared) == trained.task else {
                return (nil, "the manifest does not record it, and the task's data here is not the data the runs were trained on")
            }
            guard let baseline = prepared.majorityBaseline else {
                return (nil, "the training set has no labelled example or the validation set is empty")
            }
            return (baseline, nil)
        } catch {
            // Reports and tables must still render where the data is not (another machine): the reason is shown instead.
            return (nil, "the manifest does not record it, and the task's data cannot be read here (\(error))")
        }
    }

    /// Whether a run's reported validation metric is at or below the majority baseline; nil when either is unknown.
    public func isAtOrBelowMajority(_ seed: SeedResult) -> Bool? {
        guard let majorityBaseline, let value = seed.reported.dev[validationName] else { return nil }
        return majorityBaseline.isAtOrBelow(value)
    }

    /// A method's seeds that are not at or below the baseline (a seed whose validation metric is missing is kept:
    /// nothing says it failed); nil when the baseline is unknown, so no "excluding" figure pretends to be one.
    public func seedsExcludingMajority(_ method: MethodResult) -> [SeedResult]? {
        guard majorityBaseline != nil else { return nil }
        return method.seeds.filter { isAtOrBelowMajority($0) != true }
    }

    /// `MethodResult.summary` over `seedsExcludingMajority`; nil when the baseline is unknown.
    public func summaryExcludingMajority(_ method: MethodResult, _ value: (SeedResult) -> Double?) -> SeedSummary? {
        seedsExcludingMajority(method).map { SeedSummary($0.compactMap(value)) }
    }

    /// The flagged runs, in table order: "ERM(ES) large seed 2 (50.00)".
    public var runsAtOrBelowMajority: [String] {
        methods.flatMap { m in
            m.seeds.filter { isAtOrBelowMajority($0) == true }.map { s in
                "\(m.method.label) seed \(s.seed) (\(String(format: "%.2f", 100 * (s.reported.dev[validationName] ?? .nan))))"
            }
        }
    }

    /// The sentences reports and tables print: the baseline, how it is made, how many runs of which rows are at or
    /// below it and what that means for the "excluding" figures — said even when none is, rather than hidden.
    public var majorityBaselineNote: String {
        guard let b = majorityBaseline else {
            return "Majority baseline of \(validationName): unknown (\(majorityBaselineUnknown ?? "not recorded")), so no run is checked against it and the figures excluding runs at or below it are left empty."
        }
        let name = task.labelNames.indices.contains(b.majorityClass) ? " `\(task.labelNames[b.majorityClass])`" : ""
        let total = methods.reduce(0) { $0 + $1.seeds.count }
        let flagged = runsAtOrBelowMajority
        var text = "Majority baseline: always predicting class \(b.majorityClass)\(name) — the most frequent gold label of the \(b.trainingClassCounts.reduce(0, +)) training examples (ties go to the lowest class index) — scores \(String(format: "%.2f", 100 * b.value)) \(b.metric.rawValue) on \(b.set) (\(b.exampleCount) examples). The paper excluded runs whose validation metric is at or below it as failed (appendix A.1); ftft keeps them, flags them and reports every row also without them. "
        if flagged.isEmpty {
            text += "No run of the \(total) is at or below it, so the figures excluding such runs equal those over all seeds."
        } else {
            text += "\(flagged.count) of \(total) runs \(flagged.count == 1 ? "is" : "are") at or below it: \(flagged.joined(separator: ", "))."
        }
        return text
    }
}

extension ExperimentResults {
    /// A method's count of seeds at or below the baseline for the comparison table: "0", "⚠ 1", "–" when unknown.
    func majorityCount(_ m: MethodResult) -> String {
        guard majorityBaseline != nil else { return "–" }
        let flagged = m.seeds.filter { isAtOrBelowMajority($0) == true }.count
        return flagged == 0 ? "0" : "⚠ \(flagged)"
    }

    /// Per method: the seeds at or below the majority baseline (each marked ⚠ with its validation metric), and the
    /// comparison table's main figures over the other seeds, with both seed counts. Shown whether or not a run is
    /// flagged (then its figures equal the comparison table's).
    public func majorityTable() -> TextTable {
        let header = ["method", "at or below majority", "ID \(validationName) \(MetricName.short(task.validation.metric.rawValue))",
                      "OOD avg \(MetricName.short(task.metric.rawValue))", "compute (counted)", "seeds kept"]
        let rows = methods.map { m -> [String] in
            let flagged = m.seeds.filter { isAtOrBelowMajority($0) == true }.map {
                "⚠ seed \($0.seed) (\(TableFormat.percent($0.reported.dev[validationName])))"
            }
            let cells = [summaryExcludingMajority(m) { $0.reported.dev[validationName] }.map { TableFormat.meanSD($0, scale: 100) },
                         summaryExcludingMajority(m) { oodAverage($0.reported) }.map { TableFormat.meanSD($0, scale: 100) },
                         summaryExcludingMajority(m) { $0.countedCompute }.map { TableFormat.meanSD($0) }]
            let kept = seedsExcludingMajority(m).map { "\($0.count) of \(m.seeds.count)" } ?? "– of \(m.seeds.count)"
            return [m.method.label, majorityBaseline == nil ? "–" : (flagged.isEmpty ? "none" : flagged.joined(separator: ", "))]
                + cells.map { $0 ?? "–" } + [kept]
        }
        return TextTable(header: header, rows: rows, firstNumericColumn: 2)
    }

    /// The paper table's extra columns (`PaperTable`): the baseline, both seed counts, then each mean column and
    /// each standard-deviation column again over the seeds not at or below the baseline, named `<column>_excluding_majority`
    /// after the column it repeats. Appended after the existing columns, whose names and positions stay as they were.
    static func excludingMajorityHeader(validation: String, tests: [String]) -> [String] {
        let means = ["compute", validation] + tests + ["ood_avg"]
        return ["majority_baseline", "seeds_at_or_below_majority", "seeds_excluding_majority"]
            + means.map { $0 + "_excluding_majority" }
            + (["compute_std", validation + "_std"] + tests.map { $0 + "_std" } + ["ood_avg_std"]).map { $0 + "_excluding_majority" }
    }

    /// The cells under `excludingMajorityHeader` for one method (test sets by name, in the header's order); all
    /// empty when the baseline is unknown.
    func excludingMajorityCells(_ m: MethodResult, tests: [String]) -> [String] {
        let columns = 3 + 2 * (3 + tests.count)
        guard let b = majorityBaseline, let kept = seedsExcludingMajority(m) else { return [String](repeating: "", count: columns) }
        func cell(_ x: Double, scale: Double = 100) -> String { x.isFinite ? String(format: "%.2f", x * scale) : "" }
        // (summary, scale): compute is already on its printed scale, metrics are fractions.
        let summaries: [(SeedSummary, Double)] = [(SeedSummary(kept.map(\.countedCompute)), 1.0),
                         (SeedSummary(kept.compactMap { $0.reported.dev[validationName] }), 100)]
            + tests.map { name in (SeedSummary(kept.compactMap { $0.reported.test[name] }), 100.0) }
            + [(SeedSummary(kept.compactMap { oodAverage($0.reported) }), 100)]
        return [cell(b.value), "\(m.seeds.count - kept.count)", "\(kept.count)"]
            + summaries.map { summary, scale in cell(summary.mean, scale: scale) }
            + summaries.map { summary, scale in cell(summary.standardDeviation, scale: scale) }
    }
}
