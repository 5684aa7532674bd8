import Foundation
import FTFTData
import FTFTEncoder
import FTFTIO
import FTFTStore
import FTFTTensors
import FTFTTraining

/// Trains one run of the pipeline — or finds it already finished in the store and reuses it, or resumes it from
/// its last checkpoint — recording its configuration, provenance, evaluations, dynamics and compute ledger.
struct PhaseRunner {
    let store: RunStore
    let experimentDirectory: String
    let experiment: String
    let threads: Int
    let keepCheckpoints: Bool
    let storeLogits: Bool
    let provenance: RunProvenance
    /// The engine's implementation (both compute the same function; tests in debug builds may prefer one).
    var kernelPath: BertClassifier.KernelPath = .fused
    /// Tests only: simulate an interruption of every run after its checkpoint at this step.
    var interruptAfterStep: Int?
    /// Between updates: a signal's name when the run must checkpoint and stop (see `ExperimentRunner.stopRequest`).
    var stopRequest: (@Sendable () -> String?)?
    let events: (PipelineEvent) -> Void

    struct Request {
        var phase: PhaseDescription
        var method: RunMethod
        var role: RunRole
        var recipe: ModelRecipe
        var configuration: RunConfiguration
        /// The run's training examples (the subset, for subset runs); `index` is the row in the full training set.
        var examples: [EncodedExample]
        /// Example index → the data set's id, for the dynamics rows.
        var ids: [Int: String]
        var suite: EvaluationSuite
        var referenceRun: RunID?
        /// Which weights to keep as a Hugging Face model folder when the run finishes.
        var keep: ModelKeep = .none
        /// The task's class names (the model folder's id2label, the checkpoint's label_names).
        var labelNames: [String] = []
        /// Which sets to evaluate at which checkpoints (recorded in the run's provenance, not its identity: a run
        /// recorded under `everyCheckpoint` also serves `reported`, not the other way round).
        var policy: EvaluationPolicy = .everyCheckpoint
        /// Data preparation this run waited for before it was requested (loading, tokenizing, selecting).
        var preparationSeconds = 0.0
        /// For a full-length run that early-stopped rows are read from post hoc: the largest patience among them
        /// (`PhaseState.shadow`). Applies to a run trained from its start; a resumed run keeps what it started with.
        var shadowPatience: Int?
    }

    struct Outcome {
        var run: RunID
        var reused: Bool
    }

    func checkpointPath(_ run: RunID) -> String {
        URL(fileURLWithPath: experimentDirectory).appendingPathComponent("checkpoints/run-\(run.rawValue).safetensors").path
    }

    /// The evaluation policy a stored run was recorded under (its provenance; runs recorded before the policy
    /// existed evaluated every set at every checkpoint).
    static func policy(of run: Run) -> EvaluationPolicy {
        struct Recorded: Decodable { var evaluation: EvaluationPolicy? }
        let recorded = try? JSONDecoder().decode(Recorded.self, from: Data(run.provenanceJSON.utf8))
        return recorded?.evaluation ?? .everyCheckpoint
    }

    /// The newest finished run with this configuration (in either role) whose evaluations cover `policy`.
    func finishedRun(sha: String, policy: EvaluationPolicy) throws -> Run? {
        try store.runs(configurationSHA256: sha).first { $0.status == .finished && Self.policy(of: $0).covers(policy) }
    }

    /// The run with this configuration to continue when none can be reused: the newest unfinished one
    /// (interrupted before running before failed), else a finished one whose evaluations do not cover `policy`
    /// (trained again in place: training is deterministic, so its dynamics and reported evaluations come out
    /// the same, and the other evaluations are added). `restart` says the run cannot continue from its
    /// checkpoint: it was recorded under a policy that does not cover this one.
    func runToContinue(sha: String, policy: EvaluationPolicy) throws -> (run: Run, restart: Bool)? {
        let runs = try store.runs(configurationSHA256: sha)
        for status in [RunStatus.interrupted, .running, .failed, .finished] {
            if let run = runs.first(where: { $0.status == status }) {
                return (run, !Self.policy(of: run).covers(policy) || status == .finished)
            }
        }
        return nil
    }

