import FTFTData
import FTFTDeterminism
import Testing

/// The seeded stratified split: its stated rule, checked on synthetic sets.
struct SplitTests {
    /// 3 classes with 7, 50 and 1 examples, interleaved irregularly.
    static func sample() -> LabeledDataset {
        var labels = [Int](repeating: 0, count: 7) + [Int](repeating: 1, count: 50) + [2]
        var stream = SeededRandom(seed: 99).stream(.testing)
        labels = stream.permutation(labels.count).map { labels[$0] }
        let examples = labels.enumerated().map { TextExample(id: "e\($0)", text: "t\($0)", label: $1, line: $0 + 2) }
        return LabeledDataset(name: "toy", labelNames: ["a", "b", "c"], examples: examples)
    }

    @Test func followsTheStatedRule() throws {
        let set = Self.sample()
        let (train, validation) = try set.stratifiedSplit(validationFraction: 0.2, random: SeededRandom(seed: 5))
        // v_c = ⌊0.2·n_c + ½⌋: 7 → 1, 50 → 10, 1 → 0.
        #expect(validation.labelCounts() == [1, 10, 0])
        #expect(train.labelCounts() == [6, 40, 1])
        #expect(train.name == "toy" && validation.name == "toy_validation")
        // Disjoint, complete, and each in original file order.
        let all = (train.examples + validation.examples).map(\.id)
        #expect(Set(all) == Set(set.examples.map(\.id)) && all.count == set.count)
        let position = Dictionary(uniqueKeysWithValues: set.examples.enumerated().map { ($1.id, $0) })
        for part in [train, validation] {
            let order = part.examples.compactMap { position[$0.id] }
            #expect(order == order.sorted())
        }
        // The validation members of class b are the first 10 of that class's permutation.
        var stream = SeededRandom(seed: 5).stream(.split, 0, 1)
        let classB = set.examples.enumerated().filter { $0.element.label == 1 }.map(\.element.id)
        let chosen = Set(stream.permutation(classB.count).prefix(10).map { classB[$0] })
        #expect(Set(validation.examples.filter { $0.label == 1 }.map(\.id)) == chosen)
    }

    @Test func deterministicPerSeedAndSplitID() throws {
        let set = Self.sample()
        let a = try set.stratifiedSplit(validationFraction: 0.3, random: SeededRandom(seed: 1))
        let b = try set.stratifiedSplit(validationFraction: 0.3, random: SeededRandom(seed: 1))
        let c = try set.stratifiedSplit(validationFraction: 0.3, random: SeededRandom(seed: 2))
        let d = try set.stratifiedSplit(validationFraction: 0.3, random: SeededRandom(seed: 1), splitID: 1)
        #expect(a.validation == b.validation && a.train == b.train)
        #expect(a.validation.examples.map(\.id) != c.validation.examples.map(\.id))
        #expect(a.validation.examples.map(\.id) != d.validation.examples.map(\.id))
    }

    @Test func edgesAndErrors() throws {
        let set = Self.sample()
        let none = try set.stratifiedSplit(validationFraction: 0, random: SeededRandom(seed: 1))
        #expect(none.validation.count == 0 && none.train == set)
        let everything = try set.stratifiedSplit(validationFraction: 1, random: SeededRandom(seed: 1))
        #expect(everything.train.count == 0 && everything.validation.examples == set.examples)
        #expect(throws: DatasetError.invalidSplit(dataset: "toy", reason: "validation fraction 1.5 is outside [0, 1]")) {
            try set.stratifiedSplit(validationFraction: 1.5, random: SeededRandom(seed: 1))
        }
    }
}
