import Foundation
import FTFTCartography
import FTFTEncoder
import FTFTIO
import FTFTStore
import FTFTTraining

/// What a run carries across a checkpoint besides the trainer's own state (stored in the checkpoint's
/// metadata, so both are written in one atomic file).
struct PhaseState: Codable {
    /// Evaluations done so far (the checkpoint number c of the next one is this + 1).
    var evaluations = 0
    /// The early-stopping monitor, for early-stopped runs.
    var monitor: EarlyStopping?
    /// For a full-length run that early-stopped rows are read from post hoc (`EarlyStoppingRows.postHoc`): the
    /// monitor with the largest patience of those rows. Until it would stop, the run records what the live
    /// early-stopped run would (the other sets at each new best, and the ledger at each checkpoint); it never
    /// stops the run. nil otherwise, and in runs started before it existed.
    var shadow: EarlyStopping?
    /// The criterion (mean rounded OOD-dev metric) of each evaluation so far.
    var criteria: [Double] = []
    var compute: PhaseCompute
    var times = PhaseTimes()
    /// Dynamics of the current, unfinished epoch (appended to the store when the epoch completes).
    var pending = PendingEpoch()

    static let metadataKey = "ftft_phase_state"
}

/// The rows of the unfinished epoch's training dynamics, in processing order, as a checkpoint keeps them
/// (`StoreDynamicsRecorder.pendingRows`; recorded again on resume).
struct PendingEpoch: Codable {
    var epoch = 0
    var exampleIndices: [Int] = []
    var logits: [Float] = []
}

/// The trainer's observer for one run of the pipeline: records training dynamics through the store's
/// `DynamicsRecording` (one transaction per completed epoch; an incomplete last epoch is dropped, FTFT's rule,
/// method.md §2.1),
/// evaluates the sets the evaluation policy asks for at each checkpoint and stores the results, stops live when
/// the early-stopping monitor says so, tallies the compute ledger batch by batch and the time split, and writes a
/// resumable checkpoint after each evaluation.
final class PhaseObserver: TrainingObserver {
    let store: RunStore
    let run: RunID
    let suite: EvaluationSuite
    let flops: BertFLOPs
    /// Token count of each training example, by example index.
    let lengths: [Int: Int]
    /// Records the training pass's dynamics (every batch checked against the run's examples).
    let recorder: StoreDynamicsRecorder
    let keepLogits: Bool
    let policy: EvaluationPolicy
    let checkpointPath: String
    let events: (PipelineEvent) -> Void
    let phase: PhaseDescription
    var state: PhaseState
    private var checkpointDue = false
    /// Tests only: throw `PipelineInterruption` right after the checkpoint written at or after this many updates,
    /// as if the process had died there (the run stays resumable from that checkpoint).
    var interruptAfterStep: Int?
    /// Asked after every update: a signal's name means checkpoint now and stop (`PipelineStop`).
    var stopRequest: (@Sendable () -> String?)?
    /// Completed steps in the last checkpoint this observer wrote (for the message of a failure).
    private(set) var lastCheckpointStep: Int?
    /// The task's class names, written into checkpoints (`label_names`) so that `ftft predict` names classes.
    var labelNames: [String] = []
    /// When set (`keep: best`), the weights of each evaluation that improves on every earlier one (strictly, as
    /// early stopping decides) are written here as a Hugging Face `model.safetensors`.
    var bestWeightsPath: String?
    /// When this process started (or resumed) the run, and the run's wall time in earlier processes.
    private let segmentStart: ContinuousClock.Instant
    private let earlierPhaseSeconds: Double

