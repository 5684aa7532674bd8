/// Every parameter of the embedded task, with its default. The task is a function of this value alone:
/// the same configuration gives the same examples on every machine (integer Philox draws only).
///
/// Design, in brief (details on `EmbeddedTask`): a two-class single-sentence task, negative vs positive, over a
/// synthetic vocabulary of 108 words (113 tokens with BERT's specials). The real rule is the majority polarity of
/// the sentence's sentiment words; the shortcut is its one topic word, which goes with the label on most
/// training examples and is at chance out of distribution.
public struct EmbeddedTaskConfig: Sendable, Hashable, Codable {
    /// Seed of the generator (`SeededRandom(seed:)`, stream purpose `.synthesis`).
    public var seed: UInt64 = 0
    /// Number of examples of each set. Classes are balanced exactly (the odd one goes to negative).
    public var trainSize = 3000
    public var validationSize = 500
    public var oodDevSize = 500
    public var oodTestSize = 500
    /// Share of each class, in train and in-distribution validation, whose topic word belongs to the other
    /// class's topics: the shortcut then scores 1 − this on clean labels. Count per class = ⌊fraction · n_class + ½⌋.
    public var trainShortcutBreakingFraction = 0.1
    /// The same share in the out-of-distribution dev and test sets. 0.5 makes the topic uninformative (the
    /// shortcut scores exactly 0.5); 1.0 makes it anti-correlated (0.0).
    public var oodShortcutBreakingFraction = 0.5
    /// Share of train and in-distribution validation labels flipped after generation (exactly
    /// ⌊fraction · n + ½⌋ examples, chosen at random). The OOD sets are clean.
    public var labelNoise = 0.1
    /// Sentence length in words (topic + sentiment + filler words), drawn uniformly in
    /// minimumLength…maximumLength.
    public var minimumLength = 10
    public var maximumLength = 16
    /// At most this many sentiment words per sentence, and at most this margin. The (majority, minority) counts
    /// are drawn uniformly from every pair with majority > minority ≥ 0, majority + minority ≤
    /// `maximumSentimentWords` and majority − minority ≤ `maximumMargin`, so there are no ties; margin 1 (e.g. 3
    /// against 2) is the hard case. Small margins among many words make each sentiment word only weakly
    /// associated with the label, so the rule is learnt later than the topic. The defaults (up to 7 words, margin
    /// always 1: 1–0, 2–1, 3–2, 4–3) were measured to give the demo's from-scratch models a shortcut phase
    /// followed by the rule (README); with margins up to 2 they learnt the rule almost at once, with 9 words and
    /// margin 1 they did not leave the shortcut within 600 steps.
    public var maximumSentimentWords = 7
    public var maximumMargin = 1
    /// How many of each polarity's 40 sentiment words are used (the most frequent ones, `EmbeddedVocabulary`):
    /// more words means rarer words, which a model learns later than the topic words (which are in every
    /// sentence).
    public var sentimentWordsPerPolarity = 40

    public init() {}

    public init(seed: UInt64) { self.seed = seed }

    /// Throws `DatasetError.invalidConfiguration` naming the first setting out of range.
    public func validate() throws {
        for (field, size) in [("trainSize", trainSize), ("validationSize", validationSize),
                              ("oodDevSize", oodDevSize), ("oodTestSize", oodTestSize)] {
            guard size >= 2, size <= 10_000_000 else {
                throw DatasetError.invalidConfiguration(field: field, reason: "\(size) is outside 2…10,000,000")
            }
        }
        for (field, p) in [("trainShortcutBreakingFraction", trainShortcutBreakingFraction),
                           ("oodShortcutBreakingFraction", oodShortcutBreakingFraction), ("labelNoise", labelNoise)] {
            guard p.isFinite, (0...1).contains(p) else {
                throw DatasetError.invalidConfiguration(field: field, reason: "\(p) is outside [0, 1]")
            }
        }
        guard (1...50).contains(maximumSentimentWords) else {
            throw DatasetError.invalidConfiguration(field: "maximumSentimentWords", reason: "\(maximumSentimentWords) is outside 1…50")
        }
        guard (1...maximumSentimentWords).contains(maximumMargin) else {
            throw DatasetError.invalidConfiguration(field: "maximumMargin", reason: "\(maximumMargin) is outside 1…\(maximumSentimentWords) (maximumSentimentWords at most)")
        }
        let available = EmbeddedVocabulary.positiveWords.count
        guard (1...available).contains(sentimentWordsPerPolarity) else {
            throw DatasetError.invalidConfiguration(field: "sentimentWordsPerPolarity", reason: "\(sentimentWordsPerPolarity) is outside 1…\(available)")
        }
        // Room for the topic word and the most sentiment words in the shortest sentence.
        guard minimumLength >= maximumSentimentWords + 1, minimumLength <= 500 else {
            throw DatasetError.invalidConfiguration(
                field: "minimumLength", reason: "\(minimumLength) is outside \(maximumSentimentWords + 1)…500 (1 + maximumSentimentWords at least)")
        }
        guard maximumLength >= minimumLength, maximumLength <= 500 else {
            throw DatasetError.invalidConfiguration(field: "maximumLength", reason: "\(maximumLength) is outside \(minimumLength)…500 (minimumLength at least)")
        }
    }
}
