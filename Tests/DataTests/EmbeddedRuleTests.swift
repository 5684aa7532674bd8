import FTFTData
import Testing

/// The embedded task's "real rule", written independently of the generator: parse the premise into the
/// relations it asserts and accept the hypothesis iff it states one of them with the same roles, each noun
/// possibly replaced by its category word, adjectives only those the premise gives that noun. If the
/// generator is consistent, this oracle scores 100 % on the clean labels of every set; so the task is
/// learnable in principle, and only the shortcut-breaking minority separates it from the overlap heuristic.
struct EmbeddedRuleTests {
    struct Relation { let subject: String, verb: String, object: String }

    /// Relations of `the [adj] S [who V2 the N4] V the [adj] O [near the N3 | in the P]`, and each noun's adjective.
    static func parse(premise: String) -> (relations: [Relation], adjectives: [String: String])? {
        var words = premise.split(separator: " ").map(String.init)
        var adjectives: [String: String] = [:]
        func noun() -> String? {  // consumes "the [adj] N"
            guard words.first == "the" else { return nil }
            words.removeFirst()
            var adjective: String?
            if let w = words.first, EmbeddedVocabulary.adjectives.contains(w) { adjective = w; words.removeFirst() }
            guard let n = words.first, EmbeddedVocabulary.nouns.contains(n) || EmbeddedVocabulary.places.contains(n) else { return nil }
            words.removeFirst()
            if let adjective { adjectives[n] = adjective }
            return n
        }
        guard let subject = noun() else { return nil }
        var relations: [Relation] = []
        if words.first == "who" {
            words.removeFirst()
            guard let verb = words.first else { return nil }
            words.removeFirst()
            guard let object = noun() else { return nil }
            relations.append(Relation(subject: subject, verb: verb, object: object))
        }
        guard let verb = words.first, EmbeddedVocabulary.verbs.contains(verb) else { return nil }
        words.removeFirst()
        guard let object = noun() else { return nil }
        relations.append(Relation(subject: subject, verb: verb, object: object))
        if let preposition = words.first, ["near", "in"].contains(preposition) {
            words.removeFirst()
            guard noun() != nil else { return nil }
        }
        return words.isEmpty ? (relations, adjectives) : nil
    }

    static func entailed(premise: String, hypothesis: String) -> Int? {
        guard let (relations, adjectives) = parse(premise: premise) else { return nil }
        let h = hypothesis.split(separator: " ").map(String.init)
        // the [adj] X verb the [adj] Y
        var i = 0
        func phrase() -> (adjective: String?, word: String)? {
            guard i < h.count, h[i] == "the" else { return nil }
            i += 1
            var adjective: String?
            if i < h.count, EmbeddedVocabulary.adjectives.contains(h[i]) { adjective = h[i]; i += 1 }
            guard i < h.count else { return nil }
            defer { i += 1 }
            return (adjective, h[i])
        }
        guard let x = phrase(), i < h.count else { return nil }
        let verb = h[i]
        i += 1
        guard let y = phrase(), i == h.count else { return nil }
        func matches(_ part: (adjective: String?, word: String), _ noun: String) -> Bool {
            let word = part.word == noun || part.word == EmbeddedVocabulary.category(of: noun)
            return word && (part.adjective == nil || part.adjective == adjectives[noun])
        }
        return relations.contains { $0.verb == verb && matches(x, $0.subject) && matches(y, $0.object) } ? 0 : 1
    }

    @Test func theRealRuleExplainsEveryCleanLabel() throws {
        // The default task, and a small one where every premise has every optional part.
        var dense = EmbeddedTaskConfig(seed: 1)
        (dense.trainSize, dense.validationSize, dense.oodDevSize, dense.oodTestSize) = (600, 100, 300, 300)
        (dense.adjectiveProbability, dense.relativeClauseProbability, dense.prepositionalPhraseProbability) = (1, 1, 1)
        for config in [EmbeddedTaskConfig(), dense] {
            let seed = config.seed
            let task = try EmbeddedTask(config: config)
            for set in [task.train, task.validation, task.oodDev, task.oodTest] {
                var wrong: [String] = []
                for example in set.examples {
                    let oracle = Self.entailed(premise: example.text, hypothesis: example.textPair ?? "")
                    if oracle.map(String.init) != example.metadata["clean_label"] {
                        wrong.append("\(example.metadata["kind"] ?? "?"): \(example.text) / \(example.textPair ?? "")")
                    }
                }
                #expect(wrong.isEmpty, "\(set.name), seed \(seed): \(wrong.count) disagreements, e.g. \(wrong.prefix(3))")
            }
        }
    }
}
