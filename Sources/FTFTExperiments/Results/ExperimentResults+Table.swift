import Foundation

extension ExperimentResults {
    /// The comparison table: per method, the reported checkpoint's metrics (percent, mean ± sample standard
    /// deviation over seeds) — in-distribution validation, each OOD test set, their average — and Compute
    /// relative to ERM of the unit model = 100 from counted FLOPs, beside the paper's parameter-count estimate,
    /// the main model's steps and the checkpoints it trained; last, how many of the seeds are at or below the
    /// majority baseline (marked ⚠; `majorityTable` gives the rows without them).
    public func comparisonTable() -> TextTable {
        var header = ["method", "ID \(validationName) \(MetricName.short(task.validation.metric.rawValue))"]
        header += task.oodTest.map { "OOD \($0.name) \(MetricName.short($0.metric.rawValue))" }
        header += ["OOD avg \(MetricName.short(task.metric.rawValue))", "compute (counted)", "compute (paper est.)",
                   "main steps", "ckpts", "seeds", "≤ majority"]
        var rows: [[String]] = []
        for m in methods {
            var row = [m.method.label]
            row.append(TableFormat.meanSD(m.summary { $0.reported.dev[validationName] }, scale: 100))
            for name in testNames { row.append(TableFormat.meanSD(m.summary { $0.reported.test[name] }, scale: 100)) }
            row.append(TableFormat.meanSD(m.summary { oodAverage($0.reported) }, scale: 100))
            row.append(TableFormat.meanSD(m.summary { $0.countedCompute }) + Self.externalMark(m))
            row.append(TableFormat.meanSD(m.summary { $0.parameterEstimate(maxSteps: spec.training.maxSteps) }))
            row.append(TableFormat.meanSD(m.summary { Double($0.mainSteps) }, decimals: 0))
            let reported = m.summary { Double($0.reported.checkpoint) }, trained = m.summary { Double($0.checkpointsTrained) }
            row.append(m.method.isEarlyStopped
                       ? "best \(TableFormat.meanSD(reported, decimals: 1)) of \(TableFormat.meanSD(trained, decimals: 1))"
                       : TableFormat.meanSD(trained, decimals: 0))
            row.append("\(m.seeds.count)")
            row.append(majorityCount(m))
            rows.append(row)
        }
        return TextTable(header: header, rows: rows)
    }

    /// How a method's compute treats an external reference: " (ext.)" when its cost (as its source states it) is
    /// included, " (main only)" when the source gave none; "" for a reference trained here.
    static func externalMark(_ m: MethodResult) -> String {
        let external = m.seeds.compactMap(\.externalReference)
        guard !external.isEmpty else { return "" }
        return external.allSatisfy { $0.trainingFLOPs != nil } ? " (ext.)" : " (main only)"
    }

    /// Per seed: the live stop of every early-stopped method beside the paper's post-hoc rule applied to the
    /// logged checkpoints of the matching full-length run (identical when the runs are bit-identical prefixes).
    public func earlyStoppingTable() -> TextTable {
        var rows: [[String]] = []
        for m in methods where m.method.isEarlyStopped {
            for s in m.seeds {
                let live = s.readPostHoc ? "– (read post hoc from \(s.mainRun), \(s.mainSteps) steps)"
                    : "best \(s.reported.checkpoint), trained \(s.checkpointsTrained) (\(s.mainSteps) steps)"
                let post = s.postHoc.map { "best \($0.best), trained \($0.trained)" } ?? "– (no full-length run)"
                let agree = s.readPostHoc ? "–"
                    : s.postHoc.map { $0.best == s.reported.checkpoint && $0.trained == s.checkpointsTrained ? "yes" : "NO" } ?? "–"
                rows.append([m.method.label, "\(s.seed)", "\(m.method.patience ?? 0)", live, post, agree])
            }
        }
        return TextTable(header: ["method", "seed", "patience", "live stop", "post hoc on full run", "agree"], rows: rows,
                         firstNumericColumn: 99)
    }

    /// Per method and seed, the ledger: counted, precise and 6·N·D training FLOPs (main + reference), evaluation
    /// FLOPs and wall time.
    public func ledgerTable() -> TextTable {
        func g(_ flops: Int64) -> String { String(format: "%.3f", Double(flops) / 1e9) }
        var rows: [[String]] = []
        for m in methods {
            for s in m.seeds {
                let counted = s.main.countedTrainingFLOPs + (s.reference?.countedTrainingFLOPs ?? 0) + s.externalFLOPs
                let precise = s.main.preciseTrainingFLOPs + (s.reference?.preciseTrainingFLOPs ?? 0) + s.externalFLOPs
                let kaplan = s.main.kaplanTrainingFLOPs + (s.reference?.kaplanTrainingFLOPs ?? 0) + s.externalFLOPs
                let evaluation = s.main.countedEvaluationFLOPs + (s.reference?.countedEvaluationFLOPs ?? 0)
                let wall = s.main.trainingWallSeconds + (s.reference?.trainingWallSeconds ?? 0)
                rows.append([m.method.label, "\(s.seed)", "\(s.mainRun.rawValue)", g(counted), g(precise), counted == precise ? "yes" : "NO", g(kaplan),
                             String(format: "%.1f", 100 * (Double(kaplan) / Double(max(1, precise)) - 1)), g(evaluation),
                             String(format: "%.1f", wall), String(format: "%.2f", s.countedCompute)])
            }
        }
        return TextTable(header: ["method", "seed", "main run", "train GFLOP counted", "precise", "equal", "6ND", "6ND vs precise %",
                                  "eval GFLOP", "train s", "compute"], rows: rows, firstNumericColumn: 1)
    }
}
