import Foundation
import FTFTIO
import FTFTStore

extension ExperimentRunner {
    /// Runs (or resumes, or finds in the store) every method for every seed, and returns the manifest it wrote.
    /// Within a seed, full-length methods run before early-stopped ones, so that the full-length run an
    /// early-stopped method can be checked against post hoc (ERM for ERM(ES), DM for FTFT) already exists.
    @discardableResult
    public func run() throws -> ExperimentManifest {
        let lock = try acquireRunLock()
        defer { lock.release() }
        var manifest = ExperimentManifest(spec: spec, trainingExamples: task.train.count, entries: [],
                                          majorityBaseline: task.majorityBaseline)
        // Temporaries of atomic writes that a killed earlier `ftft run` left behind (checkpoints: `PhaseRunner`).
        for name in ["experiment.json", "manifest.json", "report.md", "report.html"] {
            try AtomicFile.removeStaleTemporaries(of: URL(fileURLWithPath: directory).appendingPathComponent(name).path)
        }
        try writeSpecCopy()
        let order = spec.methods.filter { !$0.isEarlyStopped } + spec.methods.filter(\.isEarlyStopped)
        for seed in spec.seeds {
            let unit = try erm(model: spec.computeUnit, seed: seed, role: .main)
            for method in order {
                manifest.entries.append(try run(method, seed: seed, unit: unit))
                manifest.entries.sort { a, b in
                    let ia = spec.methods.firstIndex { $0.label == a.label } ?? 0, ib = spec.methods.firstIndex { $0.label == b.label } ?? 0
                    return (a.seed, ia) < (b.seed, ib)
                }
                try manifest.write(directory: directory)
            }
        }
        return manifest
    }

    /// One `ftft run` per experiment folder. A second process would find the runs the first is training marked
    /// running, resume them from an older checkpoint beside it and write the same evaluations twice; an `fcntl` lock
    /// on `<folder>/.run.lock` (released when the process ends, also when killed) refuses it before anything is
    /// touched. Shards (`--only`) have their own locks and do not take this one.
    func acquireRunLock() throws -> FileLock {
        let path = URL(fileURLWithPath: directory).appendingPathComponent(".run.lock").path
        guard let lock = try FileLock.acquire(path: path, timeoutSeconds: 0) else {
            throw ExperimentError.unavailable(
                what: "experiment folder \(directory)",
                reason: "another ftft process is running it (it holds \(path)); wait for it, or stop it with SIGTERM (it checkpoints and exits 75) before running again")
        }
        return lock
    }

