import ArgumentParser
import Foundation
import FTFTExperiments
import FTFTIO
import FTFTStore

/// `ftft runs`: the runs of an experiment folder (or of every experiment folder in an output folder).
public struct RunsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the runs of a store: id, method, role, model, seed, status, steps and the last and best evaluation.",
        discussion: """
            The ids are what `ftft datamap --store <folder> --run <id>` and `ftft select` take. Read-only: it may run \
            while the experiment trains. Given an output folder (e.g. runs/), lists the runs of every experiment \
            folder in it.
            """)

    @Argument(help: "An experiment folder (holding ftft.sqlite), or a folder of experiment folders.")
    var folder: String

    @Option(name: .long, help: "text, json or csv.")
    var format: ListFormat = .text

    @Option(name: .long, help: "The file to write (atomically) instead of standard output.")
    var output: String?

    public init() {}

    enum ListFormat: String, CaseIterable, ExpressibleByArgument { case text, json, csv }

    /// The experiment folders `folder` stands for: itself if it holds a store, else its subfolders that do.
    static func experimentFolders(_ folder: String) -> [String] {
        let fm = FileManager.default
        if fm.fileExists(atPath: RunStore.databasePath(directory: folder)) { return [folder] }
        let names = (try? fm.contentsOfDirectory(atPath: folder)) ?? []
        return names.sorted().map { (folder as NSString).appendingPathComponent($0) }
            .filter { fm.fileExists(atPath: RunStore.databasePath(directory: $0)) }
    }

    public func run() throws {
        try reportingErrors {
            let folders = Self.experimentFolders(folder)
            guard !folders.isEmpty else {
                throw StoreError.cannotOpen(path: RunStore.databasePath(directory: folder),
                                            reason: "no run store here or in the folders it holds (run `ftft run` or `ftft train` first)")
            }
            var runs: [RunSummary] = []
            for experiment in folders {
                runs += try RunListing.summaries(store: try RunStore.open(directory: experiment, access: .readOnly))
            }
            let text: String
            switch format {
            case .text: text = RunListing.table(runs, showExperiment: folders.count > 1).plain(maxWidth: ExperimentReport.plainWidth)
            case .json: text = try RunListing.json(runs)
            case .csv: text = RunListing.csv(runs)
            }
            if let output { try AtomicFile.write(text, to: output) } else { Standard.output(text) }
        }
    }
}
