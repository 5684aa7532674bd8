import ArgumentParser
import FTFTExperiments

/// `ftft schema`: the reference of experiment files (the same text as docs/experiment-files.md).
public struct SchemaCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the reference of experiment files: every key, its values, default and meaning (Markdown).")

    public init() {}

    public func run() throws {
        Standard.output(ExperimentSchema.markdown)
    }
}
