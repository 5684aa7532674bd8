import Foundation
import FTFTData
import FTFTStore

/// One run of a store, for `ftft runs`: what it is, where it got to, and its last evaluation.
public struct RunSummary: Encodable, Sendable {
    public var id: Int64
    public var experiment: String
    public var method: String
    public var role: String
    public var model: String
    public var seed: UInt64
    public var status: String
    public var statusMessage: String?
    public var referenceRun: Int64?
    /// Optimizer updates done (the ledger's, else the last evaluation's step) and the budget.
    public var steps: Int?
    public var maxSteps: Int?
    public var evaluations: Int
    /// The last evaluation: its step, the validation metric and the early-stopping criterion (mean OOD-dev metric).
    public var lastStep: Int?
    public var validationSet: String?
    public var validationMetric: String?
    public var validation: Double?
    public var criterion: Double?
    /// The best criterion over all evaluations and where it was.
    public var bestCriterion: Double?
    public var bestStep: Int?
}

/// The runs of one or more experiment folders (`ftft runs <folder>`), oldest first within a folder.
public enum RunListing {
    /// The summaries of every run in `store`.
    public static func summaries(store: RunStore) throws -> [RunSummary] {
        try store.runs().map { run in
            let configuration = try? JSONDecoder().decode(RunConfiguration.self, from: Data(run.configurationJSON.utf8))
            let task = configuration?.task.spec.definition()
            let evaluations = try store.evaluations(run: run.id)
            let steps = try store.ledger(run: run.id).first { $0.phase == "train" }?.steps
            var summary = RunSummary(
                id: run.id.rawValue, experiment: run.experiment, method: run.method.rawValue, role: run.role.rawValue,
                model: run.model, seed: run.seed, status: run.status.rawValue, statusMessage: run.statusMessage,
                referenceRun: run.referenceRun?.rawValue, steps: steps, maxSteps: configuration?.training.maxSteps,
                evaluations: Set(evaluations.map(\.step)).count)
            guard let task else { return summary }
            let checkpoints = try RunResults.checkpoints(store: store, run: run.id, task: task)
            if let last = checkpoints.last {
                summary.lastStep = last.step
                summary.validationSet = task.validation.name
                summary.validationMetric = task.validation.metric.rawValue
                summary.validation = last.dev[task.validation.name]
                summary.criterion = last.criterion
                summary.steps = summary.steps ?? last.step
            }
            if let best = RunResults.reported(checkpoints, earlyStopped: true) {
                (summary.bestCriterion, summary.bestStep) = (best.criterion, best.step)
            }
            return summary
        }
    }

    /// The runs as a text table (fits 120 columns for ordinary names).
    public static func table(_ runs: [RunSummary], showExperiment: Bool) -> TextTable {
        func percent(_ x: Double?) -> String { TableFormat.percent(x) }
        var header = ["id"] + (showExperiment ? ["experiment"] : [])
        header += ["method", "role", "model", "seed", "status", "steps", "evals", "last val", "last OOD-dev", "best OOD-dev (step)"]
        let rows = runs.map { r -> [String] in
            var row = ["\(r.id)"] + (showExperiment ? [r.experiment] : [])
            let steps = r.steps.map { "\($0)" + (r.maxSteps.map { "/\($0)" } ?? "") } ?? "–"
            let metric = r.validationMetric.map { " " + MetricName.short($0) } ?? ""
            row += [r.method, r.role, r.model, "\(r.seed)", r.status, steps, "\(r.evaluations)",
                    r.validation == nil ? "–" : percent(r.validation) + metric, percent(r.criterion),
                    r.bestCriterion == nil ? "–" : "\(percent(r.bestCriterion)) (\(r.bestStep ?? 0))"]
            return row
        }
        return TextTable(header: header, rows: rows, firstNumericColumn: 99)
    }

    /// One row per run (RFC 4180 quoting); metrics in [0, 1].
    public static func csv(_ runs: [RunSummary]) -> String {
        func field(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        func opt<T>(_ x: T?) -> String { x.map { "\($0)" } ?? "" }
        let header = ["id", "experiment", "method", "role", "model", "seed", "status", "reference_run", "steps", "max_steps",
                      "evaluations", "last_step", "validation_set", "validation_metric", "validation", "criterion",
                      "best_criterion", "best_step", "status_message"]
        let rows = runs.map { r in
            [opt(r.id), r.experiment, r.method, r.role, r.model, opt(r.seed), r.status, opt(r.referenceRun), opt(r.steps),
             opt(r.maxSteps), opt(r.evaluations), opt(r.lastStep), opt(r.validationSet), opt(r.validationMetric),
             opt(r.validation), opt(r.criterion), opt(r.bestCriterion), opt(r.bestStep), opt(r.statusMessage)].map(field)
                .joined(separator: ",")
        }
        return ([header.joined(separator: ",")] + rows).joined(separator: "\n") + "\n"
    }

    /// The runs as a JSON array (snake_case keys, sorted).
    public static func json(_ runs: [RunSummary]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(runs), as: UTF8.self) + "\n"
    }
}
