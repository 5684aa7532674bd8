import FTFTStore

extension ExperimentRunner {
    /// What `run()` would do, without training: for every seed and method, its main run (and reference run) and
    /// whether the store already holds it finished (reused), unfinished (resumed) or not at all (trained).
    public func plan() throws -> TextTable {
        var rows: [[String]] = []
        func status(_ configuration: RunConfiguration) throws -> String {
            let sha = try configuration.sha256()
            let policy = try evaluationPolicy(for: configuration, keep: .none)
            if let run = try phaseRunner.finishedRun(sha: sha, policy: policy) { return "reuse \(run.id)" }
            if let (run, restart) = try phaseRunner.runToContinue(sha: sha, policy: policy) {
                return restart ? "train again \(run.id) (recorded with evaluation: \(PhaseRunner.policy(of: run).rawValue))"
                    : "resume \(run.id) (\(run.status.rawValue))"
            }
            return "train"
        }
        for seed in spec.seeds {
            rows.append(["ERM \(spec.computeUnit) (compute unit)", "\(seed)", "–",
                         try status(configuration(model: spec.computeUnit, seed: seed, subset: nil, patience: nil))])
            for method in spec.methods {
                let reference = try method.reference.map {
                    try status(configuration(model: $0, seed: seed, subset: nil, patience: nil))
                } ?? "–"
                let main = try configuration(model: method.model, seed: seed, subset: try subsetIdentity(method, seed: seed),
                                             patience: method.kind == .ftft || method.kind == .ermES ? method.patience : nil)
                rows.append([method.label, "\(seed)", reference, try status(main)])
            }
        }
        return TextTable(header: ["method", "seed", "reference run", "main run"], rows: rows, firstNumericColumn: 99)
    }
}
