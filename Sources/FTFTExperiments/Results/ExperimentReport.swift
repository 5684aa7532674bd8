import Foundation

/// The written report of an experiment: the comparison table, the early-stopping check and the compute ledger,
/// with the conventions they follow, as Markdown (and as HTML with data maps, `ExperimentReport+HTML`).
public struct ExperimentReport {
    public let results: ExperimentResults

    public init(results: ExperimentResults) { self.results = results }

    var conventions: [String] {
        let spec = results.spec
        return [
            "Metrics are in percent, mean ± sample standard deviation (ddof 1) over \(spec.seeds.count) seed(s) (\(spec.seeds.map(String.init).joined(separator: ", "))); each stored metric is rounded to 4 decimals as FTFT stores it.",
            "Reported checkpoint: the last one for full-length methods; for early-stopped methods (ERM(ES), FTFT) the best by the mean OOD-dev metric (\(results.task.oodDev.map(\.name).joined(separator: ", "))), patience counted in evaluations.",
            "OOD avg = mean of \(results.averagedTestNames.joined(separator: ", ")).",
            "Compute = 100 × training FLOPs counted at the GEMM wrapper (reference run + main run up to its stop) / those of ERM of \(spec.computeUnit) with the same seed. Evaluation is not included (reported in the ledger). The paper estimate is 100 × (N_ref + N_main × steps/max_steps) / N_unit with N = the encoders' non-embedding weight matrices.",
            results.blasLine,
            "Every run: \(spec.training.maxSteps) max steps\(Self.ownBudgets(spec)), batch \(spec.training.batchSize), warmup \(spec.training.warmupRate) of the full budget, evaluation every \(spec.training.evalInterval) steps and at the last; early-stopped runs keep the full-length learning-rate schedule.",
        ]
    }

    /// " (model a: n steps, …)" for models with their own `max_steps`, else nothing.
    static func ownBudgets(_ spec: ExperimentSpec) -> String {
        let own = spec.models.compactMap { m in m.maxSteps.map { "\(m.name): \($0)" } }
        return own.isEmpty ? "" : " (own budgets: " + own.joined(separator: ", ") + ")"
    }

    /// Said only when a method's subset came from outside.
    var externalNote: [String] {
        guard results.methods.contains(where: { $0.seeds.contains { $0.externalReference != nil } }) else { return [] }
        return ["External references (subset_file, reference_dynamics) were trained elsewhere: \"(ext.)\" adds the training FLOPs their source states (the other trainer's own count or estimate, not counted here); \"(main only)\" means the source stated none, so compute counts the main run only."]
    }

    /// Plain-text tables wrap to at most this many columns.
    public static let plainWidth = 120
    /// One line per method row and seed without results.
    var missingLines: [String] { results.missing.map { "\($0.label) (seed \($0.seed)): \($0.reason)" } }

    public func markdown() -> String {
        var text = "# \(results.spec.name)\n\n"
        if let summary = results.spec.summary { text += summary + "\n\n" }
        text += "Task `\(results.task.name)`" + (results.trainingExamples.map { ", \($0) training examples" } ?? "")
            + "; models " + results.spec.models.map { "`\($0.name)`" }.joined(separator: ", ") + ".\n\n"
        text += "## Results\n\n" + results.comparisonTable().markdown + "\n"
        text += (conventions + externalNote).map { "- " + $0 }.joined(separator: "\n") + "\n\n"
        text += "## Runs at or below the majority baseline\n\n" + results.majorityBaselineNote + "\n\n"
            + results.majorityTable().markdown + "\n"
        let stopping = results.earlyStoppingTable()
        if !stopping.rows.isEmpty {
            text += "## Early stopping: live stop vs. the paper's post-hoc rule\n\n" + stopping.markdown + "\n"
        }
        if !results.otherRuns.isEmpty {
            text += "## Other runs in this store\n\nFinished runs the experiment file does not use (one row per configuration; e.g. an earlier `ftft train` here with other settings).\n\n"
                + results.otherRunsTable().markdown + "\n"
        }
        text += "## Compute ledger (training GFLOP, main + reference)\n\n" + results.ledgerTable().markdown + "\n"
        text += "`precise` is the architecture's exact GEMM count over the padded batches; `6ND` is 6 × non-embedding weights × tokens including padding, which leaves out attention's T² products and the pooler/classifier.\n"
        text += "\n## Where the time goes (each run once)\n\n" + results.timeSplitTable().markdown + "\n"
        text += "Shares of each run's end-to-end wall time (summed over the processes that trained it): training updates, evaluations (\(results.spec.training.evaluation.rawValue) policy: \(Self.policyNote(results.spec.training.evaluation))), data preparation (loading, tokenizing, selecting, building the model; work shared by runs is charged to the first run trained after it), checkpoint writes and reads, run-store writes, and the rest (bookkeeping between updates). Padded/real: token slots in the padded batches per real token (training batches: \(results.spec.training.batching.name); evaluation: \(results.spec.training.evalOrder.rawValue) order). `–`: recorded before the split was kept.\n"
        if !results.missing.isEmpty {
            text += "\n## Not finished\n\n" + missingLines.map { "- " + $0 }.joined(separator: "\n") + "\n"
        }
        return text
    }

    static func policyNote(_ policy: EvaluationPolicy) -> String {
        switch policy {
        case .reported: return "the early-stopping sets at every checkpoint, the other sets where a checkpoint can be reported; a full-length run no early-stopped row is checked against: every set at its last checkpoint only"
        case .everyCheckpoint: return "every set at every checkpoint"
        case .lastCheckpoint: return "every set at the last checkpoint only"
        }
    }

    /// The comparison and early-stopping tables as plain text, for a terminal.
    public func plain() -> String {
        var text = results.comparisonTable().plain(maxWidth: Self.plainWidth)
        text += TableFormat.wrapped(results.majorityBaselineNote, width: Self.plainWidth) + "\n"
        let stopping = results.earlyStoppingTable()
        if !stopping.rows.isEmpty { text += "\n" + stopping.plain(maxWidth: Self.plainWidth) }
        if !results.otherRuns.isEmpty {
            text += "\nOther runs in this store (not in the experiment file):\n" + results.otherRunsTable().plain(maxWidth: Self.plainWidth)
        }
        text += "\n" + TableFormat.wrapped(results.blasLine, width: Self.plainWidth) + "\n"
        if !results.missing.isEmpty {
            text += "\nNot finished (\(results.missing.count) of \(results.spec.methods.count * results.spec.seeds.count) method rows):\n"
                + missingLines.map { "  " + $0 + "\n" }.joined()
        }
        return text
    }
}
