import FTFTData
import FTFTIO
import Testing

/// The embedded task: determinism, balance, vocabulary, and the designed behaviour of the overlap shortcut,
/// computed from the generated texts (not from the generator's own bookkeeping).
struct EmbeddedTaskTests {
    /// The default task, generated once for the tests that only read it.
    static let defaultTask: EmbeddedTask? = try? EmbeddedTask()
    static func shortcutAccuracy(_ set: LabeledDataset, clean: Bool) -> Double {
        let predictions = set.examples.map { EmbeddedTask.shortcutPrediction(premise: $0.text, hypothesis: $0.textPair ?? "") }
        let labels = set.examples.map { clean ? Int($0.metadata["clean_label"] ?? "") ?? -1 : $0.label }
        return Metrics.accuracy(predictions: predictions, labels: labels)
    }

    @Test func sameSeedSameTaskOtherSeedOtherTask() throws {
        let a = try EmbeddedTask(config: EmbeddedTaskConfig(seed: 3))
        let b = try EmbeddedTask(config: EmbeddedTaskConfig(seed: 3))
        let c = try EmbeddedTask(config: EmbeddedTaskConfig(seed: 4))
        for (x, y, z) in [(a.train, b.train, c.train), (a.validation, b.validation, c.validation),
                          (a.oodDev, b.oodDev, c.oodDev), (a.oodTest, b.oodTest, c.oodTest)] {
            #expect(x == y)
            #expect(x.examples.map(\.text) != z.examples.map(\.text))
        }
    }

    @Test func sizesAndExactCleanBalance() throws {
        var config = EmbeddedTaskConfig()
        config.trainSize = 1001
        let task = try EmbeddedTask(config: config)
        for (set, size) in [(task.train, 1001), (task.validation, 500), (task.oodDev, 500), (task.oodTest, 500)] {
            #expect(set.count == size)
            #expect(set.labelNames == ["entailment", "non-entailment"])
            let clean = set.examples.map { Int($0.metadata["clean_label"] ?? "") ?? -1 }
            #expect(clean.filter { $0 == 0 }.count == (size + 1) / 2, "\(set.name)")
            #expect(clean.filter { $0 == 1 }.count == size / 2, "\(set.name)")
            #expect(Set(set.examples.map(\.id)).count == size)
        }
    }

    @Test func shortcutWorksInDistributionAndIsAtChanceOutOfIt() throws {
        let config = EmbeddedTaskConfig()
        let task = try #require(Self.defaultTask)
        // Clean labels: exactly 1 − f (f·n_c breaking examples per class, n_c = n/2 for even n).
        let trainPerClass = config.trainSize / 2, oodPerClass = config.oodDevSize / 2
        let trainBroken = Int((config.trainShortcutBreakingFraction * Double(trainPerClass) + 0.5).rounded(.down))
        let oodBroken = Int((config.oodShortcutBreakingFraction * Double(oodPerClass) + 0.5).rounded(.down))
        #expect(Self.shortcutAccuracy(task.train, clean: true) == 1 - Double(2 * trainBroken) / Double(config.trainSize))
        #expect(Self.shortcutAccuracy(task.oodDev, clean: true) == 1 - Double(2 * oodBroken) / Double(config.oodDevSize))
        #expect(Self.shortcutAccuracy(task.oodTest, clean: false) == 0.5)
        // Noisy training labels: each flip moves the shortcut's accuracy by exactly ±1/n.
        let flips = task.train.examples.filter { $0.metadata["noisy"] == "1" }.count
        #expect(flips == Int((config.labelNoise * Double(config.trainSize) + 0.5).rounded(.down)))
        let noisyAccuracy = Self.shortcutAccuracy(task.train, clean: false)
        #expect(abs(noisyAccuracy - Self.shortcutAccuracy(task.train, clean: true)) <= Double(flips) / Double(config.trainSize))
        #expect(noisyAccuracy > 0.7 && noisyAccuracy < 0.9)
        // The OOD sets are clean.
        #expect(task.oodDev.examples.allSatisfy { $0.metadata["noisy"] == "0" && String($0.label) == $0.metadata["clean_label"] })
    }

