import ArgumentParser
import Foundation
import FTFTExperiments

/// `ftft demo`: the whole comparison on the embedded task, from the experiment built into the binary.
public struct DemoCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole comparison — ERM, ERM(ES), DM, Random DM and FTFT — on the built-in embedded task.",
        discussion: """
            Needs no files and no downloads: the task is generated (see the README's embedded task) and the models \
            are trained from scratch. Prints the results table (OOD accuracy and compute relative to ERM of the main \
            model, from counted FLOPs) and writes report.html (tables and the reference models' data maps) and \
            report.md to <output>/embedded-demo/. Running it again reuses the finished runs. `ftft demo --print` \
            shows the experiment file it runs; save it and pass it to `ftft run` to change anything.
            """)

    @Option(name: .long, help: "Folder for the demo's experiment folder.")
    var output: String = "ftft-demo"

    @Option(name: .long, help: "Seeds, comma-separated (default: the built-in experiment's).")
    var seeds: String?

    @Option(name: .long, help: "Threads (ftft's and OpenBLAS's).")
    var threads: Int = 2

    @OptionGroup var blasKernel: BLASKernelOptions

    @Flag(name: .customLong("print"), help: "Print the built-in experiment file and exit.")
    var printExperiment = false

    public init() {}

    public func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be positive") }
        if let seeds, parseSeeds(seeds) == nil { throw ValidationError("--seeds must be non-negative integers separated by commas") }
    }

    public func run() throws {
        if printExperiment {
            Standard.output(DemoExperiment.yaml + "\n")
            return
        }
        try reportingErrors {
            var spec = try DemoExperiment.spec()
            try BLASKernelPinning.apply(blasKernel.requested(fromFile: spec.blasKernel),
                                        source: blasKernel.blasKernel == nil ? .file("the built-in demo experiment") : .option)
            spec.blasKernel = blasKernel.requested(fromFile: spec.blasKernel)
            spec.threads = threads
            if let seeds, let list = parseSeeds(seeds) { spec.seeds = list }
            let results = try ExperimentSession.run(spec, outputDirectory: output, specFile: nil)
            Standard.output(ExperimentReport(results: results).plain())
            let folder = URL(fileURLWithPath: results.directory)
            Standard.output("\nReport with the data maps: \(folder.appendingPathComponent("report.html").path)\n")
        }
    }
}
