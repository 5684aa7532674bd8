import ArgumentParser
import Foundation
import FTFTCartography
import FTFTIO
import FTFTTensors

/// How to turn training dynamics into a data map (shared by `datamap` and `select`).
struct DataMapComputationOptions: ParsableArguments {
    @Option(help: "Variability's ddof: 0 (population std, cartography; default) or 1 (sample std, FTFT).")
    var ddof = 0

    @Option(name: .customLong("burn-out"), help: "Use only the first k epochs (cartography's --burn_out).")
    var burnOut: Int?

    @Flag(name: .customLong("include-ci"), help: "Cartography's --include_ci variability: sqrt(v + v²/(E−1)).")
    var includeConfidenceInterval = false

    @Flag(name: .customLong("drop-partial-last-epoch"),
          help: "FTFT's rule: drop the last epoch if any example lacks it (default: reject ragged dynamics).")
    var dropPartialLastEpoch = false

    func validate() throws {
        guard ddof == 0 || ddof == 1 else { throw ValidationError("--ddof must be 0 or 1") }
        if let burnOut, burnOut < 1 { throw ValidationError("--burn-out must be at least 1") }
    }

    var mapOptions: DataMapOptions {
        DataMapOptions(variabilityDDOF: ddof, includeConfidenceInterval: includeConfidenceInterval, burnOut: burnOut)
    }

    /// Reads a folder of `dynamics_epoch_{e}.jsonl` files (only the first `burnOut` of them, as cartography).
    func readDynamics(folder: String) throws -> TrainingDynamics {
        try CartographyFiles.readDynamics(folder: folder, options: DynamicsReadOptions(
            maxEpochs: burnOut, partialLastEpoch: dropPartialLastEpoch ? .dropIncompleteLastEpoch : .reject))
    }
}

/// `ftft datamap`: training dynamics → data-map coordinates, td_metrics, plots and an HTML report.
public struct DatamapCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "datamap",
        abstract: "Compute a data map from training dynamics (cartography dynamics_epoch_{e}.jsonl files, or a run of a store).",
        discussion: """
        Writes to --out: data_map_coordinates.jsonl (guid, index, confidence, variability, correctness — \
        cartography's format), td_metrics.jsonl (plus threshold_closeness and forgetfulness), data_map.svg, \
        figure2.svg (median gold probability per epoch, hard-to-learn 33 % vs the rest) and report.html.
        """)

    @Argument(help: "Folder holding dynamics_epoch_0.jsonl, dynamics_epoch_1.jsonl, … (plain or .gz); or give --store/--run.")
    var dynamics: String?

    @OptionGroup var source: StoreSourceOptions

    @OptionGroup var computation: DataMapComputationOptions

    @Option(help: "Output folder (created if needed).")
    var out: String

    @Option(help: "Title of the plots and the report.")
    var title = "Data map"

    @Option(name: .customLong("task-family"), help: "Table 4 comparison for the easy share: nli or hsd.")
    var taskFamily = "nli"

    @Option(name: .customLong("density-threshold"), help: "Above this many examples the data map is drawn as a density.")
    var densityThreshold = 20_000

    public init() {}

    public func validate() throws {
        try source.check(positional: dynamics, name: "a dynamics folder")
        guard EasyShareReference.TaskFamily(rawValue: taskFamily) != nil else {
            throw ValidationError("--task-family must be nli or hsd")
        }
    }

    public func run() throws {
        try reportingErrors {
            let dynamics = try self.dynamics.map { try computation.readDynamics(folder: $0) }
                ?? source.dynamics(burnOut: computation.burnOut)
            let map = try DataMap.compute(from: dynamics, options: computation.mapOptions, threads: ThreadCount.available())
            let used = try dynamics.keepingFirstEpochs(map.epochCount ?? dynamics.epochCount)
            let curves = try TransferDiagnostics.hardToLearnMedians(used, rate: 0.33)
            let family = EasyShareReference.TaskFamily(rawValue: taskFamily) ?? .nli
            do {
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            } catch {
                throw CartographyError.io(.writeFailed(path: out, reason: "cannot create the output folder"))
            }
            func path(_ name: String) -> String { (out as NSString).appendingPathComponent(name) }
            try CartographyFiles.writeCoordinates(map, path: path("data_map_coordinates.jsonl"))
            try CartographyFiles.writeTDMetrics(map, path: path("td_metrics.jsonl"))
            let plot = DataMapPlot.svg(map, options: DataMapPlot.Options(title: title, densityThreshold: densityThreshold))
            let figure2 = DiagnosticPlots.curves([
                DiagnosticPlots.Series(name: "hard-to-learn 33 %", values: curves.hard),
                DiagnosticPlots.Series(name: "rest", values: curves.rest, dashed: true),
            ])
            let report = DataMapReport(title: title, map: map, metadata: dynamics.metadata, classCount: dynamics.classCount,
                                       curves: curves, family: family)
            for (name, text) in [("data_map.svg", plot), ("figure2.svg", figure2), ("report.html", try report.html())] {
                do { try AtomicFile.write(text, to: path(name)) } catch let error as IOError { throw CartographyError.io(error) }
            }
            print("data map of \(map.exampleCount) examples × \(map.epochCount ?? 0) epochs × \(dynamics.classCount) classes → \(out)")
            let shares = try report.easyShares()
            for share in shares {
                print(String(format: "easy at p = %2.0f%%: %6.2f%%", 100 * share.rate, 100 * share.fraction))
            }
            if let warning = EasyShareReference.warning(shares, family: family) {
                FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
            }
        }
    }
}
