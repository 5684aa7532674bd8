import FTFTDeterminism

/// ftft's built-in task: a small, seeded single-sentence data set that shows what FTFT is about (a surface
/// shortcut that is learnt first, a real rule that is learnt a little later), so the main job runs with no files
/// and from-scratch models learn it on a CPU in minutes.
///
/// Labels: negative 0, positive 1 (`LabelNames.sentiment`). Metric: accuracy. Four sets: `embedded_train`,
/// `embedded_validation` (in distribution), `embedded_ood_dev`, `embedded_ood_test`.
///
/// A sentence is a bag of words in random order: one topic word (`EmbeddedVocabulary.topics`), 1 to
/// `maximumSentimentWords` sentiment words and neutral fillers, `minimumLength…maximumLength` words in all,
/// e.g. `the very awful movie was so good and really lovely` (positive: two positive words against one
/// negative; topic `movie` goes with negative, so this sentence breaks the shortcut).
///
/// - Real rule: the label is the polarity of the majority of the sentiment words (no ties by construction).
///   It is linear in the bag of words, so a model that averages its token representations can learn it; the
///   close margins (3 against 2, 2 against 1) are the hard examples.
/// - Shortcut: the topic word. `topics[c]` goes with label c except on a shortcut-breaking minority of each
///   class (exactly ⌊f·n_c + ½⌋, f = `trainShortcutBreakingFraction` in train/validation,
///   `oodShortcutBreakingFraction` in the OOD sets). One topic word is in every sentence while each sentiment
///   word is in few, so the topic gives the strongest early gradient: it is learnt first.
///
/// Each set has exactly ⌈n/2⌉ negatives and ⌊n/2⌋ positives (clean labels); then, in train and validation
/// only, ⌊labelNoise·n + ½⌋ random labels are flipped. Metadata: `shortcut` (consistent/breaking), `topic`,
/// `margin` (majority − minority count), `sentiment_words` (their number), `clean_label`, `noisy` (0/1).
///
/// The topic shortcut therefore scores 1 − f_train on clean training labels (0.9 by default) and 1 − f_ood on
/// the OOD sets (0.5 by default): a model that learnt only the shortcut is at chance out of distribution; one
/// that learnt the sentiment majority is not.
public struct EmbeddedTask: Sendable {
    public static let name = "embedded"
    public static let labelNames = LabelNames.sentiment

    public let config: EmbeddedTaskConfig
    public let train: LabeledDataset
    public let validation: LabeledDataset
    public let oodDev: LabeledDataset
    public let oodTest: LabeledDataset

    /// Generates all four sets. Throws `DatasetError.invalidConfiguration` for a setting out of range.
    public init(config: EmbeddedTaskConfig = EmbeddedTaskConfig()) throws {
        try config.validate()
        self.config = config
        let random = SeededRandom(seed: config.seed)
        train = Self.generate(part: 0, name: "embedded_train", size: config.trainSize,
                              breaking: config.trainShortcutBreakingFraction, noise: config.labelNoise, config: config, random: random)
        validation = Self.generate(part: 1, name: "embedded_validation", size: config.validationSize,
                                   breaking: config.trainShortcutBreakingFraction, noise: config.labelNoise, config: config, random: random)
        oodDev = Self.generate(part: 2, name: "embedded_ood_dev", size: config.oodDevSize,
                               breaking: config.oodShortcutBreakingFraction, noise: 0, config: config, random: random)
        oodTest = Self.generate(part: 3, name: "embedded_ood_test", size: config.oodTestSize,
                                breaking: config.oodShortcutBreakingFraction, noise: 0, config: config, random: random)
    }

    /// The topic shortcut as a classifier: positive (1) iff the sentence has a topic word of `topics[1]`.
    public static func shortcutPrediction(text: String) -> Int {
        let positiveTopics = Set(EmbeddedVocabulary.topics[1])
        return text.split(separator: " ").contains { positiveTopics.contains(String($0)) } ? 1 : 0
    }

    struct PlanItem { var label: Int, breaking: Bool }

    /// ⌊fraction · n + ½⌋, the count rule used for breaking examples and noisy labels.
    static func count(_ fraction: Double, of n: Int) -> Int { Int((fraction * Double(n) + 0.5).rounded(.down)) }

    /// One set. Streams: (.synthesis, part, 0) orders the (label, breaking) plan, (…, 1) draws sentences,
    /// (…, 2) picks the noisy labels.
    static func generate(part: UInt64, name: String, size: Int, breaking: Double, noise: Double,
                         config: EmbeddedTaskConfig, random: SeededRandom) -> LabeledDataset {
        let negatives = (size + 1) / 2, positives = size - negatives
        let negativesBroken = count(breaking, of: negatives), positivesBroken = count(breaking, of: positives)
        var plan: [PlanItem] = (0..<negatives).map { PlanItem(label: 0, breaking: $0 < negativesBroken) }
        plan += (0..<positives).map { PlanItem(label: 1, breaking: $0 < positivesBroken) }
        var order = random.stream(.synthesis, part, 0)
        let shuffled = order.permutation(size).map { plan[$0] }
        var generator = SentenceGenerator(stream: random.stream(.synthesis, part, 1), config: config)
        var noisyStream = random.stream(.synthesis, part, 2)
        let noisy = Set(noisyStream.permutation(size).prefix(count(noise, of: size)))
        var examples: [TextExample] = []
        examples.reserveCapacity(size)
        for (index, item) in shuffled.enumerated() {
            let s = generator.sentence(label: item.label, topicGroup: item.breaking ? 1 - item.label : item.label)
            let flipped = noisy.contains(index)
            examples.append(TextExample(
                id: "\(name)-\(index)", text: s.text, textPair: nil,
                label: flipped ? 1 - item.label : item.label,
                metadata: ["shortcut": item.breaking ? "breaking" : "consistent", "topic": s.topic,
                           "margin": String(s.margin), "sentiment_words": String(s.sentimentWords),
                           "clean_label": String(item.label), "noisy": flipped ? "1" : "0"]))
        }
        return LabeledDataset(name: name, labelNames: labelNames, examples: examples)
    }
}