    init(store: RunStore, run: RunID, suite: EvaluationSuite, flops: BertFLOPs, examples: [EncodedExample], ids: [Int: String],
         keepLogits: Bool, policy: EvaluationPolicy, checkpointPath: String, phase: PhaseDescription, state: PhaseState,
         classCount: Int, started: ContinuousClock.Instant = .now, earlierPhaseSeconds: Double = 0,
         events: @escaping (PipelineEvent) -> Void) throws {
        self.store = store
        self.run = run
        self.suite = suite
        self.flops = flops
        var lengths: [Int: Int] = [:]
        for e in examples { lengths[e.index] = e.inputIds.count }
        self.lengths = lengths
        recorder = try StoreDynamicsRecorder(
            store: store, run: run, mode: .trainingPass, classCount: classCount,
            examples: try examples.map { e in
                guard let id = ids[e.index] else {
                    throw ExperimentError.unavailable(what: "training example \(e.index) of \(run)", reason: "it has no id")
                }
                return (e.index, id, Int(e.label))
            })
        self.keepLogits = keepLogits
        self.policy = policy
        self.checkpointPath = checkpointPath
        self.phase = phase
        self.state = state
        segmentStart = started
        self.earlierPhaseSeconds = earlierPhaseSeconds
        self.events = events
        // The unfinished epoch's rows the checkpoint kept, recorded again.
        let pending = state.pending
        if !pending.exampleIndices.isEmpty {
            let labels = try pending.exampleIndices.map { index in
                guard let gold = recorder.goldLabel(ofIndex: index) else {
                    throw ExperimentError.unavailable(what: checkpointPath, reason: "its pending dynamics name training row \(index), not in this run")
                }
                return gold
            }
            try recorder.record(epoch: pending.epoch, exampleIndices: pending.exampleIndices, logits: pending.logits, labels: labels)
        }
    }

    /// Runs a store write, adding its wall time to the split.
    func storeWrite<R>(_ body: () throws -> R) rethrows -> R {
        let start = ContinuousClock.now
        defer { state.times.storeWriteWallSeconds += wallSeconds(since: start) }
        return try body()
    }

    func didUpdate(_ update: TrainingUpdate, trainer: Trainer) throws {
        // The recorder refuses a row that is not one of this run's examples, or a label that is not its gold label.
        try recorder.record(epoch: update.epoch, exampleIndices: update.exampleIndices, logits: update.logits,
                            labels: update.labels.map { Int($0) })
        let sizes = try update.exampleIndices.map { index in
            guard let length = lengths[index] else {
                throw ExperimentError.unavailable(what: "the length of training row \(index) in \(run)", reason: "it is not one of the run's examples")
            }
            return length
        }
        state.compute.addTrainingBatch(flops: flops, batchSize: sizes.count, length: sizes.max() ?? 0,
                                       realTokens: sizes.reduce(0, +))
    }

