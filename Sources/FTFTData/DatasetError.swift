import FTFTIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything that can be wrong with a data file. Every case names the file; where it applies, the 1-based
/// line (of the record's start, for records spanning lines) and the field.
public enum DatasetError: Error, Equatable, CustomStringConvertible {
    case missingFile(path: String)
    /// Any other failure to read the file (cannot open, read error, truncated gzip, invalid UTF-8), as FTFTIO
    /// reports it — the same wrapping as `CartographyError.io` and `TokenizerError.io`.
    case io(IOError)
    /// The file holds no header, or a header and no examples.
    case emptyFile(path: String, reason: String)
    case badJSON(path: String, line: Int, reason: String)
    case wrongColumnCount(path: String, line: Int, expected: Int, found: Int)
    /// A quoted CSV field opened on `line` is never closed before the end of the file.
    case unbalancedQuotes(path: String, line: Int, field: Int)
    /// A closing quote followed by something other than a delimiter or the end of the record.
    case badQuoting(path: String, line: Int, field: Int)
    case missingField(path: String, line: Int, field: String)
    /// The field exists but its value has the wrong type or form (e.g. a number where text is expected).
    case invalidField(path: String, line: Int, field: String, reason: String)
    case unknownLabel(path: String, line: Int, field: String, value: String, known: [String])
    case duplicateID(path: String, line: Int, field: String, id: String, firstLine: Int)
    /// A configuration that cannot describe a data set (e.g. no label names).
    case invalidMapping(reason: String)
    /// A generator setting outside its allowed range (the embedded task's `EmbeddedTaskConfig`).
    case invalidConfiguration(field: String, reason: String)
    /// A train/validation split that cannot be made (e.g. a fraction outside [0, 1]).
    case invalidSplit(dataset: String, reason: String)
    /// A task's data root or set name that does not resolve.
    case unknownDataset(task: String, name: String, reason: String)
    /// An example with more tokens than the task's `max_length`, for an encoder that does not truncate.
    case exampleTooLong(id: String, tokens: Int, maxLength: Int)

    public var description: String {
        switch self {
        case .missingFile(let path):
            return "\(path): no such file"
        case .io(let error):
            return error.description
        case .emptyFile(let path, let reason):
            return "\(path): empty data file: \(reason)"
        case .badJSON(let path, let line, let reason):
            return "\(path):\(line): not a JSON object: \(reason)"
        case .wrongColumnCount(let path, let line, let expected, let found):
            return "\(path):\(line): \(found) columns, but the header has \(expected)"
        case .unbalancedQuotes(let path, let line, let field):
            return "\(path):\(line): column \(field): quoted field never closed before the end of the file"
        case .badQuoting(let path, let line, let field):
            return "\(path):\(line): column \(field): text after a closing quote"
        case .missingField(let path, let line, let field):
            return "\(path):\(line): missing field '\(field)'"
        case .invalidField(let path, let line, let field, let reason):
            return "\(path):\(line): field '\(field)': \(reason)"
        case .unknownLabel(let path, let line, let field, let value, let known):
            return "\(path):\(line): field '\(field)': unknown label '\(value)' (known: \(known.joined(separator: ", ")))"
        case .duplicateID(let path, let line, let field, let id, let firstLine):
            return "\(path):\(line): field '\(field)': id '\(id)' already used on line \(firstLine)"
        case .invalidMapping(let reason):
            return "invalid data-set description: \(reason)"
        case .invalidConfiguration(let field, let reason):
            return "invalid setting '\(field)': \(reason)"
        case .invalidSplit(let dataset, let reason):
            return "\(dataset): cannot split: \(reason)"
        case .unknownDataset(let task, let name, let reason):
            return "task \(task): data set '\(name)': \(reason)"
        case .exampleTooLong(let id, let tokens, let maxLength):
            return "example \(id): it has \(tokens) tokens, more than max_length \(maxLength); raise task.max_length"
        }
    }

    /// The data-set view of an I/O failure from `LineReader`: a missing file is named as such.
    static func from(_ error: IOError) -> DatasetError {
        if case .cannotOpen(let path, _) = error, access(path, F_OK) != 0 { return .missingFile(path: path) }
        return .io(error)
    }
}

/// Runs `body`, translating `IOError` into `DatasetError` so callers see one error type.
@inline(__always)
func translatingIO<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as IOError { throw DatasetError.from(error) }
}

extension DatasetError: UserFacingError {
    /// A data file or task configuration that cannot be used: bad input.
    public var exitStatus: ExitStatus { .badInput }
}