    func run(_ request: Request) throws -> Outcome {
        let started = ContinuousClock.now
        let json = try request.configuration.json()
        let sha = RunStore.configurationSHA256(json)
        if let done = try finishedRun(sha: sha, policy: request.policy) {
            if request.keep == .none || ModelExport.exists(experimentDirectory: experimentDirectory, run: done.id, keep: request.keep) {
                events(.phaseReused(request.phase, run: done.id))
                if let warning = Self.blasMismatch(done.provenanceJSON, of: done.id, current: self.provenance, reusing: true, phase: request.phase) {
                    events(.note(warning))
                }
                return Outcome(run: done.id, reused: true)
            }
            // Weights are only kept when asked for; training again gives the same run (same seed, same order), now
            // with its model folder.
            events(.note("\(request.phase.title) (seed \(request.phase.seed)): \(done.id) is finished but its \(request.keep.rawValue) weights were not kept; training it again to keep them (the results will be the same)"))
        }
        let existing = try runToContinue(sha: sha, policy: request.policy)
        var provenance = self.provenance
        if case .pretrained(let directory) = request.recipe.spec.source { provenance.modelDirectory = directory }
        provenance.tokenizerPath = (request.recipe.encoder as? WordPieceEncoder)?.path
        provenance.evaluation = request.policy
        let runRecord = try existing?.run ?? store.createRun(NewRun(
            experiment: experiment, method: request.method, role: request.role, seed: request.configuration.seed,
            model: request.recipe.spec.name, configurationJSON: json, provenanceJSON: try provenance.json(),
            referenceRun: request.referenceRun, id: RunID(configurationSHA256: sha)))
        if let existing {
            if existing.restart {
                // Its checkpoint (if any was kept) holds a run whose earlier evaluations lack sets: start over.
                try? FileManager.default.removeItem(atPath: checkpointPath(existing.run.id))
                // (A finished run whose evaluations cover the policy is here only to keep its weights: said above.)
                if !Self.policy(of: existing.run).covers(request.policy) {
                    events(.note("\(request.phase.title) (seed \(request.phase.seed)): \(existing.run.id) was recorded with evaluation: \(Self.policy(of: existing.run).rawValue), which lacks what evaluation: \(request.policy.rawValue) records; training it again from the start (the same computation) to record it"))
                }
            } else {
                events(.note(Self.resumeNote(request.phase, existing.run, checkpoint: checkpointPath(existing.run.id))))
            }
            if !existing.restart, let warning = Self.blasMismatch(existing.run.provenanceJSON, of: existing.run.id,
                                                                   current: self.provenance, reusing: false, phase: request.phase) {
                events(.note(warning))
            }
            // What the run's records will hold from now on: the new policy (a resume under a weaker policy
            // records less from here on; under a policy that is not covered the run starts over).
            if Self.policy(of: existing.run) != request.policy {
                try store.updateProvenance(run: existing.run.id, provenanceJSON: try Self.provenance(existing.run.provenanceJSON,
                                                                                                     evaluation: request.policy))
            }
        }
        var lastCheckpointStep: Int?
        do {
            try train(request, run: runRecord.id, resuming: existing != nil, started: started,
                      lastCheckpointStep: &lastCheckpointStep)
        } catch let stop as PipelineStop {
            try? store.updateStatus(run: runRecord.id, to: .interrupted, message: "\(stop)")
            throw stop
        } catch let interruption as PipelineInterruption {
            try? store.updateStatus(run: runRecord.id, to: .failed, message: "\(interruption)")
            throw interruption
        } catch {
            let failure = PhaseFailure(title: request.phase.title, seed: request.phase.seed, run: runRecord.id,
                                       method: request.method, role: request.role, lastCheckpointStep: lastCheckpointStep,
                                       checkpointPath: checkpointPath(runRecord.id), underlying: error)
            // Best effort: with a full disk this write may fail too; the run then stays `running`, resumable alike.
            try? store.updateStatus(run: runRecord.id, to: .failed, message: failure.description)
            throw failure
        }
        return Outcome(run: runRecord.id, reused: false)
    }

