import FTFTIO

/// A WordPiece vocabulary: token ↔ id (V entries). Ids need not be contiguous (a tokenizer.json may skip some),
/// but each token has one id and each id one token.
public struct Vocabulary: Sendable, Equatable {
    /// Where it was read from (for error messages).
    public let source: String
    let tokenIDs: [String: Int32]
    private let tokensByID: [Int32: String]

    /// V, the number of tokens.
    public var count: Int { tokenIDs.count }

    public func id(_ token: String) -> Int32? { tokenIDs[token] }
    public func token(_ id: Int32) -> String? { tokensByID[id] }

    /// A vocabulary whose ids are the positions in `tokens`, as in vocab.txt.
    public init(tokens: [String], source: String = "<memory>") throws {
        guard !tokens.isEmpty else { throw TokenizerError.emptyVocabulary(path: source) }
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(tokens.count)
        for (index, token) in tokens.enumerated() {
            guard !token.isEmpty else { throw TokenizerError.emptyToken(path: source, line: index + 1) }
            if let first = ids[token] {
                throw TokenizerError.duplicateToken(path: source, token: token, firstLine: Int(first) + 1,
                                                    line: index + 1)
            }
            ids[token] = Int32(index)
        }
        self.init(source: source, tokenIDs: ids)
    }

    /// A vocabulary with explicit ids, as in tokenizer.json's `model.vocab`.
    public init(tokenIDs: [String: Int], source: String = "<memory>") throws {
        guard !tokenIDs.isEmpty else { throw TokenizerError.emptyVocabulary(path: source) }
        var ids: [String: Int32] = [:]
        var byID: [Int32: String] = [:]
        for (token, id) in tokenIDs {
            guard id >= 0 && id <= Int(Int32.max) else {
                throw TokenizerError.invalidField(path: source, field: "model.vocab[\"\(token)\"]",
                                                  reason: "id \(id) is not a non-negative 32-bit integer")
            }
            if let other = byID[Int32(id)] {
                throw TokenizerError.duplicateID(path: source, id: id, tokens: [other, token].sorted())
            }
            byID[Int32(id)] = token
            ids[token] = Int32(id)
        }
        self.init(source: source, tokenIDs: ids)
    }

    private init(source: String, tokenIDs: [String: Int32]) {
        self.source = source
        self.tokenIDs = tokenIDs
        var byID: [Int32: String] = [:]
        byID.reserveCapacity(tokenIDs.count)
        for (token, id) in tokenIDs { byID[id] = token }
        self.tokensByID = byID
    }

    /// Reads vocab.txt: one token per line, id = line number − 1. A final newline ends the last line (it does not
    /// start an empty one); "\r\n" line ends are accepted. Empty lines, duplicates and invalid UTF-8 are errors
    /// naming the line (HF would silently let a later duplicate win, shifting nothing but leaving an id unused).
    public static func load(vocabTxt path: String) throws -> Vocabulary {
        var tokens: [String] = []
        do {
            let reader = try LineReader(path: path)
            while let line = try reader.nextLine() { tokens.append(line) }
        } catch {
            throw TokenizerError.from(error)
        }
        return try Vocabulary(tokens: tokens, source: path)
    }
}
