/// Every parameter of the embedded task, with its default. The task is a function of this value alone:
/// the same configuration gives the same examples on every machine (integer Philox draws only).
///
/// Design, in brief (details on `EmbeddedTask`): a two-class sentence-pair task, entailment vs
/// non-entailment, over a synthetic vocabulary of 52 words (57 tokens with BERT's specials). The shortcut is lexical overlap, as HANS studies:
/// "predict entailment iff every hypothesis word occurs in the premise". The true rule is compositional:
/// the hypothesis must state a relation the premise asserts, with the same roles (who did what to whom), where
/// a category word ("person", "animal") may stand for a noun of that category. In the training distribution
/// the shortcut agrees with the true rule except on a minority of examples; the out-of-distribution sets are
/// built so the shortcut is at chance.
public struct EmbeddedTaskConfig: Sendable, Hashable, Codable {
    /// Seed of the generator (`SeededRandom(seed:)`, stream purpose `.synthesis`).
    public var seed: UInt64 = 0
    /// Number of examples of each set. Classes are balanced exactly (the odd one goes to entailment).
    public var trainSize = 3000
    public var validationSize = 500
    public var oodDevSize = 500
    public var oodTestSize = 500
    /// Share of each class, in train and in-distribution validation, on which the overlap shortcut gives the
    /// wrong answer (full-overlap non-entailments, partial-overlap entailments): the shortcut then scores
    /// 1 − this on clean labels. Count per class = ⌊fraction · n_class + ½⌋.
    public var trainShortcutBreakingFraction = 0.1
    /// The same share in the out-of-distribution dev and test sets. 0.5 makes overlap uninformative (the
    /// shortcut scores exactly 0.5); 1.0 makes it anti-correlated (0.0).
    public var oodShortcutBreakingFraction = 0.5
    /// Share of train and in-distribution validation labels flipped after generation (exactly
    /// ⌊fraction · n + ½⌋ examples, chosen at random). The OOD sets are clean.
    public var labelNoise = 0.1
    /// Probabilities of the premise's optional parts: an adjective before each of subject and object, a
    /// relative clause on the subject ("the doctor who met the cat …"), a final prepositional phrase.
    public var adjectiveProbability = 0.3
    public var relativeClauseProbability = 0.35
    public var prepositionalPhraseProbability = 0.35
    /// Probability of keeping a premise adjective in the hypothesis when its noun appears there.
    public var keepAdjectiveProbability = 0.5

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
                           ("oodShortcutBreakingFraction", oodShortcutBreakingFraction), ("labelNoise", labelNoise),
                           ("adjectiveProbability", adjectiveProbability), ("relativeClauseProbability", relativeClauseProbability),
                           ("prepositionalPhraseProbability", prepositionalPhraseProbability),
                           ("keepAdjectiveProbability", keepAdjectiveProbability)] {
            guard p.isFinite, (0...1).contains(p) else {
                throw DatasetError.invalidConfiguration(field: field, reason: "\(p) is outside [0, 1]")
            }
        }
    }
}
