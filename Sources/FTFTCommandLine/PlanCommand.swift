import ArgumentParser
import Foundation
import FTFTEncoder
import FTFTExperiments
import FTFTStore

/// `ftft plan`: an experiment's runs as a graph, with status and predicted cost, without training anything.
public struct PlanCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "List an experiment's runs: ids, the method rows each serves, dependencies, status, predicted FLOPs and wall time.",
        discussion: """
            Every training run once, in the order `ftft run` trains them, numbered within its stage (independent: \
            depends on nothing; dependent: a DM/FTFT main run, which needs its reference run finished). Status comes \
            from <output>/<experiment>/ftft.sqlite and the shards in shards/: train, resume (unfinished: where and at \
            which step) or reuse (finished). Predicted FLOPs are the ledger's count (GEMMs of the padded batches, \
            batches as the seeded shuffle draws them; evaluation separately) over max_steps — an upper bound for \
            early-stopped runs, and for DM/FTFT main runs estimated on the whole training set's lengths. Wall time \
            divides them by the FLOP rate of the model's finished runs in the ledger, or, for a model without one, \
            of a few calibration updates timed here (--no-calibrate skips them). Nothing is written.
            """)

    @Argument(help: "The experiment file (YAML).")
    var experiment: String

    @Option(name: .long, help: "Folder that holds one subfolder per experiment.")
    var output: String = "runs"

    @Option(name: .long, help: "text or json.")
    var format: String = "text"

    @Option(name: .long, help: "Override the file's thread count (the calibration's threads).")
    var threads: Int?

    @Option(name: .long, help: "Override the file's seeds (comma-separated).")
    var seeds: String?

    @Flag(name: .customLong("no-calibrate"), help: "Do not time calibration updates for models the ledger has no finished run of.")
    var noCalibrate = false

    public init() {}

    public func validate() throws {
        guard ["text", "json"].contains(format) else { throw ValidationError("--format must be text or json") }
        if let threads, threads < 1 { throw ValidationError("--threads must be positive") }
        if let seeds, parseSeeds(seeds) == nil { throw ValidationError("--seeds must be non-negative integers separated by commas") }
    }

    public func run() throws {
        try reportingErrors {
            var spec = try ExperimentSpec.load(path: experiment)
            if let threads { spec.threads = threads }
            if let seeds, let list = parseSeeds(seeds) { spec.seeds = list }
            let runner = try ExperimentRunner(spec: spec, outputDirectory: output, specFile: experiment, readOnly: true)
            let document = try PlanDocument.make(runner: runner, calibrate: !noCalibrate)
            Standard.output(format == "json" ? try document.json() : document.text())
        }
    }
}

/// The plan with each run's status, as `ftft plan` prints it.
struct PlanDocument: Encodable {
    struct Entry: Encodable {
        var run: ExperimentPlan.PlannedRun
        var status: String
        var finished: Bool
    }

    var experiment: String
    var directory: String
    var runs: [Entry]

    static func make(runner: ExperimentRunner, calibrate: Bool) throws -> PlanDocument {
        let shards = ExperimentPlan.shardDirectory(runner.directory)
        var stores = [runner.store]
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: shards)) ?? []).sorted() where name.hasSuffix(".sqlite") {
            let path = URL(fileURLWithPath: shards).appendingPathComponent(name).path
            if let shard = try? RunStore.open(path: path, access: .readOnly, options: RunStore.Options(busyTimeoutSeconds: 1, journal: .rollback)) {
                stores.append(shard)
            }
        }
        var rates = try FLOPRates.fromLedger(stores)
        if calibrate {
            for model in runner.spec.models.map(\.name) where rates.rates[model] == nil {
                rates.rates[model] = try runner.calibrate(model: model)
            }
        }
        let plan = try runner.experimentPlan(rates: rates)
        let states = runner.states(of: plan)
        return PlanDocument(experiment: plan.spec.name, directory: runner.directory, runs: plan.runs.map {
            Entry(run: $0, status: states[$0.id]?.text ?? "train", finished: states[$0.id]?.isFinished ?? false)
        })
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    func text() -> String {
        var rows: [[String]] = []
        for entry in runs {
            let r = entry.run, p = r.prediction
            let flops = String(format: "%.3g", Double(p.trainingFLOPs) / 1e9) + (p.estimatedOnFullSet ? "~" : "")
            let bound = p.upperBound ? "≤" : ""
            rows.append(["\(r.stage.rawValue) \(r.index)", "\(r.id)", r.title, "\(r.seed)", r.serves.joined(separator: "; "),
                         r.dependsOn.map(String.init) ?? "–", entry.status, "\(bound)\(p.steps)", bound + flops,
                         String(format: "%.3g", Double(p.evaluationFLOPs) / 1e9),
                         p.wallSeconds.map { bound + ProgressPrinter.duration($0) } ?? "?"])
        }
        let table = TextTable(header: ["stage", "run id", "run", "seed", "serves", "depends on", "status", "steps",
                                       "train GFLOP", "eval GFLOP", "wall"], rows: rows, firstNumericColumn: 99)
        var text = "\(experiment): \(runs.count) runs (\(runs.filter { $0.run.stage == .independent }.count) independent, "
            + "\(runs.filter { $0.run.stage == .dependent }.count) dependent), \(runs.filter(\.finished).count) finished; store \(directory)\n\n"
        text += table.plain
        let open = runs.filter { !$0.finished }.compactMap(\.run.prediction.wallSeconds)
        if let longest = open.max() {
            text += "\nPredicted wall time of what is left: \(ProgressPrinter.duration(open.reduce(0, +))) in one process; "
                + "the longest run \(ProgressPrinter.duration(longest)) (size Slurm's --time above it).\n"
        }
        let sources = Set(runs.compactMap(\.run.prediction.rateSource)).sorted()
        if !sources.isEmpty { text += "FLOP rates: " + sources.joined(separator: "; ") + ".\n" }
        text += "≤: early-stopped (may stop sooner); ~: estimated on the whole training set (the subset is chosen after the reference run).\n"
        return text
    }
}