    /// The early-stopping sets first (the criterion decides what else is needed); then, under `.reported`, the
    /// other sets only at a checkpoint that can be reported: a full-length run's last, an early-stopped run's new
    /// best (its reported checkpoint is the last new best before it stops or ends). Under `.lastCheckpoint` (a
    /// full-length run nothing reads the curve of) a checkpoint before the last evaluates nothing and records
    /// nothing but is still a checkpoint: it is counted and the run's state is saved there.
    func evaluate(trainer: Trainer) throws -> EvaluationDecision {
        state.evaluations += 1
        let step = trainer.position.completedSteps
        if policy == .lastCheckpoint && state.monitor == nil && step != trainer.configuration.maxSteps {
            checkpointDue = true
            return .continue
        }
        let stopping = suite.earlyStoppingSets
        let count = suite.sets.count
        let progress: (Int, String) -> Void = { [phase, events] i, name in
            events(.evaluating(phase, step: step, set: name, index: i, count: count))
        }
        var evaluated = policy == .reported ? stopping : Array(suite.sets.indices)
        var results = try suite.evaluate(trainer, sets: evaluated, keepLogits: keepLogits, willEvaluate: progress)
        countEvaluationTokens(evaluated)
        let criterion = try suite.criterion(results)
        let stop = state.monitor?.observe(criterion) ?? false
        // A post-hoc counterpart before its shadow monitor stops: what the live early-stopped run records here.
        var shadowing = false, shadowBest = false
        if var shadow = state.shadow, !shadow.shouldStop {
            shadow.observe(criterion)
            state.shadow = shadow
            (shadowing, shadowBest) = (true, shadow.bestCheckpoint == shadow.checkpointsSeen)
        }
        let others = suite.otherSets
        var othersDone = policy != .reported
        // The reportable checkpoints: an early-stopped run's (or its shadow's) new best, first; then a full-length
        // run's last.
        if !othersDone, state.monitor.map({ $0.bestCheckpoint == $0.checkpointsSeen }) ?? shadowBest {
            results += try suite.evaluate(trainer, sets: others, keepLogits: keepLogits, willEvaluate: progress)
            evaluated += others
            countEvaluationTokens(others)
            othersDone = true
        }
        if shadowing {
            // The ledger of the live run at this checkpoint (its stop, for the rows whose patience ends here).
            let entry = ledgerEntry(trainer, phase: RunResults.ledgerPhase(checkpoint: state.evaluations))
            try storeWrite { try store.recordCompute(entry) }
        }
        if !othersDone, state.monitor == nil, step == trainer.configuration.maxSteps {
            results += try suite.evaluate(trainer, sets: others, keepLogits: keepLogits, willEvaluate: progress)
            evaluated += others
            countEvaluationTokens(others)
        }
        // Stored in the suite's order, whatever order they were evaluated in.
        let position = Dictionary(uniqueKeysWithValues: evaluated.enumerated().map { ($1, $0) })
        let ordered = suite.sets.indices.compactMap { position[$0].map { results[$0] } }
        try storeWrite { try store.recordEvaluation(run: run, step: step, checkpoint: state.evaluations, results: ordered) }
        let improves = state.criteria.allSatisfy { criterion > $0 }
        state.criteria.append(criterion)
        if improves, let bestWeightsPath, let bert = trainer.model as? BertClassifier {
            try bert.writeHuggingFaceWeights(path: bestWeightsPath, metadata: ["ftft_step": String(step),
                                                                               "ftft_checkpoint": String(state.evaluations)])
        }
        checkpointDue = true
        var withoutLogits = ordered
        for i in withoutLogits.indices { withoutLogits[i].logits = nil }
        events(.evaluated(phase, CheckpointEvaluation(step: step, checkpoint: state.evaluations, results: withoutLogits,
                                                      criterion: criterion, earlyStopping: state.monitor)))
        return stop ? .stop : .continue
    }

    private func countEvaluationTokens(_ sets: [Int]) {
        for i in sets {
            state.compute.evaluationTokensWithPadding += Int64(suite.sets[i].paddedTokens)
            state.compute.evaluationTokensWithoutPadding += Int64(suite.sets[i].realTokens)
        }
    }

    func epochDidEnd(epoch: Int, isComplete: Bool, examplesSeen: Int, trainer: Trainer) throws {
        guard isComplete, recorder.current?.epoch == epoch else {
            recorder.dropCurrentEpoch()
            return
        }
        recorder.completedSteps = trainer.position.completedSteps
        _ = try storeWrite { try recorder.finishEpoch(epoch) }
    }

    func stepDidFinish(trainer: Trainer) throws {
        CrashInjection.updateFinished()
        if let signal = stopRequest?() {
            // Checkpoint at this update (unless the last one is already here) and stop: the run resumes from here.
            if lastCheckpointStep != trainer.position.completedSteps || checkpointDue {
                checkpointDue = false
                let start = ContinuousClock.now
                try saveCheckpoint(trainer)
                state.times.checkpointWallSeconds += wallSeconds(since: start)
                let entry = ledgerEntry(trainer)
                try storeWrite { try store.recordCompute(entry) }
            }
            throw PipelineStop(signal: signal, step: trainer.position.completedSteps)
        }
        guard checkpointDue else { return }
        checkpointDue = false
        let start = ContinuousClock.now
        try saveCheckpoint(trainer)
        state.times.checkpointWallSeconds += wallSeconds(since: start)
        let entry = ledgerEntry(trainer)
        try storeWrite { try store.recordCompute(entry) }
        if let limit = interruptAfterStep, trainer.position.completedSteps >= limit {
            throw PipelineInterruption(step: trainer.position.completedSteps)
        }
    }

