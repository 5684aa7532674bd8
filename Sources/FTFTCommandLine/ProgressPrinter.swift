import Foundation
import FTFTExperiments
import FTFTStore
import FTFTTraining

/// Renders pipeline events on stderr, the one place every training command's progress and log lines are made
/// (`ftft run`, `train`, `demo`; `LogOptions` picks the style):
/// - `live` (text on a terminal): one status line per training phase rewritten in place — phase, seed, step,
///   running mean loss, learning rate, examples/s, ETA, the last OOD-dev mean — and "evaluating set 3/13 (name)"
///   while a checkpoint is evaluated; a permanent line per phase started, reused, finished or selected.
/// - `lines` (text elsewhere: nohup, `| tee`, a Slurm log): plain timestamped lines — one per `interval` seconds of
///   training (step, loss averaged since the previous line, learning rate, examples/s, elapsed, ETA), one per
///   evaluation (each set's metric, the OOD-dev mean and the early-stopping state) and one per phase.
/// - `json`: the same lines as JSON objects (`LogRecord`), one per line.
/// - `quiet`: nothing but notes.
/// Notes (a run resumed or retried) are shown in every style: people must know.
final class ProgressPrinter: @unchecked Sendable {
    enum Style: Equatable {
        case live, lines, json, quiet

        init(quiet: Bool, format: LogFormat, terminal: Bool) {
            if quiet { self = .quiet } else if format == .json { self = .json } else { self = terminal ? .live : .lines }
        }
    }

    let style: Style
    /// Seconds between step lines (`lines`, `json`); 0 writes one per step.
    let interval: Double
    private let write: (String) -> Void
    private let wallClock: () -> Date
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant

    // State of the phase being trained (phases run one after the other).
    private var run: RunID?
    private var lastDraw = -Double.infinity
    private var lastLine = -Double.infinity
    private var lineOpen = false
    private var phaseStart = 0.0
    /// Loss sum and count of the updates since the previous step line.
    private var windowLoss = 0.0, windowUpdates = 0
    private var lastProgress: TrainingProgress?
    private var lastCriterion: Double?
    private var bestCriterion: Double?

    /// - Parameters:
    ///   - write: receives each piece of text (default: stderr); tests collect it.
    ///   - now: the wall clock for timestamps.
    init(style: Style, interval: Double = 30, write: @escaping (String) -> Void = ProgressPrinter.standardError,
         now: @escaping () -> Date = Date.init) {
        self.style = style
        self.interval = interval
        self.write = write
        self.wallClock = now
        start = clock.now
    }

