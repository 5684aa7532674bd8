import Foundation

/// This project's results in the layout of the paper's tables (paper-tables/published/*.csv): one row per
/// method, the published columns first (section, method, models, Compute, the in-distribution validation metric,
/// the OOD test metrics, then their standard deviations), then ftft's extra columns — last the same figures over the
/// seeds not at or below the majority baseline (`excludingMajorityHeader`). Metrics are percentages with 2
/// decimals, mean and sample standard deviation (ddof 1) over seeds.
///
/// NLI experiments fill `table1_nli.csv` (+ HANS, which the paper does not report), HSD experiments
/// `table5_hsd.csv`; any other task gets `table_<experiment>.csv` with columns named after its sets.
public struct PaperTable: Sendable, Equatable {
    /// File name without extension, e.g. `table1_nli`.
    public var name: String
    public var header: [String]
    public var rows: [[String]]

    public var csv: String {
        func field(_ s: String) -> String {
            s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        return ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}

extension ExperimentResults {
    /// The paper-layout column name of a set's metric, e.g. `anli_r1_test_acc`, `dynahate_ori_r2_test_macro_f1`,
    /// `multinli_val_acc`, `cad_val_macro_f1`.
    static func paperColumn(set: String, split: String, metric: String) -> String {
        var name = set
        if name == "mnli" { name = "multinli" }
        if name.hasPrefix("dynahate_r"), let level = name.split(separator: "_").last {
            let round = name.split(separator: "_")[1]
            name = "dynahate_\(level == "original" ? "ori" : "pert")_\(round)"
        }
        let suffix: String
        switch metric {
        case "accuracy": suffix = "acc"
        case "hans_accuracy": suffix = "acc"
        default: suffix = metric
        }
        return "\(name)_\(split)_\(suffix)"
    }

    /// The file this experiment's table is written to: the paper's table (table1_nli, table5_hsd) only for the
    /// experiment named after its task (experiments/nli.yaml, hsd.yaml), so that a pilot or any other experiment of
    /// the task never overwrites it; `table_<experiment>` otherwise.
    public var paperTableName: String { spec.name == task.name ? publishedTableName : "table_\(spec.name)" }

    /// The paper's table of this task, whose published rows the Markdown page shows underneath (the layout is the
    /// task's whatever the experiment is called).
    public var publishedTableName: String {
        switch task.name {
        case "nli": return "table1_nli"
        case "hsd": return "table5_hsd"
        default: return "table_\(spec.name)"
        }
    }

    /// Section and method in the paper's vocabulary (ERM, ERM(ES), DM with "Random" as reference, FTFT).
    static func paperRow(_ m: MethodSpec) -> (section: String, method: String, reference: String) {
        switch m.kind {
        case .erm: return ("baselines", "ERM", "-")
        case .ermES: return ("baselines", "ERM(ES)", "-")
        case .randomDM: return ("baselines", "DM", "Random")
        case .dm: return (m.reference == m.model ? "baselines" : "transfer", "DM", m.reference ?? "-")
        case .ftft: return ("ftft", "FTFT", m.reference ?? "-")
        }
    }

    public func paperTable() -> PaperTable {
        let validation = Self.paperColumn(set: validationName, split: "val", metric: task.validation.metric.rawValue)
        // Published order: the task's own-metric test sets, in the paper's order (by column name for HSD:
        // original rounds, then perturbed), then any other test set (HANS).
        var tests = task.oodTest.map { ($0.name, Self.paperColumn(set: $0.name, split: "test", metric: $0.metric.rawValue)) }
        if task.name == "hsd" { tests.sort { $0.1 < $1.1 } }
        let own = tests.filter { name, _ in averagedTestNames.contains(name) }
        let other = tests.filter { name, _ in !averagedTestNames.contains(name) }
        let ordered = own + other
        var header = ["row", "section", "method", "main_model", "ref_model", "compute", validation] + ordered.map(\.1)
        header += [validation + "_std"] + ordered.map { $0.1 + "_std" }
        header += ["ood_avg", "ood_avg_std", "compute_std", "compute_paper_estimate", "main_steps", "checkpoints_trained", "seeds",
                   "source", "blas_build", "blas_kernel"]
        header += Self.excludingMajorityHeader(validation: validation, tests: ordered.map(\.1))
        func cell(_ s: SeedSummary, _ std: Bool, scale: Double = 100) -> String {
            let x = std ? s.standardDeviation : s.mean
            return x.isFinite ? String(format: "%.2f", x * scale) : ""
        }
        var rows: [[String]] = []
        for (i, m) in methods.enumerated() {
            let (section, method, reference) = Self.paperRow(m.method)
            let val = m.summary { $0.reported.dev[validationName] }
            let testSummaries = ordered.map { name, _ in m.summary { $0.reported.test[name] } }
            let avg = m.summary { oodAverage($0.reported) }
            let compute = m.summary { $0.countedCompute }
            var row = ["\(i + 1)", section, method, m.method.model, reference, cell(compute, false, scale: 1), cell(val, false)]
            row += testSummaries.map { cell($0, false) }
            row += [cell(val, true)] + testSummaries.map { cell($0, true) }
            row += [cell(avg, false), cell(avg, true), cell(compute, true, scale: 1),
                    cell(m.summary { $0.parameterEstimate(maxSteps: spec.training.maxSteps) }, false, scale: 1),
                    cell(m.summary { Double($0.mainSteps) }, false, scale: 1),
                    cell(m.summary { Double($0.checkpointsTrained) }, false, scale: 1), "\(m.seeds.count)",
                    "ftft run \(spec.name): \(m.method.label)"]
            row += Self.blasCells(m.seeds.flatMap(\.blas))
            row += excludingMajorityCells(m, tests: ordered.map(\.0))
            rows.append(row)
        }
        return PaperTable(name: paperTableName, header: header, rows: rows)
    }

    /// The same results seed by seed (`<table>_per_seed.csv`): every cell of the mean ± sd table for each seed, the
    /// runs they come from, the OpenBLAS build and kernel, a fingerprint of the reported checkpoint's logits — what
    /// `scripts/reproduce.sh` compares, cell by cell, with a rerun — and last the validation set's majority baseline
    /// and whether the seed's validation metric is at or below it (`true`/`false`; empty when unknown).
    public func perSeedTable() -> PaperTable {
        let validation = Self.paperColumn(set: validationName, split: "val", metric: task.validation.metric.rawValue)
        var tests = task.oodTest.map { ($0.name, Self.paperColumn(set: $0.name, split: "test", metric: $0.metric.rawValue)) }
        if task.name == "hsd" { tests.sort { $0.1 < $1.1 } }
        let ordered = tests.filter { averagedTestNames.contains($0.0) } + tests.filter { !averagedTestNames.contains($0.0) }
        let header = ["row", "method", "main_model", "ref_model", "seed", "compute", validation] + ordered.map(\.1)
            + ["ood_avg", "compute_paper_estimate", "main_steps", "checkpoints_trained", "main_run", "reference_run",
               "blas_build", "blas_kernel", "reported_logits_sha256", "majority_baseline", "at_or_below_majority"]
        func cell(_ x: Double?, scale: Double = 100) -> String {
            guard let x, x.isFinite else { return "" }
            return String(format: "%.2f", x * scale)
        }
        var rows: [[String]] = []
        for (i, m) in methods.enumerated() {
            let (_, method, reference) = Self.paperRow(m.method)
            for s in m.seeds {
                var row = ["\(i + 1)", method, m.method.model, reference, "\(s.seed)", cell(s.countedCompute, scale: 1),
                           cell(s.reported.dev[validationName])]
                row += ordered.map { name, _ in cell(s.reported.test[name]) }
                row += [cell(oodAverage(s.reported)), cell(s.parameterEstimate(maxSteps: spec.training.maxSteps), scale: 1),
                        "\(s.mainSteps)", "\(s.checkpointsTrained)", "\(s.mainRun.rawValue)",
                        s.reference.map { "\($0.run.rawValue)" } ?? ""]
                row += Self.blasCells(s.blas)
                row += [s.reportedLogitsSHA256 ?? ""]
                row += [cell(majorityBaseline?.value), isAtOrBelowMajority(s).map { $0 ? "true" : "false" } ?? ""]
                rows.append(row)
            }
        }
        return PaperTable(name: paperTableName + "_per_seed", header: header, rows: rows)
    }

    /// `blas_build` and `blas_kernel` cells: the distinct values, joined by "; " when several.
    static func blasCells(_ identities: [BLASIdentity]) -> [String] {
        var builds: [String] = [], kernels: [String] = []
        for b in identities {
            if !builds.contains(b.build) { builds.append(b.build) }
            if !kernels.contains(b.kernel) { kernels.append(b.kernel) }
        }
        return [builds.joined(separator: "; "), kernels.joined(separator: "; ")]
    }
}