    func saveCheckpoint(_ trainer: Trainer) throws {
        state.times.phaseWallSeconds = earlierPhaseSeconds + wallSeconds(since: segmentStart)
        let pending = recorder.pendingRows
        state.pending = PendingEpoch(epoch: pending?.epoch ?? 0, exampleIndices: pending?.exampleIndices ?? [],
                                     logits: pending?.logits ?? [])
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let json = String(decoding: try encoder.encode(state), as: UTF8.self)
        var metadata = [PhaseState.metadataKey: json]
        if !labelNames.isEmpty, let names = try? JSONEncoder().encode(labelNames) {
            metadata["label_names"] = String(decoding: names, as: UTF8.self)
        }
        try trainer.saveCheckpoint(to: checkpointPath, extraMetadata: metadata)
        lastCheckpointStep = trainer.position.completedSteps
    }

    /// The ledger entry of this run so far (counted FLOPs and wall time from the trainer, the rest tallied here).
    func ledgerEntry(_ trainer: Trainer, phase: String = "train") -> ComputeEntry {
        var compute = state.compute
        compute.countedTrainingFLOPs = trainer.trainingFLOPs
        compute.countedEvaluationFLOPs = trainer.evaluationFLOPs
        compute.trainingWallSeconds = trainer.trainingWallSeconds
        compute.evaluationWallSeconds = trainer.evaluationWallSeconds
        state.compute = compute
        state.times.phaseWallSeconds = earlierPhaseSeconds + wallSeconds(since: segmentStart)
        let times = state.times
        return ComputeEntry(
            run: run, phase: phase, parameterCount: compute.parameterCount, kaplanTrainingFLOPs: compute.kaplanTrainingFLOPs,
            preciseTrainingFLOPs: compute.preciseTrainingFLOPs, countedTrainingFLOPs: compute.countedTrainingFLOPs,
            countedEvaluationFLOPs: compute.countedEvaluationFLOPs, countedDynamicsPassFLOPs: compute.countedDynamicsPassFLOPs,
            trainingWallSeconds: compute.trainingWallSeconds, evaluationWallSeconds: compute.evaluationWallSeconds,
            steps: compute.steps, tokensWithPadding: compute.tokensWithPadding,
            tokensWithoutPadding: compute.tokensWithoutPadding, examples: compute.examples,
            evaluationTokensWithPadding: compute.evaluationTokensWithPadding,
            evaluationTokensWithoutPadding: compute.evaluationTokensWithoutPadding,
            dataPreparationWallSeconds: times.dataPreparationWallSeconds, checkpointWallSeconds: times.checkpointWallSeconds,
            storeWriteWallSeconds: times.storeWriteWallSeconds, phaseWallSeconds: times.phaseWallSeconds)
    }

    /// Reads the phase state saved with a checkpoint.
    static func state(fromMetadata metadata: [String: String], file: String) throws -> PhaseState {
        guard let text = metadata[PhaseState.metadataKey] else {
            throw ExperimentError.unavailable(what: file, reason: "the checkpoint has no pipeline state (not written by ftft run)")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return try decoder.decode(PhaseState.self, from: Data(text.utf8))
        } catch {
            throw ExperimentError.unavailable(what: file, reason: "its pipeline state cannot be read (\(error))")
        }
    }
}

/// A run stopped on request (SIGUSR1 before a Slurm time limit, SIGTERM on pre-emption) after a checkpoint at
/// `step`: marked interrupted, it resumes bit-exactly from there.
public struct PipelineStop: UserFacingError {
    public let signal: String
    public let step: Int
    public var exitStatus: ExitStatus { .interrupted }
    public var description: String { "stopped by \(signal) after a checkpoint at step \(step); run it again to resume from there" }
}

/// A simulated interruption (tests): the run stopped after writing its checkpoint at `step`.
struct PipelineInterruption: Error, CustomStringConvertible {
    let step: Int
    var description: String { "interrupted after the checkpoint at step \(step)" }
}