    @Test func antiCorrelatedOODWhenEveryExampleBreaksTheShortcut() throws {
        var config = EmbeddedTaskConfig(seed: 11)
        config.oodShortcutBreakingFraction = 1
        config.labelNoise = 0
        config.trainShortcutBreakingFraction = 0
        let task = try EmbeddedTask(config: config)
        #expect(Self.shortcutAccuracy(task.oodTest, clean: false) == 0)
        #expect(Self.shortcutAccuracy(task.train, clean: false) == 1)
    }

    @Test func everyKindOccursAndMatchesItsShortcutClass() throws {
        let task = try #require(Self.defaultTask)
        let expected: [String: (label: Int, breaking: Bool)] = [
            "subsequence": (0, false), "embedded_clause": (0, false), "hypernym": (0, true), "substitute": (1, false),
            "wrong_category": (1, false),
            "swap": (1, true), "relative_subject": (1, true), "prepositional_object": (1, true)]
        var seen: Set<String> = []
        for example in task.train.examples + task.oodDev.examples {
            let kind = example.metadata["kind"] ?? "?"
            seen.insert(kind)
            guard let design = expected[kind] else { Issue.record("unknown kind \(kind)"); continue }
            #expect(example.metadata["clean_label"] == String(design.label))
            #expect(example.metadata["shortcut"] == (design.breaking ? "breaking" : "consistent"))
            // Shortcut-breaking means: the overlap rule predicts the other class.
            let shortcut = EmbeddedTask.shortcutPrediction(premise: example.text, hypothesis: example.textPair ?? "")
            #expect((shortcut != design.label) == design.breaking, "\(kind): \(example.text) / \(example.textPair ?? "")")
        }
        #expect(seen == Set(expected.keys))
    }

    @Test func categoryWordsCarryNoLabelInformation() throws {
        let task = try #require(Self.defaultTask)
        for set in [task.train, task.validation, task.oodDev, task.oodTest] {
            let withCategory = set.examples.filter { example in
                (example.textPair ?? "").split(separator: " ").contains { EmbeddedVocabulary.categories.contains(String($0)) }
            }
            let entailed = withCategory.filter { $0.metadata["clean_label"] == "0" }.count
            #expect(withCategory.count > 0)
            #expect(2 * entailed == withCategory.count, "\(set.name): \(entailed) of \(withCategory.count)")
        }
    }

    @Test func vocabularyCoversEveryTextAndEncodesPairs() throws {
        let task = try #require(Self.defaultTask)
        let tokens = EmbeddedVocabulary.tokens
        #expect(Set(tokens).count == tokens.count)
        #expect(tokens.prefix(5) == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
        #expect(tokens.allSatisfy { $0.hasPrefix("[") || $0.allSatisfy { $0.isASCII && $0.isLowercase } })
        #expect(EmbeddedVocabulary.vocabularyText.split(separator: "\n").map(String.init) == tokens)
        let vocabPath = try TestFiles().missing("vocab.txt")
        try EmbeddedVocabulary.writeVocabulary(to: vocabPath)
        #expect(try LineReader.readAll(path: vocabPath) == tokens)
        var longest = 0
        for set in [task.train, task.validation, task.oodDev, task.oodTest] {
            for example in set.examples {
                let (ids, types) = EmbeddedVocabulary.encodePair(example.text, example.textPair ?? "")
                #expect(!ids.contains(EmbeddedVocabulary.unknownID))
                #expect(ids.count == types.count)
                let premiseLength = example.text.split(separator: " ").count
                #expect(ids[0] == EmbeddedVocabulary.classifierID && ids[premiseLength + 1] == EmbeddedVocabulary.separatorID)
                #expect(types == [Int32](repeating: 0, count: premiseLength + 2) + [Int32](repeating: 1, count: ids.count - premiseLength - 2))
                longest = max(longest, ids.count)
            }
        }
        #expect(longest <= 32)
    }

    @Test func invalidSettingsAreNamed() {
        var config = EmbeddedTaskConfig()
        config.labelNoise = 1.5
        #expect(throws: DatasetError.invalidConfiguration(field: "labelNoise", reason: "1.5 is outside [0, 1]")) { try EmbeddedTask(config: config) }
        config = EmbeddedTaskConfig()
        config.oodDevSize = 1
        #expect(throws: DatasetError.invalidConfiguration(field: "oodDevSize", reason: "1 is outside 2…10,000,000")) { try EmbeddedTask(config: config) }
    }
}