    /// The experiment as resolved (JSON) beside the store, for people and for `ftft report`.
    func writeSpecCopy() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(spec), to: URL(fileURLWithPath: directory).appendingPathComponent("experiment.json").path)
    }

    static func storeMethod(_ kind: MethodSpec.Kind) -> RunMethod {
        switch kind {
        case .erm: return .erm
        case .ermES: return .ermES
        case .dm: return .dm
        case .randomDM: return .randomDM
        case .ftft: return .ftft
        }
    }

    /// The full-length ERM run of `model` with `seed`, with its training dynamics: the "ERM" row of that model
    /// and the reference run of every data map made with it.
    func erm(model: String, seed: UInt64, role: RunRole, keep: ModelKeep = .none) throws -> RunID {
        try phase(title: "ERM \(model)", method: .erm, role: role, model: model, seed: seed, subset: nil, patience: nil,
                  referenceRun: nil, keep: keep)
    }

    func phase(title: String, method: RunMethod, role: RunRole, model: String, seed: UInt64,
               subset: (identity: SubsetIdentity, indices: [Int])?, patience: Int?, referenceRun: RunID?,
               keep: ModelKeep = .none) throws -> RunID {
        let recipe = try recipe(model)
        let all = try trainExamples(recipe)
        let examples = subset.map { $0.indices.map { all[$0] } } ?? all
        let configuration = try configuration(model: model, seed: seed, subset: subset?.identity, patience: patience)
        let description = PhaseDescription(title: title, seed: seed, model: model, role: role,
                                           maxSteps: configuration.training.maxSteps, trainingExamples: examples.count,
                                           batchSize: configuration.training.batchSize)
        var request = PhaseRunner.Request(phase: description, method: method, role: role, recipe: recipe,
                                          configuration: configuration, examples: examples, ids: trainIDs,
                                          suite: try suite(recipe), referenceRun: referenceRun, keep: keep,
                                          labelNames: task.definition.labelNames,
                                          policy: try evaluationPolicy(for: configuration, keep: keep))
        request.shadowPatience = try postHocPatience(for: configuration)
        request.preparationSeconds = pendingPreparationSeconds
        let outcome = try phaseRunner.run(request)
        if !outcome.reused { pendingPreparationSeconds = 0 }
        return outcome.run
    }

    /// One method with one seed.
    func run(_ method: MethodSpec, seed: UInt64, unit: RunID) throws -> ExperimentManifest.Entry {
        var entry = ExperimentManifest.Entry(label: method.label, kind: method.kind, seed: seed, mainRun: 0, referenceRun: nil,
                                             unitRun: unit.rawValue, postHocRun: nil, poolCount: nil, selectedCount: nil)
        let storeMethod = Self.storeMethod(method.kind)
        let keep = method.keep ?? .none
        switch method.kind {
        case .erm:
            entry.mainRun = try erm(model: method.model, seed: seed, role: .main, keep: keep).rawValue
        case .ermES:
            if let derived = try postHocDerivation(method, seed: seed) {
                (entry.mainRun, entry.postHocDerived) = (derived.rawValue, true)
                events(.note(Self.derivedNote(method, seed: seed, from: derived)))
                break
            }
            entry.mainRun = try phase(title: method.label, method: storeMethod, role: .main, model: method.model, seed: seed,
                                      subset: nil, patience: method.patience, referenceRun: nil, keep: keep).rawValue
        case .randomDM:
            let n = task.train.count
            let indices = SubsetSelection.randomIndices(count: n, rate: method.rate, rule: method.rule, seed: seed)
            events(.selected(title: method.label, seed: seed, count: indices.count, pool: n))
            let identity = try subsetIdentity(method, seed: seed)
            let main = try phase(title: method.label, method: storeMethod, role: .main, model: method.model, seed: seed,
                                 subset: identity.map { ($0, indices) }, patience: nil, referenceRun: nil, keep: keep)
            let spec = SelectionSpec(mode: .random, rate: method.rate, rule: method.rule, seed: seed)
            if try store.selection(run: main, spec: spec, dataMap: nil) == nil {
                try store.saveSelection(run: main, dataMap: nil, spec: spec, poolCount: n, exampleIndices: indices,
                                        exampleIDs: indices.map { task.train.examples[$0].id })
            }
            (entry.mainRun, entry.poolCount, entry.selectedCount) = (main.rawValue, n, indices.count)
        case .dm, .ftft:
            if let external = try externalSubset(method) {
                events(.selected(title: method.label, seed: seed, count: external.indices.count, pool: external.pool))
                let identity = try subsetIdentity(method, seed: seed)
                let main = try phase(title: method.label, method: storeMethod, role: .main, model: method.model, seed: seed,
                                     subset: identity.map { ($0, external.indices) },
                                     patience: method.kind == .ftft ? method.patience : nil, referenceRun: nil, keep: keep)
                (entry.mainRun, entry.poolCount, entry.selectedCount) = (main.rawValue, external.pool, external.indices.count)
                entry.externalReference = external.record
                break
            }
            guard let referenceModel = method.reference else {
                throw ExperimentError.unavailable(what: method.label, reason: "no reference model")
            }
            let reference = try erm(model: referenceModel, seed: seed, role: .reference)
            let selection = try preparing {
                try SubsetSelection.fromDataMap(store: store, dynamicsFrom: dependencyStore ?? store,
                                                reference: reference, train: task.train,
                                                method: method, threads: spec.threads)
            }
            events(.selected(title: method.label, seed: seed, count: selection.indices.count, pool: selection.pool))
            let identity = try subsetIdentity(method, seed: seed)
            let main: RunID
            if method.kind == .ftft, let derived = try postHocDerivation(method, seed: seed) {
                (main, entry.postHocDerived) = (derived, true)
                events(.note(Self.derivedNote(method, seed: seed, from: derived)))
            } else {
                main = try phase(title: method.label, method: storeMethod, role: .main, model: method.model, seed: seed,
                                 subset: identity.map { ($0, selection.indices) },
                                 patience: method.kind == .ftft ? method.patience : nil, referenceRun: reference, keep: keep)
            }
            (entry.mainRun, entry.referenceRun) = (main.rawValue, reference.rawValue)
            (entry.poolCount, entry.selectedCount) = (selection.pool, selection.indices.count)
        }
        entry.postHocRun = try postHocCounterpart(method, seed: seed)?.rawValue
        if keep != .none { entry.model = ModelExport.relativeFolder(run: RunID(entry.mainRun), keep: keep) }
        return entry
    }

    /// The evaluation policy of one run. The file's, except that under `reported` a full-length run whose criterion
    /// curve nothing reads is evaluated at its last checkpoint only (`lastCheckpoint`): its reported checkpoint is
    /// the last, so the early-stopping sets along the way decide nothing. Its curve is read when it is the post-hoc
    /// counterpart of an early-stopped row of this file (`postHocCounterpart`), or when its best weights are kept.
    /// A function of the configuration (and `keep`), so the run is recorded the same way in every role it plays.
    func evaluationPolicy(for configuration: RunConfiguration, keep: ModelKeep) throws -> EvaluationPolicy {
        let asked = spec.training.evaluation
        guard asked == .reported, configuration.patience == nil, keep != .best else { return asked }
        let sha = try configuration.sha256()
        for method in spec.methods where method.isEarlyStopped {
            let full = try self.configuration(model: method.model, seed: configuration.seed,
                                              subset: try subsetIdentity(method, seed: configuration.seed), patience: nil)
            if try full.sha256() == sha { return .reported }
        }
        return .lastCheckpoint
    }

    /// For a full-length configuration that `early_stopping: post_hoc` rows are read from: the largest patience
    /// among them (the run then records what each live row would, up to its stop). nil otherwise. A row is read
    /// post hoc when it keeps no weights (its counterpart's weights are not its own).
    func postHocPatience(for configuration: RunConfiguration) throws -> Int? {
        guard spec.training.earlyStopping == .postHoc, configuration.patience == nil else { return nil }
        let sha = try configuration.sha256()
        var patience: Int?
        for method in spec.methods where method.isEarlyStopped && (method.keep ?? ModelKeep.none) == ModelKeep.none {
            let full = try self.configuration(model: method.model, seed: configuration.seed,
                                              subset: try subsetIdentity(method, seed: configuration.seed), patience: nil)
            if let k = method.patience, try full.sha256() == sha { patience = max(patience ?? 0, k) }
        }
        return patience
    }

    /// The run an `early_stopping: post_hoc` row is read from, when it can be: its finished full-length
    /// counterpart recorded what the live run would, up to the stop — the ledger at the stop (`T = min(b + k, K)`)
    /// and every set at the best checkpoint b. nil: the row runs live (live mode, kept weights, no counterpart
    /// trained by the file, or a counterpart recorded without those records).
    func postHocDerivation(_ method: MethodSpec, seed: UInt64) throws -> RunID? {
        guard spec.training.earlyStopping == .postHoc, method.isEarlyStopped, (method.keep ?? ModelKeep.none) == ModelKeep.none,
              let patience = method.patience, let counterpart = try postHocCounterpart(method, seed: seed) else { return nil }
        return try RunResults.postHocReading(store: store, run: counterpart, patience: patience, task: task.definition) == nil
            ? nil : counterpart
    }

    static func derivedNote(_ method: MethodSpec, seed: UInt64, from run: RunID) -> String {
        "\(method.label) (seed \(seed)): read post hoc from \(run) (early_stopping: post_hoc; the same updates up to the stop)"
    }

    /// The finished full-length run that an early-stopped method's live stop can be checked against: the same
    /// configuration without patience (ERM for ERM(ES), the matching DM run for FTFT).
    func postHocCounterpart(_ method: MethodSpec, seed: UInt64) throws -> RunID? {
        guard method.isEarlyStopped else { return nil }
        let full = try configuration(model: method.model, seed: seed, subset: try subsetIdentity(method, seed: seed), patience: nil)
        // Only its criterion at every checkpoint is needed, which every evaluation policy records.
        return try phaseRunner.finishedRun(sha: try full.sha256(), policy: .reported)?.id
    }
}
