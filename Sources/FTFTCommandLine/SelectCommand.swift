import ArgumentParser
import Foundation
import FTFTCartography
import FTFTIO
import FTFTTensors

/// `ftft select`: a data map (from dynamics or a coordinates file) → the ids of a selected subset.
public struct SelectCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "select",
        abstract: "Select a subset of a data map and write its ids, one per line, in training-file order.",
        discussion: """
        Input: a folder of cartography dynamics_epoch_{e}.jsonl files, or a data-map coordinates / td_metrics \
        JSONL file (no gold labels there, so no --stratify). Rules: exact (default; round(rate·N) examples, ties \
        by file order), ftft (score > torch 2.0.1's float32 quantile at 1 − rate), cartography (int(rate·N)+1 \
        sorted rows; 0.33 means 0.3319). Random subsets take round / floor / int(rate·N) examples respectively.
        """)

    @Argument(help: "A folder of dynamics_epoch_{e}.jsonl files, or a coordinates or td_metrics JSONL file; or give --store/--run.")
    var input: String?

    @OptionGroup var source: StoreSourceOptions

    @Option(help: "ambiguous, hard, easy or random.")
    var mode: String

    @Option(help: "Fraction of examples to select, in [0, 1].")
    var rate: Double

    @Option(help: "exact, ftft or cartography.")
    var rule = "exact"

    @Flag(help: "Apply the rule within each gold class.")
    var stratify = false

    @Option(help: "Seed of random subsets.")
    var seed: UInt64 = 0

    @OptionGroup var computation: DataMapComputationOptions

    @Option(help: "Output file of ids.")
    var out: String

    public init() {}

    var selectionMode: SelectionMode? { SelectionMode(rawValue: mode) }
    var selectionRule: SelectionRule? { SelectionRule(rawValue: rule) }

    public func validate() throws {
        try source.check(positional: input, name: "an input")
        guard selectionMode != nil else { throw ValidationError("--mode must be ambiguous, hard, easy or random") }
        guard selectionRule != nil else { throw ValidationError("--rule must be exact, ftft or cartography") }
        guard rate >= 0 && rate <= 1 else { throw ValidationError("--rate must be in [0, 1]") }
    }

    public func run() throws {
        try reportingErrors {
            guard let mode = selectionMode, let rule = selectionRule else { throw ValidationError("invalid --mode or --rule") }
            guard let input else {
                let map = try DataMap.compute(from: try source.dynamics(burnOut: computation.burnOut), options: computation.mapOptions,
                                              threads: ThreadCount.available())
                return try write(map, mode: mode, rule: rule)
            }
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isFolder) else {
                throw CartographyError.io(.cannotOpen(path: input, reason: "no such file or folder"))
            }
            let map: DataMap
            if isFolder.boolValue {
                map = try DataMap.compute(from: try computation.readDynamics(folder: input), options: computation.mapOptions, threads: ThreadCount.available())
            } else {
                map = try CartographyFiles.readDataMap(path: input)
            }
            try write(map, mode: mode, rule: rule)
        }
    }

    private func write(_ map: DataMap, mode: SelectionMode, rule: SelectionRule) throws {
        let selection = try Selector.select(map, mode: mode, rates: [rate], rule: rule, stratifyByClass: stratify, seed: seed)[0]
        let text = selection.ids.map { $0 + "\n" }.joined()
        do { try AtomicFile.write(text, to: out) } catch let error as IOError { throw CartographyError.io(error) }
        print("selected \(selection.ids.count) of \(map.exampleCount) examples (\(mode.rawValue), rate \(rate), \(rule.rawValue) rule) → \(out)")
    }
}
