import ArgumentParser
import Foundation
import FTFTExperiments
import FTFTStore

/// `ftft merge`: an experiment's store shards into its store, then its manifest and reports.
public struct MergeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Fold the finished store shards of an experiment folder into its ftft.sqlite, then write the manifest and reports.",
        discussion: """
            Each finished shard (shards/<run id>.sqlite, written by `ftft run --only`) is merged in one transaction: \
            a crash leaves ftft.sqlite as it was, and running the merge again changes nothing (merged shards are \
            recognised by run and file). Unfinished shards (being written, interrupted, failed) are listed and left \
            alone. Two files claiming one run are an error naming both (exit 1; the other shards are merged). With the \
            plan beside the store (plan.json, written by `ftft run --only` and `ftft submit slurm`) the manifest and \
            report.md/report.html are rewritten, listing the method rows that are still missing; then `ftft report` \
            and `ftft tables` read the folder as after `ftft run`.
            """)

    @Argument(help: "The experiment's folder (<output>/<experiment>).")
    var directory: String

    public init() {}

    public func run() throws {
        try reportingErrors {
            let report = try ExperimentMerge.merge(directory: directory)
            for line in report.lines { Standard.error("ftft merge: \(line)") }
            if let manifest = report.manifest {
                if manifest.entries.isEmpty {
                    Standard.error("ftft merge: no method row has all its runs finished yet; no report written")
                } else {
                    let store = try RunStore.open(directory: directory, access: .readOnly)
                    let results = try ExperimentResults.load(manifest: manifest, store: store, directory: directory)
                    try ExperimentSession.writeReports(results, store: store)
                    Standard.output(ExperimentReport(results: results).plain())
                }
                for missing in manifest.missing ?? [] {
                    Standard.error("ftft merge: missing: \(missing.label) (seed \(missing.seed)): \(missing.reason)")
                }
            } else {
                Standard.error("ftft merge: no plan.json in \(directory): shards merged, manifest not written")
            }
            if !report.conflicts.isEmpty { throw ExitCode(FTFTExitCode.failure) }
        }
    }
}