    /// `json` (a run's provenance) with its `evaluation` set to `policy`, keys sorted.
    static func provenance(_ json: String, evaluation policy: EvaluationPolicy) throws -> String {
        var object = (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]) ?? [:]
        object["evaluation"] = policy.rawValue
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// A warning when `run` was made with another OpenBLAS build or kernel than this process runs: results are
    /// bit-identical only for the same build and kernel, so a reused run's numbers are not what this process would
    /// compute, and a resumed run's continuation is not bit-identical to an uninterrupted run. nil when they match
    /// (or the stored provenance cannot be read — then nothing is claimed either way).
    static func blasMismatch(_ provenanceJSON: String, of run: RunID, current: RunProvenance, reusing: Bool,
                             phase: PhaseDescription) -> String? {
        struct Stored: Decodable { var blasConfiguration: String?; var blasCoreName: String?; var blasBuild: String? }
        guard let stored = try? JSONDecoder().decode(Stored.self, from: Data(provenanceJSON.utf8)),
              let storedCore = stored.blasCoreName else { return nil }
        let storedBuild = stored.blasBuild ?? stored.blasConfiguration.map {
            $0.split(separator: " ").filter { $0.lowercased() != storedCore.lowercased() }.joined(separator: " ")
        }
        let sameCore = storedCore.lowercased() == current.blasCoreName.lowercased()
        let sameBuild = storedBuild == nil || current.blasBuild == nil || storedBuild == current.blasBuild
        if sameCore && sameBuild { return nil }
        let then = "\(storedBuild ?? "OpenBLAS (build not recorded)"), kernel \(storedCore)"
        let now = "\(current.blasBuild ?? current.blasConfiguration), kernel \(current.blasCoreName)"
        let consequence = reusing
            ? "its results are reused as they are, but this process would not compute the same bits"
            : "its continuation will not be bit-identical to an uninterrupted run"
        return "ftft: warning: \(phase.title) (seed \(phase.seed)): \(run) was made with \(then); this process runs "
            + "\(now) — \(consequence) (pin the kernel with --blas-kernel \(storedCore) to match)"
    }

    /// What `ftft run` says before it continues an unfinished run (printed even when stderr is not a terminal).
    static func resumeNote(_ phase: PhaseDescription, _ run: Run, checkpoint: String) -> String {
        let from = FileManager.default.fileExists(atPath: checkpoint) ? "from its last checkpoint (\(checkpoint))"
            : "from the start (it had no checkpoint yet)"
        let why: String
        switch run.status {
        case .failed: why = "failed earlier (\(run.statusMessage ?? "no message")); retrying it"
        case .running: why = "was interrupted (left running); resuming it"
        case .interrupted: why = "was interrupted (\(run.statusMessage ?? "no message")); resuming it"
        default: why = "was \(run.status.rawValue); resuming it"
        }
        return "\(phase.title) (seed \(phase.seed)): \(run.id) \(why) \(from)"
    }

