import Foundation
import FTFTData

/// The results for scripts: `ftft report --format json` (everything, per method and seed, with every
/// checkpoint's metrics — the learning curves) and `--format csv` (one row per method and seed). Metrics are the
/// stored values in [0, 1] (rounded to 4 decimals as FTFT stores them), compute is relative to ERM of the compute
/// unit = 100, as in the tables. Both say which runs are at or below the validation set's majority baseline
/// (`ExperimentResults+Majority`).
extension ExperimentResults {
    struct SetName: Encodable {
        var set: String
        var metric: String
    }

    struct Checkpoint: Encodable {
        var checkpoint: Int
        var step: Int
        var dev: [String: Double]
        var test: [String: Double]
        var criterion: Double
    }

    struct Seed: Encodable {
        var seed: UInt64
        var mainRun: Int64
        var referenceRun: Int64?
        var reportedCheckpoint: Int
        var reportedStep: Int
        var validation: Double?
        var oodTest: [String: Double]
        var oodAverage: Double?
        var criterion: Double
        var computeCounted: Double
        var computePrecise: Double
        var computeKaplan: Double
        var computePaperEstimate: Double
        var mainSteps: Int
        var checkpointsTrained: Int
        var postHocBest: Int?
        var postHocTrained: Int?
        var selected: Int?
        var pool: Int?
        var externalReference: ExternalReference?
        var model: String?
        /// nil when the baseline or the run's validation metric is unknown.
        var atOrBelowMajority: Bool?
        var checkpoints: [Checkpoint]
    }

    struct Method: Encodable {
        var label: String
        var method: String
        var model: String
        var reference: String?
        var patience: Int?
        var seeds: [Seed]
    }

    struct Other: Encodable {
        var run: Int64
        var method: String
        var model: String
        var seed: UInt64
        var differsIn: String
        var validation: Double?
        var oodAverage: Double?
        var steps: Int
    }

    struct Document: Encodable {
        var format = "ftft-report-1"
        var experiment: String
        var description: String?
        var task: String
        var trainingExamples: Int?
        var validation: SetName
        var oodDev: [SetName]
        var oodTest: [SetName]
        var oodAverageOf: [String]
        var computeUnit: String
        var maxSteps: Int
        var majorityBaseline: MajorityBaseline?
        var majorityBaselineUnknown: String?
        var methods: [Method]
        var otherRuns: [Other]
    }

    func document() -> Document {
        func checkpoint(_ c: CheckpointResult) -> Checkpoint {
            Checkpoint(checkpoint: c.checkpoint, step: c.step, dev: c.dev, test: c.test, criterion: c.criterion)
        }
        let methods = self.methods.map { m in
            Method(label: m.method.label, method: m.method.kind.rawValue, model: m.method.model, reference: m.method.reference,
                   patience: m.method.patience, seeds: m.seeds.map { s in
                Seed(seed: s.seed, mainRun: s.mainRun.rawValue, referenceRun: s.referenceRun?.rawValue,
                     reportedCheckpoint: s.reported.checkpoint, reportedStep: s.reported.step,
                     validation: s.reported.dev[validationName], oodTest: s.reported.test, oodAverage: oodAverage(s.reported),
                     criterion: s.reported.criterion, computeCounted: s.countedCompute, computePrecise: s.preciseCompute,
                     computeKaplan: s.kaplanCompute, computePaperEstimate: s.parameterEstimate(maxSteps: spec.training.maxSteps),
                     mainSteps: s.mainSteps, checkpointsTrained: s.checkpointsTrained, postHocBest: s.postHoc?.best,
                     postHocTrained: s.postHoc?.trained, selected: s.selectedCount, pool: s.poolCount,
                     externalReference: s.externalReference, model: s.modelFolder, atOrBelowMajority: isAtOrBelowMajority(s),
                     checkpoints: s.checkpoints.map(checkpoint))
            })
        }
        let others = otherRuns.map {
            Other(run: $0.run.id.rawValue, method: $0.run.method.rawValue, model: $0.run.model, seed: $0.run.seed,
                  differsIn: $0.difference, validation: $0.reported.dev[validationName], oodAverage: oodAverage($0.reported),
                  steps: $0.steps)
        }
        return Document(experiment: spec.name, description: spec.summary, task: task.name, trainingExamples: trainingExamples,
                        validation: SetName(set: task.validation.name, metric: task.validation.metric.rawValue),
                        oodDev: task.oodDev.map { SetName(set: $0.name, metric: $0.metric.rawValue) },
                        oodTest: task.oodTest.map { SetName(set: $0.name, metric: $0.metric.rawValue) },
                        oodAverageOf: averagedTestNames, computeUnit: spec.computeUnit, maxSteps: spec.training.maxSteps,
                        majorityBaseline: majorityBaseline, majorityBaselineUnknown: majorityBaselineUnknown,
                        methods: methods, otherRuns: others)
    }

    /// The whole report as JSON (snake_case keys, sorted; non-finite numbers as the strings "nan", "inf", "-inf").
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(document()), as: UTF8.self) + "\n"
    }

    /// One row per method and seed (RFC 4180 quoting), the reported checkpoint's metrics in [0, 1].
    public func csv() -> String {
        func field(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        func number(_ x: Double?) -> String { x.map { $0.isFinite ? "\($0)" : "" } ?? "" }
        var header = ["experiment", "method", "kind", "model", "reference", "seed", "main_run", "reported_checkpoint",
                      "reported_step", "main_steps", "\(validationName)_\(task.validation.metric.rawValue)"]
        header += task.oodTest.map { "\($0.name)_\($0.metric.rawValue)" }
        header += ["ood_avg_\(task.metric.rawValue)", "criterion", "compute_counted", "compute_paper_estimate", "selected",
                   "pool", "external_reference", "model_folder", "majority_baseline", "at_or_below_majority"]
        var lines = [header.map(field).joined(separator: ",")]
        for m in methods {
            for s in m.seeds {
                var row = [spec.name, m.method.label, m.method.kind.rawValue, m.method.model, m.method.reference ?? "",
                           "\(s.seed)", "\(s.mainRun.rawValue)", "\(s.reported.checkpoint)", "\(s.reported.step)",
                           "\(s.mainSteps)", number(s.reported.dev[validationName])]
                row += task.oodTest.map { number(s.reported.test[$0.name]) }
                row += [number(oodAverage(s.reported)), number(s.reported.criterion), number(s.countedCompute),
                        number(s.parameterEstimate(maxSteps: spec.training.maxSteps)), s.selectedCount.map(String.init) ?? "",
                        s.poolCount.map(String.init) ?? "", s.externalReference?.path ?? "", s.modelFolder ?? "",
                        number(majorityBaseline?.value), isAtOrBelowMajority(s).map { $0 ? "true" : "false" } ?? ""]
                lines.append(row.map(field).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
