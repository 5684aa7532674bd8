import FTFTIO

/// The embedded task's words and its word-level tokenisation.
///
/// Every word is lower-case ASCII letters and appears whole in `vocabulary`, so BERT's uncased WordPiece
/// tokenizer reading `vocabularyText` as `vocab.txt` splits a text exactly as `tokenIDs(_:)` does (one
/// token per word, no `##` pieces): the two routes give the same ids.
public enum EmbeddedVocabulary {
    /// BERT's special tokens, first, so [PAD] is id 0.
    public static let specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    public static let people = ["doctor", "lawyer", "artist", "student", "farmer", "pilot",
                                "judge", "baker", "singer", "author", "actor", "banker"]
    public static let animals = ["cat", "dog", "horse", "rabbit", "goat", "mouse", "lion", "bird"]
    /// Category words: "person" stands for any of `people`, "animal" for any of `animals`. They never occur
    /// in premises, only in hypotheses.
    public static let categories = ["person", "animal"]
    public static let verbs = ["saw", "helped", "called", "met", "followed", "admired",
                               "visited", "avoided", "praised", "trusted", "watched", "thanked"]
    public static let adjectives = ["tall", "old", "young", "happy", "quiet", "rich", "brave", "tired"]
    public static let places = ["park", "city", "school", "market", "garden", "station"]
    public static let functionWords = ["the", "who", "near", "in"]

    public static let nouns: [String] = people + animals

    /// All tokens in id order: the lines of `vocab.txt`.
    public static let tokens: [String] = specialTokens + people + animals + categories + verbs + adjectives
        + places + functionWords

    /// `vocab.txt` content: one token per line, line k (0-based) is id k.
    public static var vocabularyText: String { tokens.joined(separator: "\n") + "\n" }

    /// Writes `vocabularyText` to `path` atomically (a `vocab.txt` for the WordPiece tokenizer).
    public static func writeVocabulary(to path: String) throws {
        try AtomicFile.write(vocabularyText, to: path)
    }

    private static let idOf: [String: Int32] = Dictionary(uniqueKeysWithValues: tokens.enumerated().map { ($1, Int32($0)) })

    public static func id(_ token: String) -> Int32 { idOf[token] ?? unknownID }
    public static var padID: Int32 { id("[PAD]") }
    public static var unknownID: Int32 { idOf["[UNK]"] ?? 1 }
    public static var classifierID: Int32 { id("[CLS]") }
    public static var separatorID: Int32 { id("[SEP]") }

    /// The category word of a noun: "person" or "animal".
    public static func category(of noun: String) -> String { animals.contains(noun) ? "animal" : "person" }

    /// Ids of a space-separated text; a word outside the vocabulary becomes [UNK].
    public static func tokenIDs(_ text: String) -> [Int32] {
        text.split(separator: " ").map { id(String($0)) }
    }

    /// A sentence pair as BERT sees it: `[CLS] premise [SEP] hypothesis [SEP]`, token types 0 up to and
    /// including the first [SEP], 1 after it. Both arrays have length 3 + |premise| + |hypothesis|.
    public static func encodePair(_ premise: String, _ hypothesis: String) -> (ids: [Int32], tokenTypes: [Int32]) {
        let first = [classifierID] + tokenIDs(premise) + [separatorID]
        let second = tokenIDs(hypothesis) + [separatorID]
        return (first + second, [Int32](repeating: 0, count: first.count) + [Int32](repeating: 1, count: second.count))
    }
}
