import ArgumentParser
import FTFTCartography
import FTFTData
import FTFTEncoder
import FTFTExperiments
import FTFTTraining

// Option values as enums: ArgumentParser parses them, lists the choices in `--help`, and names the valid ones in
// the usage error (exit 64) for anything else, so no command checks spellings by hand.

extension BertClassifier.KernelPath: ExpressibleByArgument {}
extension SelectionMode: ExpressibleByArgument {}
extension SelectionRule: ExpressibleByArgument {}
extension EasyShareReference.TaskFamily: ExpressibleByArgument {}

/// `ftft train --task`: the built-in tasks (own data: `--train-file`).
enum BuiltInTask: String, CaseIterable, ExpressibleByArgument {
    case embedded, nli, hsd
}

/// `ftft report --format`.
enum ReportFormat: String, CaseIterable, ExpressibleByArgument {
    case text, markdown, html, json, csv
}

extension Metric: ExpressibleByArgument {}
extension ModelKeep: ExpressibleByArgument {}
/// Only the policies a user may ask for (`last_checkpoint` is what `reported` does for some runs, not a choice).
extension EvaluationPolicy: ExpressibleByArgument {
    public init?(argument: String) {
        guard let policy = EvaluationPolicy(rawValue: argument), Self.choices.contains(policy) else { return nil }
        self = policy
    }

    public static var allValueStrings: [String] { choices.map(\.rawValue) }
}
extension EvaluationBatching.Order: ExpressibleByArgument {}
extension EarlyStoppingRows: ExpressibleByArgument {}

/// `ftft train --batching` (the experiment file's `batching`; `--mega-batch-mult` gives length-grouped's k).
enum BatchingOption: String, CaseIterable, ExpressibleByArgument {
    case random
    case lengthGrouped = "length_grouped"
}
