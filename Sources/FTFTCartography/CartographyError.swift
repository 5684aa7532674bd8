import FTFTIO

/// Where in an input file something went wrong: the file and the 1-based line.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line)" }
}

/// Every failure of FTFTCartography: bad input files (named by file, line and field), inconsistent recorded
/// dynamics (named by example id and epoch) and invalid requests. Rendered for people only at the CLI edge.
public enum CartographyError: Error, Equatable, CustomStringConvertible {
    // MARK: Reading files
    case io(IOError)
    case badJSON(SourceLocation, reason: String)
    case missingField(SourceLocation, field: String)
    case wrongFieldType(SourceLocation, field: String, expected: String)
    /// A `dynamics_epoch_{e}.jsonl` line whose logits key names another epoch.
    case epochKeyMismatch(SourceLocation, expected: String, found: String)
    case noDynamicsFiles(folder: String)
    /// Epoch files must be numbered 0..<E without gaps.
    case missingEpochFile(folder: String, epoch: Int)
    case duplicateExample(SourceLocation, id: String, firstLine: Int)
    /// An id first seen in an epoch after 0 (cartography's reader asserts on this too).
    case unknownExample(SourceLocation, id: String, epoch: Int)
    /// An example of epoch 0 that a later epoch lacks (ragged dynamics; see `RaggedPolicy`).
    case missingExample(file: String, id: String, epoch: Int)
    case nonFiniteLogit(SourceLocation, id: String, classIndex: Int)
    case goldChanged(SourceLocation, id: String, previous: Int, found: Int)
    case classCountMismatch(SourceLocation, id: String, expected: Int, found: Int)
    case goldOutOfRange(SourceLocation, id: String, gold: Int, classCount: Int)
    case valueOutOfRange(SourceLocation, field: String, value: String)

    // MARK: Recording
    case exampleIndexOutOfRange(epoch: Int, index: Int, exampleCount: Int)
    case labelMismatch(epoch: Int, id: String, recorded: Int, expected: Int)
    case duplicateRecord(epoch: Int, id: String)
    case logitCount(epoch: Int, expected: Int, found: Int)
    case nonFiniteRecordedLogit(epoch: Int, id: String, classIndex: Int)
    case epochOutOfOrder(expected: Int, found: Int)
    case incompleteEpoch(epoch: Int, missing: Int, firstMissingID: String)
    case invalidDynamics(reason: String)

    // MARK: Statistics and selection
    case tooFewEpochs(needed: Int, available: Int, reason: String)
    case burnOutOutOfRange(burnOut: Int, epochs: Int)
    case invalidRate(Double)
    case labelsRequired(reason: String)
    case nonFiniteScore(id: String, field: String)
    case mismatchedExamples(reason: String)

    public var description: String {
        switch self {
        case .io(let error):
            return error.description
        case .badJSON(let at, let reason):
            return "\(at): not a valid JSON object: \(reason)"
        case .missingField(let at, let field):
            return "\(at): field '\(field)' is missing"
        case .wrongFieldType(let at, let field, let expected):
            return "\(at): field '\(field)' must be \(expected)"
        case .epochKeyMismatch(let at, let expected, let found):
            return "\(at): the logits key is '\(found)' but this file's epoch needs '\(expected)'"
        case .noDynamicsFiles(let folder):
            return "\(folder): no dynamics_epoch_{e}.jsonl files found"
        case .missingEpochFile(let folder, let epoch):
            return "\(folder): dynamics_epoch_\(epoch).jsonl is missing (epochs must be numbered 0, 1, … without gaps)"
        case .duplicateExample(let at, let id, let firstLine):
            return "\(at): example \(id) appears twice in this epoch (first on line \(firstLine))"
        case .unknownExample(let at, let id, let epoch):
            return "\(at): example \(id) appears in epoch \(epoch) but not in epoch 0 (every example must be in epoch 0)"
        case .missingExample(let file, let id, let epoch):
            return "\(file): example \(id) of epoch 0 is missing from epoch \(epoch) (ragged dynamics are rejected; "
                + "drop an incomplete last epoch with the FTFT rule, or limit the epochs read)"
        case .nonFiniteLogit(let at, let id, let classIndex):
            return "\(at): example \(id) has a non-finite logit for class \(classIndex)"
        case .goldChanged(let at, let id, let previous, let found):
            return "\(at): example \(id) has gold label \(found) here but \(previous) in epoch 0"
        case .classCountMismatch(let at, let id, let expected, let found):
            return "\(at): example \(id) has \(found) logits but \(expected) classes were expected"
        case .goldOutOfRange(let at, let id, let gold, let classCount):
            return "\(at): example \(id) has gold label \(gold), outside 0..<\(classCount)"
        case .valueOutOfRange(let at, let field, let value):
            return "\(at): field '\(field)' has an invalid value \(value)"
        case .exampleIndexOutOfRange(let epoch, let index, let count):
            return "epoch \(epoch): example index \(index) is outside 0..<\(count)"
        case .labelMismatch(let epoch, let id, let recorded, let expected):
            return "epoch \(epoch): example \(id) was recorded with label \(recorded) but its gold label is \(expected)"
        case .duplicateRecord(let epoch, let id):
            return "epoch \(epoch): example \(id) was recorded twice"
        case .logitCount(let epoch, let expected, let found):
            return "epoch \(epoch): \(found) logits passed but \(expected) were expected (batch size × classes)"
        case .nonFiniteRecordedLogit(let epoch, let id, let classIndex):
            return "epoch \(epoch): example \(id) has a non-finite logit for class \(classIndex)"
        case .epochOutOfOrder(let expected, let found):
            return "recording epoch \(found) but epoch \(expected) is the current one (epochs are recorded in order)"
        case .incompleteEpoch(let epoch, let missing, let first):
            return "epoch \(epoch) is incomplete: \(missing) example(s) were never recorded (first: \(first))"
        case .invalidDynamics(let reason):
            return "invalid training dynamics: \(reason)"
        case .tooFewEpochs(let needed, let available, let reason):
            return "\(reason) needs at least \(needed) epoch(s) but the dynamics have \(available)"
        case .burnOutOutOfRange(let burnOut, let epochs):
            return "burn-out \(burnOut) must be between 1 and the \(epochs) recorded epoch(s)"
        case .invalidRate(let rate):
            return "selection rate \(rate) must be in [0, 1]"
        case .labelsRequired(let reason):
            return "\(reason) needs gold labels, which this input does not have (data-map coordinates carry none)"
        case .nonFiniteScore(let id, let field):
            return "example \(id) has a non-finite \(field); nothing can be selected by it"
        case .mismatchedExamples(let reason):
            return "the data maps do not cover the same examples: \(reason)"
        }
    }
}

extension CartographyError: UserFacingError {
    /// Dynamics, data maps and selections that cannot be used are bad input; a failed write is a run-time failure.
    public var exitStatus: ExitStatus {
        if case .io(let error) = self { return error.exitStatus }
        return .badInput
    }
}
