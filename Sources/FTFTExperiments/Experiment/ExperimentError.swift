/// Errors of the experiments module. Experiment-file errors name the file, the key path (e.g.
/// `methods[2].patience`) and the line; run errors name the run and what went wrong. All of them are raised
/// before any training when they concern the configuration.
public enum ExperimentError: Error, Equatable, CustomStringConvertible {
    /// The file is not YAML ftft can read (syntax error, wrong top-level type).
    case unreadableFile(file: String, reason: String)
    /// A key the schema does not define.
    case unknownKey(file: String, path: String, line: Int?)
    /// A required key is absent.
    case missingKey(file: String, path: String, line: Int?)
    /// A key appears twice in the same mapping.
    case duplicateKey(file: String, path: String, line: Int?)
    /// The value has the wrong type or form (a string where a number is expected …).
    case invalidValue(file: String, path: String, line: Int?, reason: String)
    /// The value is of the right type but outside the allowed range.
    case outOfRange(file: String, path: String, line: Int?, reason: String)
    /// A data file, model directory or tokenizer the experiment names does not exist.
    case missingFile(file: String, path: String, line: Int?, missing: String)
    /// A reference run's training examples differ from the main run's (ids or labels), so its data map does
    /// not describe the main run's data.
    case referenceMismatch(reference: String, main: String, reason: String)
    /// Something the pipeline needs is not available (e.g. a store run without dynamics).
    case unavailable(what: String, reason: String)
    /// A stored run or result that cannot be used as the experiment asks.
    case inconsistentStore(reason: String)
    /// A run's FLOPs counted at the GEMM wrapper differ from the exact count of its padded batches
    /// (`BertFLOPs.trainingFLOPs`): the compute ledger would be wrong, so the run fails.
    case computeMismatch(run: String, countedTrainingFLOPs: Int64, exactTrainingFLOPs: Int64)

    public var description: String {
        func place(_ file: String, _ path: String, _ line: Int?) -> String {
            "\(file)\(line.map { ":\($0)" } ?? ""): \(path)"
        }
        switch self {
        case .unreadableFile(let file, let reason):
            return "\(file): not a readable experiment file: \(reason)"
        case .unknownKey(let file, let path, let line):
            return "\(place(file, path, line)): unknown key"
        case .missingKey(let file, let path, let line):
            return "\(place(file, path, line)): required key is missing"
        case .duplicateKey(let file, let path, let line):
            return "\(place(file, path, line)): key appears more than once"
        case .invalidValue(let file, let path, let line, let reason):
            return "\(place(file, path, line)): \(reason)"
        case .outOfRange(let file, let path, let line, let reason):
            return "\(place(file, path, line)): out of range: \(reason)"
        case .missingFile(let file, let path, let line, let missing):
            return "\(place(file, path, line)): \(missing) does not exist"
        case .referenceMismatch(let reference, let main, let reason):
            return "the reference run \(reference) cannot serve \(main): \(reason)"
        case .unavailable(let what, let reason):
            return "\(what) is not available: \(reason)"
        case .inconsistentStore(let reason):
            return "the run store is inconsistent with the experiment: \(reason)"
        case .computeMismatch(let run, let counted, let exact):
            return "\(run): \(counted) training FLOPs counted at the GEMM wrapper, but the exact count of its batches is \(exact)"
        }
    }

    /// True for errors in a user's configuration or data (the CLI maps them to its input-error exit code).
    public var isInputError: Bool {
        switch self {
        case .unavailable, .inconsistentStore, .computeMismatch: return false
        default: return true
        }
    }
}