    static func standardError(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

    /// Monotonic seconds since the printer was made.
    private var seconds: Double { (clock.now - start) / .seconds(1) }

    func handle(_ event: PipelineEvent) {
        switch event {
        case .step(let phase, let progress): step(phase, progress)
        case .evaluating(let phase, let step, let set, let index, let count):
            guard style == .live else { return }
            drawLive("\(phase.title) (seed \(phase.seed)): step \(step)/\(phase.maxSteps)  evaluating set \(index + 1)/\(count) (\(set))")
        case .evaluated(let phase, let evaluation):
            lastCriterion = evaluation.criterion
            bestCriterion = evaluation.earlyStopping?.bestValue ?? max(bestCriterion ?? -.infinity, evaluation.criterion)
            if style == .lines || style == .json {
                emit(LogRecord(evaluation: evaluation, phase: phase, run: run, time: wallClock()))
            }
        case .phaseStarted(let phase, let run, let resumedAt):
            self.run = run
            phaseStart = seconds
            (lastLine, lastDraw, windowLoss, windowUpdates) = (seconds, -.infinity, 0, 0)
            (lastProgress, lastCriterion, bestCriterion) = (nil, nil, nil)
            var record = LogRecord(event: "phase_started", time: wallClock(), phase: phase)
            record.run = run.rawValue
            record.resumedAtStep = resumedAt
            record.trainingExamples = phase.trainingExamples
            record.maxSteps = phase.maxSteps
            emit(record)
        case .phaseReused(let phase, let run):
            var record = LogRecord(event: "phase_reused", time: wallClock(), phase: phase)
            record.run = run.rawValue
            emit(record)
        case .phaseFinished(let phase, let run, let steps, let stoppedEarly, let trainingSeconds):
            var record = LogRecord(event: "phase_finished", time: wallClock(), phase: phase)
            record.run = run.rawValue
            record.step = steps
            record.maxSteps = phase.maxSteps
            record.stoppedEarly = stoppedEarly
            record.trainingSeconds = trainingSeconds
            record.elapsedSeconds = seconds - phaseStart
            emit(record)
            self.run = nil
        case .selected(let title, let seed, let count, let pool):
            var record = LogRecord(event: "selected", time: wallClock())
            (record.title, record.seed, record.selected, record.pool) = (title, seed, count, pool)
            emit(record)
        case .note(let text):
            var record = LogRecord(event: "note", time: wallClock())
            record.message = text
            if style == .quiet { finishLine(); write(text + "\n") } else { emit(record) }
        }
    }

    private func step(_ phase: PhaseDescription, _ p: TrainingProgress) {
        windowLoss += Double(p.loss)
        windowUpdates += 1
        lastProgress = p
        let t = seconds
        let last = p.completedSteps == p.maxSteps
        switch style {
        case .quiet:
            return
        case .live:
            guard t - lastDraw >= 0.2 || last else { return }
            lastDraw = t
            var line = "\(phase.title) (seed \(phase.seed)): step \(p.completedSteps)/\(p.maxSteps)"
                + "  loss " + LogRecord.number(p.meanLoss, "%.4f") + "  lr " + LogRecord.number(p.learningRate, "%.1e")
                + "  " + LogRecord.number(Self.examplesPerSecond(p, phase), "%.0f") + " ex/s  ETA "
                + Self.duration(Self.eta(p))
            if let lastCriterion {
                line += "  OOD-dev " + LogRecord.number(lastCriterion, "%.4f")
                if let bestCriterion { line += " (best " + LogRecord.number(bestCriterion, "%.4f") + ")" }
            }
            drawLive(line)
        case .lines, .json:
            guard t - lastLine >= interval else { return }
            lastLine = t
            var record = LogRecord(event: "step", time: wallClock(), phase: phase)
            record.run = run?.rawValue
            record.step = p.completedSteps
            record.maxSteps = p.maxSteps
            record.epoch = p.epoch
            record.loss = windowUpdates > 0 ? windowLoss / Double(windowUpdates) : Double(p.loss)
            record.learningRate = p.learningRate
            record.examplesPerSecond = Self.examplesPerSecond(p, phase)
            record.elapsedSeconds = t - phaseStart
            record.etaSeconds = Self.eta(p)
            (windowLoss, windowUpdates) = (0, 0)
            emit(record)
        }
    }

    /// Writes a record in the printer's style: a permanent line (live: above the status line), a timestamped
    /// line, or JSON.
    private func emit(_ record: LogRecord) {
        switch style {
        case .quiet: return
        case .live:
            finishLine()
            write(record.text + "\n")
        case .lines:
            write(record.time + " " + record.text + "\n")
        case .json:
            write(record.json + "\n")
        }
    }

    /// Rewrites the live status line.
    private func drawLive(_ text: String) {
        write((lineOpen ? "\r\u{1B}[K" : "") + text)
        lineOpen = true
    }

    /// Clears the live status line so that a permanent line can take its place.
    private func finishLine() {
        guard lineOpen else { return }
        write("\r\u{1B}[K")
        lineOpen = false
    }

    /// Ends the output (clears a live line left open).
    func finish() { finishLine() }

    /// Training examples per second of training time (the last batch of an epoch may be smaller: approximate).
    static func examplesPerSecond(_ p: TrainingProgress, _ phase: PhaseDescription) -> Double {
        p.trainingWallSeconds > 0 ? Double(p.completedSteps * phase.batchSize) / p.trainingWallSeconds : .nan
    }

    /// Seconds to `maxSteps` at the run's pace so far, evaluations included (an early stop comes sooner).
    static func eta(_ p: TrainingProgress) -> Double {
        guard p.completedSteps > 0 else { return .nan }
        let perStep = (p.trainingWallSeconds + p.evaluationWallSeconds) / Double(p.completedSteps)
        return perStep * Double(p.maxSteps - p.completedSteps)
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
            : s >= 60 ? String(format: "%dm%02ds", s / 60, s % 60) : "\(s)s"
    }
}
