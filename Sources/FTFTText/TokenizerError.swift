import FTFTIO

/// Errors of the tokenizer module: vocabularies, tokenizer configurations and encoding requests. Each names the
/// file and, where there is one, the line (1-based) or the JSON field.
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
    /// A file could not be opened or read (the wrapped error names it).
    case io(IOError)
    case invalidUTF8(path: String, line: Int)
    case emptyVocabulary(path: String)
    /// A vocab.txt line is empty: ids are line numbers, so it cannot be skipped, and an empty token is no token.
    case emptyToken(path: String, line: Int)
    case duplicateToken(path: String, token: String, firstLine: Int, line: Int)
    /// Two tokens of a tokenizer.json vocabulary share one id.
    case duplicateID(path: String, id: Int, tokens: [String])
    case missingSpecialToken(path: String, role: String, token: String)
    /// `line` is where Foundation's parser stopped, when its message says so.
    case malformedJSON(path: String, line: Int?, reason: String)
    /// A field of tokenizer.json / tokenizer_config.json is missing or has the wrong type or value.
    case invalidField(path: String, field: String, reason: String)
    /// tokenizer.json uses a component ftft does not implement (it would not tokenize the way the model expects).
    case unsupported(path: String, field: String, value: String)
    case notATokenizer(path: String, reason: String)
    /// `maxLength` leaves no room for the special tokens the template adds.
    case maxLengthTooSmall(maxLength: Int, specialTokens: Int)

    public var description: String {
        switch self {
        case .io(let error):
            return error.description
        case .invalidUTF8(let path, let line):
            return "\(path):\(line): not valid UTF-8"
        case .emptyVocabulary(let path):
            return "\(path): the vocabulary is empty"
        case .emptyToken(let path, let line):
            return "\(path):\(line): empty token (ids are line numbers, so the line cannot be skipped)"
        case .duplicateToken(let path, let token, let firstLine, let line):
            return "\(path):\(line): duplicate token '\(token)' (first on line \(firstLine))"
        case .duplicateID(let path, let id, let tokens):
            return "\(path): model.vocab: id \(id) is given to several tokens: \(tokens.map { "'\($0)'" }.joined(separator: ", "))"
        case .missingSpecialToken(let path, let role, let token):
            return "\(path): the \(role) token '\(token)' is not in the vocabulary"
        case .malformedJSON(let path, let line, let reason):
            return "\(path)\(line.map { ":\($0)" } ?? ""): malformed JSON: \(reason)"
        case .invalidField(let path, let field, let reason):
            return "\(path): \(field): \(reason)"
        case .unsupported(let path, let field, let value):
            return "\(path): \(field) = \(value) is not supported (ftft implements BERT's WordPiece pipeline)"
        case .notATokenizer(let path, let reason):
            return "\(path): \(reason)"
        case .maxLengthTooSmall(let maxLength, let specialTokens):
            return "max length \(maxLength) leaves no room for the \(specialTokens) special tokens"
        }
    }

    /// Converts FTFTIO's errors: invalid UTF-8 becomes this module's own case, the rest is wrapped.
    static func from(_ error: Error) -> Error {
        guard let io = error as? IOError else { return error }
        if case .invalidUTF8(let path, let line) = io { return TokenizerError.invalidUTF8(path: path, line: line) }
        return TokenizerError.io(io)
    }
}

extension TokenizerError: UserFacingError {
    /// A vocabulary or tokenizer file that cannot be used: bad input.
    public var exitStatus: ExitStatus {
        if case .io(let error) = self { return error.exitStatus }
        return .badInput
    }
}