    private func train(_ request: Request, run: RunID, resuming: Bool, started: ContinuousClock.Instant,
                       lastCheckpointStep: inout Int?) throws {
        let recipe = request.recipe
        let spec = request.configuration.training
        let preparing = ContinuousClock.now
        let model = try recipe.makeModel(seed: request.configuration.seed, kernelPath: kernelPath)
        let trainer = try Trainer(model: model, examples: request.examples, configuration: spec,
                                  random: SeededRandom(seed: request.configuration.seed), threads: threads)
        // Everything in this process before the first update that is not a checkpoint read: creating the run
        // record (a store write, counted below) is small beside loading the model.
        var times = PhaseTimes()
        times.dataPreparationWallSeconds = request.preparationSeconds + wallSeconds(since: preparing)
        let path = checkpointPath(run)
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        var state = PhaseState(monitor: request.configuration.patience.map { EarlyStopping(patience: $0) },
                               shadow: request.configuration.patience == nil ? request.shadowPatience.map { EarlyStopping(patience: $0) } : nil,
                               compute: PhaseCompute(config: recipe.config, totalParameterCount: recipe.totalParameterCount))
        var resumedAt: Int?
        if resuming {
            if FileManager.default.fileExists(atPath: path) {
                let reading = ContinuousClock.now
                let metadata = try trainer.restore(fromCheckpoint: path)
                state = try PhaseObserver.state(fromMetadata: metadata, file: path)
                if state.evaluations == 0, state.shadow == nil, request.configuration.patience == nil {
                    state.shadow = request.shadowPatience.map { EarlyStopping(patience: $0) }
                }
                resumedAt = trainer.position.completedSteps
                times.checkpointWallSeconds = wallSeconds(since: reading)
            }
            lastCheckpointStep = resumedAt
            // Temporary files of checkpoint writes that a killed process left behind (never read; see AtomicFile).
            try AtomicFile.removeStaleTemporaries(of: path)
            // Anything recorded after the checkpoint (or everything, without one) is recorded again.
            let writing = ContinuousClock.now
            try store.discard(run: run, afterStep: resumedAt ?? -1)
            try store.updateStatus(run: run, to: .running)
            times.storeWriteWallSeconds = wallSeconds(since: writing)
        }
        // The earlier processes' split (restored with the state) plus this one's so far.
        let earlierPhaseSeconds = state.times.phaseWallSeconds
        state.times.dataPreparationWallSeconds += times.dataPreparationWallSeconds
        state.times.checkpointWallSeconds += times.checkpointWallSeconds
        state.times.storeWriteWallSeconds += times.storeWriteWallSeconds
        let observer = try PhaseObserver(
            store: store, run: run, suite: request.suite, flops: BertFLOPs(config: recipe.config), examples: request.examples,
            ids: request.ids, keepLogits: storeLogits, policy: request.policy, checkpointPath: path, phase: request.phase,
            state: state, classCount: recipe.config.numLabels, started: started, earlierPhaseSeconds: earlierPhaseSeconds,
            events: events)
        observer.labelNames = request.labelNames
        let bestPath = ModelExport.bestWeightsPath(experimentDirectory: experimentDirectory, run: run)
        if request.keep == .best { observer.bestWeightsPath = bestPath }
        observer.interruptAfterStep = interruptAfterStep
        observer.stopRequest = stopRequest
        events(.phaseStarted(request.phase, run: run, resumedAtStep: resumedAt))
        let phase = request.phase
        defer { lastCheckpointStep = observer.lastCheckpointStep ?? lastCheckpointStep }
        let outcome = try trainer.run(observer: observer) { progress in events(.step(phase, progress)) }
        let ledger = observer.ledgerEntry(trainer)
        try store.recordCompute(ledger)
        // Counted = exact, on every run (the compute ledger's claim): a mismatch fails the phase, with the ledger
        // kept in the store as evidence.
        try observer.state.compute.requireCountedEqualsExact(run: "\(run)")
        if request.keep != .none {
            let bert = model
            let folder = URL(fileURLWithPath: experimentDirectory).appendingPathComponent(
                ModelExport.relativeFolder(run: run, keep: request.keep)).path
            try ModelExport.write(model: bert, weightsFile: request.keep == .best ? bestPath : nil,
                                  labelNames: request.labelNames, encoder: recipe.encoder, to: folder)
            try? FileManager.default.removeItem(atPath: bestPath)
        }
        if !keepCheckpoints { try? FileManager.default.removeItem(atPath: path) }
        try store.updateStatus(run: run, to: .finished)
        events(.phaseFinished(request.phase, run: run, steps: outcome.completedSteps, stoppedEarly: outcome.stoppedEarly,
                              trainingWallSeconds: outcome.trainingWallSeconds))
    }
}
