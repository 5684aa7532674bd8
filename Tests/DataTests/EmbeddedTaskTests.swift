import FTFTData
import FTFTIO
import FTFTTestSupport
import Testing

/// The embedded task: determinism, balance, vocabulary, and the designed behaviour of the topic shortcut,
/// computed from the generated texts (not from the generator's own bookkeeping).
struct EmbeddedTaskTests {
    /// The default task, generated once for the tests that only read it.
    static let defaultTask: EmbeddedTask? = try? EmbeddedTask()
    static func shortcutAccuracy(_ set: LabeledDataset, clean: Bool) -> Double {
        let predictions = set.examples.map { EmbeddedTask.shortcutPrediction(text: $0.text) }
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
            #expect(set.labelNames == ["negative", "positive"])
            #expect(set.examples.allSatisfy { $0.textPair == nil })
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

    @Test func breakingMeansTheTopicPointsToTheOtherClass() throws {
        let task = try #require(Self.defaultTask)
        for example in task.train.examples + task.oodDev.examples {
            let shortcut = EmbeddedTask.shortcutPrediction(text: example.text)
            let breaking = example.metadata["shortcut"] == "breaking"
            #expect(example.metadata["shortcut"] == "consistent" || breaking)
            #expect((String(shortcut) != example.metadata["clean_label"]) == breaking, "\(example.text)")
        }
    }

    @Test func eachTopicWordIsAtChanceOutOfDistribution() throws {
        // Out of distribution the topic is at chance: for each topic word, as many negatives as positives up to
        // sampling (each OOD example draws its topic from its group uniformly).
        let task = try #require(Self.defaultTask)
        for topic in EmbeddedVocabulary.topics.flatMap({ $0 }) {
            let with = task.oodTest.examples.filter { $0.metadata["topic"] == topic }
            let positives = with.filter { $0.metadata["clean_label"] == "1" }.count
            #expect(with.count > 60 && abs(2 * positives - with.count) < with.count / 3, "\(topic): \(positives) of \(with.count)")
        }
    }

    @Test func vocabularyCoversEveryTextAndEncodesSentences() throws {
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
                let (ids, types) = EmbeddedVocabulary.encode(example.text)
                #expect(!ids.contains(EmbeddedVocabulary.unknownID))
                #expect(ids.first == EmbeddedVocabulary.classifierID && ids.last == EmbeddedVocabulary.separatorID)
                #expect(ids.count == example.text.split(separator: " ").count + 2 && types == [Int32](repeating: 0, count: ids.count))
                longest = max(longest, ids.count)
            }
        }
        #expect(longest == task.config.maximumLength + 2)
        let (pairIDs, pairTypes) = EmbeddedVocabulary.encodePair("good movie", "bad")
        #expect(pairIDs == ["[CLS]", "good", "movie", "[SEP]", "bad", "[SEP]"].map(EmbeddedVocabulary.id) && pairTypes == [0, 0, 0, 0, 1, 1])
    }

    /// The pretrained models (experiments/embedded-minilm.yaml) must read every word as one token of their
    /// uncased vocabulary (committed: golden/tokenizer/minilm-uncased).
    @Test func everyWordIsOneTokenOfTheMiniLMVocabulary() throws {
        let path = PackagePaths.miniLMTokenizer.appendingPathComponent("vocab.txt")
        let minilm = Set(try LineReader.readAll(path: path.path))
        let missing = EmbeddedVocabulary.tokens.filter { !minilm.contains($0) }
        #expect(missing.isEmpty, "not in MiniLM's vocab.txt: \(missing)")
    }

    @Test func invalidSettingsAreNamed() {
        var config = EmbeddedTaskConfig()
        config.labelNoise = 1.5
        #expect(throws: DatasetError.invalidConfiguration(field: "labelNoise", reason: "1.5 is outside [0, 1]")) { try EmbeddedTask(config: config) }
        config = EmbeddedTaskConfig()
        config.oodDevSize = 1
        #expect(throws: DatasetError.invalidConfiguration(field: "oodDevSize", reason: "1 is outside 2…10,000,000")) { try EmbeddedTask(config: config) }
        config = EmbeddedTaskConfig()
        config.minimumLength = 7
        #expect(throws: DatasetError.invalidConfiguration(field: "minimumLength", reason: "7 is outside 8…500 (1 + maximumSentimentWords at least)")) {
            try EmbeddedTask(config: config)
        }
        config = EmbeddedTaskConfig()
        config.maximumMargin = 8
        #expect(throws: DatasetError.invalidConfiguration(field: "maximumMargin", reason: "8 is outside 1…7 (maximumSentimentWords at most)")) {
            try EmbeddedTask(config: config)
        }
    }
}
