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
    }

    struct Outcome {
        var run: RunID
        var reused: Bool
    }

    func checkpointPath(_ run: RunID) -> String {
        URL(fileURLWithPath: experimentDirectory).appendingPathComponent("checkpoints/run-\(run.rawValue).safetensors").path
    }

    /// The finished run with this configuration, if the store has one (in either role).
    func finishedRun(sha: String) throws -> Run? {
        for role in RunRole.allCases {
            if let run = try store.findRun(configurationSHA256: sha, role: role, status: .finished) { return run }
        }
        return nil
    }

    func run(_ request: Request) throws -> Outcome {
        let json = try request.configuration.json()
        let sha = RunStore.configurationSHA256(json)
        if let done = try finishedRun(sha: sha) {
            events(.phaseReused(request.phase, run: done.id))
            if let warning = Self.blasMismatch(done.provenanceJSON, of: done.id, current: self.provenance, reusing: true, phase: request.phase) {
                events(.note(warning))
            }
            return Outcome(run: done.id, reused: true)
        }
        var unfinished: Run?
        for status in [RunStatus.interrupted, .running, .failed] {
            for role in RunRole.allCases where unfinished == nil {
                unfinished = try store.findRun(configurationSHA256: sha, role: role, status: status)
            }
        }
        var provenance = self.provenance
        if case .pretrained(let directory) = request.recipe.spec.source { provenance.modelDirectory = directory }
        provenance.tokenizerPath = (request.recipe.encoder as? WordPieceEncoder)?.path
        let runRecord = try unfinished ?? store.createRun(NewRun(
            experiment: experiment, method: request.method, role: request.role, seed: request.configuration.seed,
            model: request.recipe.spec.name, configurationJSON: json, provenanceJSON: try provenance.json(),
            referenceRun: request.referenceRun, id: RunID(configurationSHA256: sha)))
        if let unfinished {
            events(.note(Self.resumeNote(request.phase, unfinished, checkpoint: checkpointPath(unfinished.id))))
            if let warning = Self.blasMismatch(unfinished.provenanceJSON, of: unfinished.id, current: self.provenance, reusing: false, phase: request.phase) {
                events(.note(warning))
            }
        }
        var lastCheckpointStep: Int?
        do {
            try train(request, run: runRecord.id, resuming: unfinished != nil, lastCheckpointStep: &lastCheckpointStep)
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

    private func train(_ request: Request, run: RunID, resuming: Bool, lastCheckpointStep: inout Int?) throws {
        let recipe = request.recipe
        let spec = request.configuration.training
        let model = try recipe.makeModel(seed: request.configuration.seed, kernelPath: kernelPath)
        let trainer = try Trainer(model: model, examples: request.examples, configuration: spec,
                                  random: SeededRandom(seed: request.configuration.seed), threads: threads)
        let path = checkpointPath(run)
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        var state = PhaseState(monitor: request.configuration.patience.map { EarlyStopping(patience: $0) },
                               compute: PhaseCompute(config: recipe.config, totalParameterCount: recipe.totalParameterCount))
        var resumedAt: Int?
        if resuming {
            if FileManager.default.fileExists(atPath: path) {
                let metadata = try trainer.restore(fromCheckpoint: path)
                state = try PhaseObserver.state(fromMetadata: metadata, file: path)
                resumedAt = trainer.position.completedSteps
            }
            lastCheckpointStep = resumedAt
            // Temporary files of checkpoint writes that a killed process left behind (never read; see AtomicFile).
            try AtomicFile.removeStaleTemporaries(of: path)
            // Anything recorded after the checkpoint (or everything, without one) is recorded again.
            try store.discard(run: run, afterStep: resumedAt ?? -1)
            try store.updateStatus(run: run, to: .running)
        }
        let observer = try PhaseObserver(
            store: store, run: run, suite: request.suite, flops: BertFLOPs(config: recipe.config), examples: request.examples,
            ids: request.ids, keepLogits: storeLogits, checkpointPath: path, phase: request.phase, state: state,
            classCount: recipe.config.numLabels, events: events)
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
        if !keepCheckpoints { try? FileManager.default.removeItem(atPath: path) }
        try store.updateStatus(run: run, to: .finished)
        events(.phaseFinished(request.phase, run: run, steps: outcome.completedSteps, stoppedEarly: outcome.stoppedEarly,
                              trainingWallSeconds: outcome.trainingWallSeconds))
    }
}
