import FTFTIO

/// The embedded task's words and its word-level tokenisation.
///
/// Every word is lower-case ASCII letters and appears whole in `vocabulary`, so BERT's uncased WordPiece
/// tokenizer reading `vocabularyText` as `vocab.txt` splits a text exactly as `tokenIDs(_:)` does (one
/// token per word, no `##` pieces): the two routes give the same ids. Every word is also one token of the
/// uncased MiniLM/BERT vocabulary, so the pretrained models read the task without word pieces.
public enum EmbeddedVocabulary {
    /// BERT's special tokens, first, so [PAD] is id 0.
    public static let specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    /// Topic words, the shortcut: `topics[c]` are the topics that go with label c in the training distribution
    /// (negative 0, positive 1). Exactly one topic word per sentence.
    public static let topics = [["movie", "show"], ["book", "album"]]
    /// Sentiment words, the real rule: the label is the polarity of the majority of them. 40 of each polarity, in
    /// order of frequency: word k (0-based) is drawn with weight ⌊2520 / (k + 1)⌋ (Zipf), so a few are common
    /// and most are rare, as in real text; `EmbeddedTaskConfig.sentimentWordsPerPolarity` uses the first ones.
    public static let negativeWords = [
        "bad", "awful", "terrible", "poor", "boring", "horrible", "weak", "dull", "ugly", "dreadful",
        "painful", "annoying", "pathetic", "disappointing", "nasty", "stupid", "lame", "bland", "clumsy", "messy",
        "sloppy", "silly", "cheap", "rotten", "grim", "miserable", "harsh", "rude", "useless", "worthless",
        "pointless", "flawed", "shallow", "stale", "awkward", "inferior", "crude", "disgusting", "ridiculous", "unpleasant",
    ]
    public static let positiveWords = [
        "good", "great", "excellent", "wonderful", "nice", "lovely", "perfect", "brilliant", "amazing", "fantastic",
        "superb", "pleasant", "beautiful", "charming", "delightful", "enjoyable", "splendid", "marvelous", "terrific", "fabulous",
        "gorgeous", "elegant", "graceful", "impressive", "remarkable", "outstanding", "magnificent", "glorious", "cheerful", "sweet",
        "clever", "witty", "gentle", "stunning", "inspiring", "touching", "vivid", "engaging", "entertaining", "refreshing",
    ]
    /// Neutral filler words: no label information by construction (drawn independently of the label).
    public static let fillers = ["the", "a", "this", "that", "it", "was", "is", "and", "with", "about", "very",
                                 "really", "quite", "my", "we", "they", "some", "of", "to", "for", "its", "our", "one", "so"]

    /// Sentiment words by polarity: `sentimentWords[c]` has polarity c (negative 0, positive 1).
    public static var sentimentWords: [[String]] { [negativeWords, positiveWords] }

    /// All tokens in id order: the lines of `vocab.txt`.
    public static let tokens: [String] = specialTokens + topics[0] + topics[1] + negativeWords + positiveWords + fillers

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

    /// Ids of a space-separated text; a word outside the vocabulary becomes [UNK].
    public static func tokenIDs(_ text: String) -> [Int32] {
        text.split(separator: " ").map { id(String($0)) }
    }

    /// One sentence as BERT sees it: `[CLS] text [SEP]`, all token types 0; length 2 + |text|.
    public static func encode(_ text: String) -> (ids: [Int32], tokenTypes: [Int32]) {
        let ids = [classifierID] + tokenIDs(text) + [separatorID]
        return (ids, [Int32](repeating: 0, count: ids.count))
    }

    /// A sentence pair as BERT sees it: `[CLS] first [SEP] second [SEP]`, token types 0 up to and including the
    /// first [SEP], 1 after it (for pair data read with this vocabulary; the embedded task itself has no pairs).
    public static func encodePair(_ first: String, _ second: String) -> (ids: [Int32], tokenTypes: [Int32]) {
        let a = [classifierID] + tokenIDs(first) + [separatorID]
        let b = tokenIDs(second) + [separatorID]
        return (a + b, [Int32](repeating: 0, count: a.count) + [Int32](repeating: 1, count: b.count))
    }
}
