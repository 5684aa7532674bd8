import FTFTData
import Testing

/// The embedded task's real rule, re-derived from the sentence alone, independently of the generator: count the
/// positive and the negative sentiment words and take the majority. If the generator is consistent, this oracle
/// scores 100 % on the clean labels of every set (so the task is learnable in principle), every sentence has
/// exactly one topic word, no ties, and lengths and counts within the configured bounds.
struct EmbeddedOracleTests {
    struct Reading { let positive: Int, negative: Int, topics: [String], length: Int }

    static func read(_ text: String) -> Reading {
        let words = text.split(separator: " ").map(String.init)
        let topics = Set(EmbeddedVocabulary.topics.flatMap { $0 })
        return Reading(positive: words.filter { EmbeddedVocabulary.positiveWords.contains($0) }.count,
                       negative: words.filter { EmbeddedVocabulary.negativeWords.contains($0) }.count,
                       topics: words.filter { topics.contains($0) }, length: words.count)
    }

    @Test(arguments: [false, true])
    func theRealRuleExplainsEveryCleanLabel(wide: Bool) throws {
        // The default task, and a small one with wider margins, more words and fewer sentiment words.
        var config = EmbeddedTaskConfig(seed: wide ? 5 : 0)
        if wide {
            (config.trainSize, config.validationSize, config.oodDevSize, config.oodTestSize) = (600, 100, 300, 300)
            (config.maximumSentimentWords, config.maximumMargin, config.sentimentWordsPerPolarity) = (9, 4, 12)
            (config.minimumLength, config.maximumLength) = (10, 10)
        }
        let task = try EmbeddedTask(config: config)
        var margins: Set<Int> = [], counts: Set<Int> = []
        for set in [task.train, task.validation, task.oodDev, task.oodTest] {
            var wrong: [String] = []
            for example in set.examples {
                let r = Self.read(example.text)
                let oracle = r.positive > r.negative ? 1 : 0
                let margin = abs(r.positive - r.negative)
                let fine = r.positive != r.negative && String(oracle) == example.metadata["clean_label"]
                    && r.topics.count == 1 && example.metadata["topic"] == r.topics.first
                    && (config.minimumLength...config.maximumLength).contains(r.length)
                    && (1...config.maximumSentimentWords).contains(r.positive + r.negative) && margin <= config.maximumMargin
                    && example.metadata["margin"] == String(margin)
                    && example.metadata["sentiment_words"] == String(r.positive + r.negative)
                if !fine { wrong.append(example.text) }
                margins.insert(margin)
                counts.insert(r.positive + r.negative)
            }
            #expect(wrong.isEmpty, "\(set.name): \(wrong.count) disagreements, e.g. \(wrong.prefix(3))")
        }
        // Every allowed margin and every allowed number of sentiment words occurs.
        #expect(margins == Set(1...config.maximumMargin))
        let allowed = (1...config.maximumSentimentWords).filter { n in
            (1...config.maximumMargin).contains { m in (n - m) % 2 == 0 && m <= n }
        }
        #expect(counts == Set(allowed))
        // Only the first `sentimentWordsPerPolarity` sentiment words are used.
        let used = Set(task.train.examples.flatMap { $0.text.split(separator: " ").map(String.init) })
        let sentiment = EmbeddedVocabulary.positiveWords + EmbeddedVocabulary.negativeWords
        #expect(used.filter { sentiment.contains($0) }.count <= 2 * config.sentimentWordsPerPolarity)
        #expect(used.isSubset(of: Set(EmbeddedVocabulary.tokens)))
    }
}
