import FTFTTensors

/// The sentence generator behind `EmbeddedTask`: draws one premise and builds a hypothesis of the asked-for
/// label and shortcut behaviour. Only integer and exact-double draws are used, so it is machine-independent.
struct Grammar {
    var stream: RandomStream
    let config: EmbeddedTaskConfig
    typealias V = EmbeddedVocabulary

    /// The parts of a premise: `the [adjS] S [who V2 the N4] V the [adjO] O [near the N3 | in the place]`.
    struct Premise {
        var subject: String, verb: String, object: String
        var subjectAdjective: String?, objectAdjective: String?
        var relative: (verb: String, noun: String)?
        var nearNoun: String?, place: String?

        var words: [String] {
            var w = ["the"] + (subjectAdjective.map { [$0] } ?? []) + [subject]
            if let relative { w += ["who", relative.verb, "the", relative.noun] }
            w += [verb, "the"] + (objectAdjective.map { [$0] } ?? []) + [object]
            if let nearNoun { w += ["near", "the", nearNoun] }
            if let place { w += ["in", "the", place] }
            return w
        }

        var nouns: [String] { [subject, object] + [relative?.noun, nearNoun].compactMap { $0 } }
        var verbs: [String] { [verb] + (relative.map { [$0.verb] } ?? []) }

        func adjective(of noun: String) -> String? {
            noun == subject ? subjectAdjective : noun == object ? objectAdjective : nil
        }
    }

    init(stream: RandomStream, config: EmbeddedTaskConfig) {
        self.stream = stream
        self.config = config
    }

    mutating func pick<T>(_ items: [T]) -> T { items[stream.nextInt(below: items.count)] }
    mutating func chance(_ p: Double) -> Bool { stream.nextUniformDouble() < p }
    mutating func pick(_ items: [String], excluding used: [String]) -> String { pick(items.filter { !used.contains($0) }) }

    mutating func premise() -> Premise {
        let subject = pick(V.nouns)
        let object = pick(V.nouns, excluding: [subject])
        let verb = pick(V.verbs)
        var p = Premise(subject: subject, verb: verb, object: object, subjectAdjective: nil, objectAdjective: nil,
                        relative: nil, nearNoun: nil, place: nil)
        if chance(config.adjectiveProbability) { p.subjectAdjective = pick(V.adjectives) }
        if chance(config.adjectiveProbability) { p.objectAdjective = pick(V.adjectives) }
        if chance(config.relativeClauseProbability) {
            p.relative = (pick(V.verbs, excluding: [verb]), pick(V.nouns, excluding: p.nouns))
        }
        if chance(config.prepositionalPhraseProbability) {
            if chance(0.5) { p.nearNoun = pick(V.nouns, excluding: p.nouns) } else { p.place = pick(V.places) }
        }
        return p
    }

    /// `the [adj] X verb the [adj] Y`, keeping a premise adjective of X or Y with `keepAdjectiveProbability`.
    mutating func clause(_ x: String, _ verb: String, _ y: String, in p: Premise, adjectiveOf: (String, String)? = nil) -> String {
        let (sourceX, sourceY) = adjectiveOf ?? (x, y)
        var words = ["the"]
        if let a = p.adjective(of: sourceX), chance(config.keepAdjectiveProbability) { words.append(a) }
        words += [x, verb, "the"]
        if let a = p.adjective(of: sourceY), chance(config.keepAdjectiveProbability) { words.append(a) }
        words.append(y)
        return words.joined(separator: " ")
    }

    mutating func example(entailment: Bool, breaking: Bool, wrongCategory: Bool) -> (premise: String, hypothesis: String, kind: String) {
        let p = premise()
        let premiseText = p.words.joined(separator: " ")
        let (s, v, o) = (p.subject, p.verb, p.object)
        let hypothesis: String, kind: String
        switch (entailment, breaking) {
        case (true, false):
            if let relative = p.relative, chance(0.5) {
                (hypothesis, kind) = (clause(s, relative.verb, relative.noun, in: p), "embedded_clause")
            } else {
                (hypothesis, kind) = (clause(s, v, o, in: p), "subsequence")
            }
        case (true, true):
            if chance(0.5) {
                hypothesis = clause(V.category(of: s), v, o, in: p, adjectiveOf: (s, o))
            } else {
                hypothesis = clause(s, v, V.category(of: o), in: p, adjectiveOf: (s, o))
            }
            kind = "hypernym"
        case (false, false):
            if wrongCategory {
                kind = "wrong_category"
                let wrong = { (noun: String) in V.category(of: noun) == "person" ? "animal" : "person" }
                hypothesis = chance(0.5) ? clause(wrong(s), v, o, in: p, adjectiveOf: (s, o))
                                         : clause(s, v, wrong(o), in: p, adjectiveOf: (s, o))
            } else {
                kind = "substitute"
                switch stream.nextInt(below: 3) {
                case 0: hypothesis = clause(pick(V.nouns, excluding: p.nouns), v, o, in: p)
                case 1: hypothesis = clause(s, pick(V.verbs, excluding: p.verbs), o, in: p)
                default: hypothesis = clause(s, v, pick(V.nouns, excluding: p.nouns), in: p)
                }
            }
        case (false, true):
            var kinds = ["swap"]
            if p.relative != nil { kinds.append("relative_subject") }
            if p.nearNoun != nil { kinds.append("prepositional_object") }
            kind = pick(kinds)
            switch kind {
            case "relative_subject": hypothesis = clause(p.relative?.noun ?? o, v, o, in: p)
            case "prepositional_object": hypothesis = clause(s, v, p.nearNoun ?? s, in: p)
            default: hypothesis = clause(o, v, s, in: p)
            }
        }
        return (premiseText, hypothesis, kind)
    }
}
