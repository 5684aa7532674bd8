/// Turns a task's text examples into token ids for a model.
public protocol ExampleEncoder: Sendable {
    /// V: the embedding rows a model needs.
    var vocabularySize: Int { get }
    var padTokenId: Int32 { get }
    /// What determines the ids (part of a run's identity): e.g. "embedded-vocabulary-57" or a vocab file's SHA-256.
    var identity: String { get }
    /// `[CLS] text [SEP] (pair [SEP])` ids and token types, at most `maxLength` tokens.
    func encode(_ example: TextExample, maxLength: Int) throws -> (ids: [Int32], tokenTypes: [Int32])
}

/// The embedded task's word-level vocabulary (`EmbeddedVocabulary`): one token per word, no truncation needed
/// (its sentences have at most `EmbeddedTaskConfig.maximumLength` + 2 tokens); a longer example is an error
/// rather than silently cut.
public struct EmbeddedVocabularyEncoder: ExampleEncoder {
    public init() {}

    public var vocabularySize: Int { EmbeddedVocabulary.tokens.count }
    public var padTokenId: Int32 { EmbeddedVocabulary.padID }
    public var identity: String { "embedded-vocabulary-\(EmbeddedVocabulary.tokens.count)" }

    public func encode(_ example: TextExample, maxLength: Int) throws -> (ids: [Int32], tokenTypes: [Int32]) {
        let encoded: (ids: [Int32], tokenTypes: [Int32])
        if let pair = example.textPair {
            encoded = EmbeddedVocabulary.encodePair(example.text, pair)
        } else {
            let ids = [EmbeddedVocabulary.classifierID] + EmbeddedVocabulary.tokenIDs(example.text) + [EmbeddedVocabulary.separatorID]
            encoded = (ids, [Int32](repeating: 0, count: ids.count))
        }
        guard encoded.ids.count <= maxLength else {
            throw DatasetError.exampleTooLong(id: example.id, tokens: encoded.ids.count, maxLength: maxLength)
        }
        return encoded
    }
}
