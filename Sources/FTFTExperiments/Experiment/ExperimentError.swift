import FTFTIO

/// Errors of the experiments module. Experiment-file errors name the file, the key path (e.g.
/// `methods[2].patience`) and the line; run errors name the run and what went wrong. All of them are raised
/// before any training when they concern the configuration.
public enum ExperimentError: UserFacingError, Equatable {
    /// The file is not YAML ftft can read (syntax error, wrong top-level type).
    case unreadableFile(file: String, reason: String)
    /// A key the schema does not define; `suggestion` says which key was probably meant ("did you mean").
    case unknownKey(file: String, path: String, line: Int?, suggestion: String? = nil)
    /// A required key is absent; `suggestion` names a present key that looks like a misspelling of it.
    case missingKey(file: String, path: String, line: Int?, suggestion: String? = nil)
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
    /// A subset chosen outside the experiment (`subset_file`, `reference_dynamics`) that cannot be used.
    case externalReference(file: String, line: Int?, reason: String)
    /// A run id that the store does not hold (`known`: the ids it does hold).
    case noSuchRun(store: String, run: Int64, known: [Int64])
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
        case .unknownKey(let file, let path, let line, let suggestion):
            return "\(place(file, path, line)): unknown key" + (suggestion.map { "; \($0)" } ?? "")
        case .missingKey(let file, let path, let line, let suggestion):
            return "\(place(file, path, line)): required key is missing" + (suggestion.map { "; \($0)" } ?? "")
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
        case .externalReference(let file, let line, let reason):
            return "\(file)\(line.map { ":\($0)" } ?? ""): \(reason)"
        case .noSuchRun(let store, let run, let known):
            let held = known.isEmpty ? "it holds no runs" : "its runs are " + Self.ranges(known)
            return "\(store): there is no run \(run); \(held) (`ftft runs <experiment folder>` lists them)"
        case .computeMismatch(let run, let counted, let exact):
            return "\(run): \(counted) training FLOPs counted at the GEMM wrapper, but the exact count of its batches is \(exact)"
        }
    }

    /// The file and key path the error is about, and what is wrong there without them (for tools that built the
    /// file from their own options, as `ftft train` does, to say it in terms of those options).
    public var place: (file: String, path: String, line: Int?, problem: String)? {
        switch self {
        case .unknownKey(let file, let path, let line, let suggestion):
            return (file, path, line, "unknown key" + (suggestion.map { "; \($0)" } ?? ""))
        case .missingKey(let file, let path, let line, let suggestion):
            return (file, path, line, "required" + (suggestion.map { "; \($0)" } ?? ""))
        case .duplicateKey(let file, let path, let line): return (file, path, line, "given more than once")
        case .invalidValue(let file, let path, let line, let reason): return (file, path, line, reason)
        case .outOfRange(let file, let path, let line, let reason): return (file, path, line, "out of range: \(reason)")
        case .missingFile(let file, let path, let line, let missing): return (file, path, line, "\(missing) does not exist")
        default: return nil
        }
    }

    /// Errors in a user's configuration or data are bad input; a store or pipeline state that cannot be used is
    /// a run-time failure.
    public var exitStatus: ExitStatus {
        switch self {
        case .unavailable, .inconsistentStore, .computeMismatch: return .failure
        default: return .badInput
        }
    }

    /// Ids as ranges: [1, 2, 3, 5] → "1–3, 5".
    static func ranges(_ ids: [Int64]) -> String {
        var parts: [String] = []
        var start: Int64?, previous: Int64?
        func close() {
            guard let start, let previous else { return }
            parts.append(start == previous ? "\(start)" : "\(start)–\(previous)")
        }
        for id in ids.sorted() {
            if let p = previous, id == p + 1 { previous = id; continue }
            close()
            (start, previous) = (id, id)
        }
        close()
        return parts.joined(separator: ", ")
    }
}
