import FTFTTensors

/// ftft's built-in task: a small, seeded sentence-pair data set that shows what FTFT is about (a surface
/// shortcut a small model picks up, a real rule a larger one can learn), so the main job runs with no files.
///
/// Labels: entailment 0, non-entailment 1 (as HANS). Metric: accuracy. Four sets: `embedded_train`,
/// `embedded_validation` (in distribution), `embedded_ood_dev`, `embedded_ood_test`.
///
/// Premise: `the [adj] S [who V2 the N4] V the [adj] O [near the N3 | in the PLACE]` with distinct nouns
/// S, O, N4, N3 (people or animals), verbs V ≠ V2; optional parts by `EmbeddedTaskConfig` probabilities.
/// Hypothesis: `the [adj] X verb the [adj] Y`, of one of these kinds (metadata `kind`):
///
/// | label | shortcut | kind | hypothesis | all hypothesis words in premise? |
/// |---|---|---|---|---|
/// | entailment | consistent | `subsequence` | the S V the O | yes |
/// | entailment | consistent | `embedded_clause` | the S V2 the N4 (needs a relative clause) | yes |
/// | entailment | breaking | `hypernym` | S or O replaced by its category word (person/animal) | no |
/// | non-entailment | consistent | `substitute` | S, V or O replaced by a word absent from the premise | no |
/// | non-entailment | consistent | `wrong_category` | S or O replaced by the other category word | no |
/// | non-entailment | breaking | `swap` | the O V the S | yes |
/// | non-entailment | breaking | `relative_subject` | the N4 V the O (needs a relative clause) | yes |
/// | non-entailment | breaking | `prepositional_object` | the S V the N3 (needs "near the N3") | yes |
///
/// A premise adjective is kept before its noun in the hypothesis with `keepAdjectiveProbability`, so
/// adjectives carry no label information. Each set has exactly ⌈n/2⌉ entailments and ⌊n/2⌋
/// non-entailments; within each class exactly ⌊f·n_c + ½⌋ examples are shortcut-breaking (f =
/// `trainShortcutBreakingFraction` for train/validation, `oodShortcutBreakingFraction` for the OOD sets);
/// there are as many `wrong_category` examples as `hypernym` ones (as far as the consistent
/// non-entailments allow, i.e. for f ≤ ½), so category words carry no label information either; then, in train and validation only, ⌊labelNoise·n + ½⌋ random labels are flipped. Each example's
/// metadata records `kind`, `shortcut` (consistent/breaking), `clean_label` and `noisy` (0/1).
///
/// The overlap heuristic therefore scores 1 − f_train on clean training labels (0.9 by default) and
/// 1 − f_ood on the OOD sets (0.5 by default): a model that learnt only the shortcut is at chance out of
/// distribution; one that learnt roles and categories is not.
public struct EmbeddedTask: Sendable {
    public static let name = "embedded"
    public static let labelNames = LabelNames.hans

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

    /// The overlap shortcut as a classifier: entailment (0) iff every hypothesis word occurs in the premise.
    public static func shortcutPrediction(premise: String, hypothesis: String) -> Int {
        let words = Set(premise.split(separator: " "))
        return hypothesis.split(separator: " ").allSatisfy { words.contains($0) } ? 0 : 1
    }

    struct PlanItem { var label: Int, breaking: Bool, wrongCategory: Bool }

    /// ⌊fraction · n + ½⌋, the count rule used for classes, breaking examples and noisy labels.
    static func count(_ fraction: Double, of n: Int) -> Int { Int((fraction * Double(n) + 0.5).rounded(.down)) }

    /// One set. Streams: (.synthesis, part, 0) orders the (label, breaking) plan, (…, 1) draws sentences,
    /// (…, 2) picks the noisy labels.
    static func generate(part: UInt64, name: String, size: Int, breaking: Double, noise: Double,
                         config: EmbeddedTaskConfig, random: SeededRandom) -> LabeledDataset {
        let entailments = (size + 1) / 2, nonEntailments = size - entailments
        let hypernyms = count(breaking, of: entailments), nonEntailmentsBroken = count(breaking, of: nonEntailments)
        // As many wrong-category substitutes as hypernym entailments (where possible), so a category word in
        // the hypothesis says nothing about the label.
        let wrongCategories = min(hypernyms, nonEntailments - nonEntailmentsBroken)
        var plan: [PlanItem] = (0..<entailments).map { PlanItem(label: 0, breaking: $0 < hypernyms, wrongCategory: false) }
        plan += (0..<nonEntailments).map {
            PlanItem(label: 1, breaking: $0 < nonEntailmentsBroken, wrongCategory: $0 >= nonEntailments - wrongCategories)
        }
        var order = random.stream(.synthesis, part, 0)
        let shuffled = order.permutation(size).map { plan[$0] }
        var sentences = random.stream(.synthesis, part, 1)
        var noisyStream = random.stream(.synthesis, part, 2)
        let noisy = Set(noisyStream.permutation(size).prefix(count(noise, of: size)))
        var examples: [TextExample] = []
        examples.reserveCapacity(size)
        for (index, item) in shuffled.enumerated() {
            var grammar = Grammar(stream: sentences, config: config)
            let pair = grammar.example(entailment: item.label == 0, breaking: item.breaking, wrongCategory: item.wrongCategory)
            sentences = grammar.stream
            let flipped = noisy.contains(index)
            examples.append(TextExample(
                id: "\(name)-\(index)", text: pair.premise, textPair: pair.hypothesis,
                label: flipped ? 1 - item.label : item.label,
                metadata: ["kind": pair.kind, "shortcut": item.breaking ? "breaking" : "consistent",
                           "clean_label": String(item.label), "noisy": flipped ? "1" : "0"]))
        }
        return LabeledDataset(name: name, labelNames: labelNames, examples: examples)
    }
}
