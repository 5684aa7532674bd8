import FTFTDeterminism

/// The sentence generator behind `EmbeddedTask`: one sentence of a given clean label and topic group. Only
/// integer draws are used (`nextInt(below:)`, `permutation`), so it is machine-independent.
struct SentenceGenerator {
    var stream: RandomStream
    let config: EmbeddedTaskConfig
    typealias V = EmbeddedVocabulary

    /// Every (majority, minority) count with majority > minority ≥ 0, majority + minority ≤ `maximum` and
    /// majority − minority ≤ `maximumMargin`, in a fixed order: for 5 and 5, (1,0) (2,0) (2,1) (3,0) (3,1) (3,2)
    /// (4,0) (4,1) (5,0).
    static func sentimentCounts(maximum: Int, maximumMargin: Int) -> [(majority: Int, minority: Int)] {
        (1...maximum).flatMap { majority in
            (0..<majority).filter { majority + $0 <= maximum && majority - $0 <= maximumMargin }
                .map { (majority: majority, minority: $0) }
        }
    }

    mutating func pick(_ items: [String]) -> String { items[stream.nextInt(below: items.count)] }

    /// Zipf weights of the sentiment words: word k has weight ⌊2520 / (k + 1)⌋ (integers, so draws are exact).
    static func sentimentWeights(count: Int) -> [Int] { (0..<count).map { 2520 / ($0 + 1) } }

    /// A sentiment word of `polarity`, drawn with `sentimentWeights` from the first
    /// `config.sentimentWordsPerPolarity` words.
    mutating func sentimentWord(_ polarity: Int) -> String {
        let weights = Self.sentimentWeights(count: config.sentimentWordsPerPolarity)
        var r = stream.nextInt(below: weights.reduce(0, +))
        for (k, w) in weights.enumerated() {
            if r < w { return V.sentimentWords[polarity][k] }
            r -= w
        }
        return V.sentimentWords[polarity][weights.count - 1]  // not reached: r < the sum of the weights
    }

    /// A sentence whose sentiment-word majority has polarity `label` and whose topic word is one of
    /// `topics[topicGroup]`: the topic word, the sentiment words and fillers up to a drawn length, in a random
    /// order. Returns the text, the topic word and the margin (majority − minority count).
    mutating func sentence(label: Int, topicGroup: Int) -> (text: String, topic: String, margin: Int, sentimentWords: Int) {
        let choices = Self.sentimentCounts(maximum: config.maximumSentimentWords, maximumMargin: config.maximumMargin)
        let counts = choices[stream.nextInt(below: choices.count)]
        let length = config.minimumLength + stream.nextInt(below: config.maximumLength - config.minimumLength + 1)
        let topic = pick(V.topics[topicGroup])
        var words = [topic]
        words += (0..<counts.majority).map { _ in sentimentWord(label) }
        words += (0..<counts.minority).map { _ in sentimentWord(1 - label) }
        let fillerCount = length - words.count
        words += (0..<fillerCount).map { _ in pick(V.fillers) }
        let order = stream.permutation(words.count)
        return (order.map { words[$0] }.joined(separator: " "), topic, counts.majority - counts.minority,
                counts.majority + counts.minority)
    }
}
