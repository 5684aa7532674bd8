import Foundation
import FTFTExperiments
import FTFTStore

/// One progress line, as text (`LogRecord.text`) or as a JSON object (`LogRecord.json`). Both carry the same
/// facts, so a script reading the JSON sees what a person reads in the log.
///
/// JSON keys (absent when not applicable): `time` (ISO 8601, UTC), `event` (phase_started, phase_reused, step,
/// evaluation, phase_finished, selected, note), `title`, `seed`, `model`, `role`, `run`, `step`, `max_steps`,
/// `epoch`, `loss` (mean over the updates since the previous step line), `learning_rate`, `examples_per_second`
/// (training time only), `eta_seconds`, `elapsed_seconds`, `checkpoint`, `metrics` ([{set, split, metric, value}]),
/// `criterion` (mean OOD-dev metric), `best_checkpoint`, `best_criterion`, `patience`, `without_improvement`,
/// `stopping`, `resumed_at_step`, `training_examples`, `stopped_early`, `training_seconds`, `selected`, `pool`,
/// `message`.
struct LogRecord: Encodable {
    struct SetMetric: Encodable {
        var set: String
        var split: String
        var metric: String
        var value: Double
    }

    var time: String
    var event: String
    var title: String?
    var seed: UInt64?
    var model: String?
    var role: String?
    var run: Int64?
    var step: Int?
    var maxSteps: Int?
    var epoch: Int?
    var loss: Double?
    var learningRate: Double?
    var examplesPerSecond: Double?
    var etaSeconds: Double?
    var elapsedSeconds: Double?
    var checkpoint: Int?
    var metrics: [SetMetric]?
    var criterion: Double?
    var bestCheckpoint: Int?
    var bestCriterion: Double?
    var patience: Int?
    var withoutImprovement: Int?
    var stopping: Bool?
    var resumedAtStep: Int?
    var trainingExamples: Int?
    var stoppedEarly: Bool?
    var trainingSeconds: Double?
    var selected: Int?
    var pool: Int?
    var message: String?

    init(event: String, time: Date, phase: PhaseDescription? = nil) {
        self.time = Self.timestamp(time)
        self.event = event
        if let phase {
            title = phase.title
            seed = phase.seed
            model = phase.model
            role = phase.role.rawValue
        }
    }

    enum CodingKeys: String, CodingKey {
        case time, event, title, seed, model, role, run, step, maxSteps = "max_steps", epoch, loss
        case learningRate = "learning_rate", examplesPerSecond = "examples_per_second", etaSeconds = "eta_seconds"
        case elapsedSeconds = "elapsed_seconds", checkpoint, metrics, criterion, bestCheckpoint = "best_checkpoint"
        case bestCriterion = "best_criterion", patience, withoutImprovement = "without_improvement", stopping
        case resumedAtStep = "resumed_at_step", trainingExamples = "training_examples", stoppedEarly = "stopped_early"
        case trainingSeconds = "training_seconds", selected, pool, message
    }

    /// The record as one line of JSON (keys sorted; a non-finite number as the string "nan", "inf" or "-inf").
    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let data = try? encoder.encode(self) else { return "{\"event\":\"\(event)\",\"time\":\"\(time)\"}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The record as a plain log line (without the timestamp, which the printer puts in front).
    var text: String {
        let who = title.map { "\($0) (seed \(seed ?? 0))" } ?? ""
        switch event {
        case "phase_started":
            let how = resumedAtStep.map { "resuming at step \($0)" } ?? "training"
            return "\(who): \(how), \(trainingExamples ?? 0) examples, \(runName)"
        case "phase_reused":
            return "\(who): reusing the finished \(runName) from the store"
        case "step":
            var line = "\(who): step \(step ?? 0)/\(maxSteps ?? 0)"
            if let epoch { line += " epoch \(epoch)" }
            line += "  loss " + Self.number(loss, "%.4f") + "  lr " + Self.number(learningRate, "%.2e")
            line += "  " + Self.number(examplesPerSecond, "%.0f") + " ex/s"
            line += "  elapsed " + ProgressPrinter.duration(elapsedSeconds ?? .nan)
            line += "  ETA " + ProgressPrinter.duration(etaSeconds ?? .nan)
            return line
        case "evaluation":
            let sets = (metrics ?? []).map { "\($0.set) \($0.metric) " + Self.number($0.value, "%.4f") }
            var line = "\(who): evaluation \(checkpoint ?? 0) at step \(step ?? 0)/\(maxSteps ?? 0): "
                + sets.joined(separator: ", ")
            line += "; OOD-dev mean " + Self.number(criterion, "%.4f")
            if let patience {
                line += ", best " + Self.number(bestCriterion, "%.4f") + " at evaluation \(bestCheckpoint ?? 0)"
                line += ", \(withoutImprovement ?? 0)/\(patience) without improvement"
                if stopping == true { line += ": stopping early" }
            }
            return line
        case "phase_finished":
            let stop = stoppedEarly == true ? ", stopped early" : ""
            return "\(who): done, \(step ?? 0) steps\(stop), \(ProgressPrinter.duration(trainingSeconds ?? .nan)) training"
        case "selected":
            return "\(who): selected \(selected ?? 0) of \(pool ?? 0) training examples"
        default:
            return message ?? ""
        }
    }

    private var runName: String { run.map { "run \($0)" } ?? "run" }

    static func number(_ value: Double?, _ format: String) -> String {
        guard let value, value.isFinite else { return value.map { "\($0)" } ?? "?" }
        return String(format: format, value)
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

extension LogRecord {
    /// The record of an evaluation event.
    init(evaluation: CheckpointEvaluation, phase: PhaseDescription, run: RunID?, time: Date) {
        self.init(event: "evaluation", time: time, phase: phase)
        self.run = run?.rawValue
        step = evaluation.step
        maxSteps = phase.maxSteps
        checkpoint = evaluation.checkpoint
        metrics = evaluation.results.map {
            SetMetric(set: $0.dataset, split: $0.split.rawValue, metric: $0.metric, value: $0.exactValue)
        }
        criterion = evaluation.criterion
        if let monitor = evaluation.earlyStopping {
            patience = monitor.patience
            bestCheckpoint = monitor.bestCheckpoint
            bestCriterion = monitor.bestValue
            withoutImprovement = monitor.checkpointsSeen - (monitor.bestCheckpoint ?? 0)
            stopping = monitor.shouldStop
        }
    }
}
