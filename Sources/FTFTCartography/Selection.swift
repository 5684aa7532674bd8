import FTFTDeterminism

/// Which region of the data map to select (method.md §4; paper §2 and §4.3).
public enum SelectionMode: String, Sendable, CaseIterable, Codable {
    /// Highest variability.
    case ambiguous
    /// Lowest confidence.
    case hardToLearn = "hard"
    /// Neither ambiguous nor hard-to-learn at the same rate and rule: |easy| = N − |A ∪ H| (paper §4.3, Table 4).
    case easy
    /// A uniformly random subset, seeded.
    case random
}

/// How many examples a rate selects and how ties are treated (`SelectionRules` has the formulas).
public enum SelectionRule: String, Sendable, CaseIterable, Codable {
    /// Default: exactly round(rate·N) examples, ranked by score with ties broken by file order (stable).
    case exact
    /// FTFT's: score strictly greater than torch 2.0.1's float32 `quantile` at 1 − rate.
    case ftft
    /// Cartography's: the first int(fraction·N)+1 rows of the sorted table (0.33 → 0.3319).
    case cartography
}

/// One selected subset.
public struct Selection: Sendable, Equatable {
    public let mode: SelectionMode
    public let rule: SelectionRule
    public let rate: Double
    public let stratified: Bool
    /// Positions in the data map, ascending: training-file order.
    public let indices: [Int]
    public let ids: [String]
    /// Per stratum (class, or one stratum when not stratified): the FTFT threshold, or the last selected score
    /// under the ranking rules; nil for random and easy selections and for empty strata.
    public let boundaries: [Double?]
}

/// Selects subsets of a data map (see `SelectionMode`, `SelectionRule`).
public enum Selector {
    /// Selects for every rate in one pass (one sort per stratum serves all rates). Random selections for
    /// several rates are nested: each is a prefix of the same seeded permutation, drawn from
    /// `SeededRandom(seed).stream(.subsample, selectionIndex, stratum)`.
    /// Stratification (by gold label) applies the rule within each class at the same rate; it needs labels.
    public static func select(_ map: DataMap, mode: SelectionMode, rates: [Double], rule: SelectionRule = .exact,
                              stratifyByClass: Bool = false, seed: UInt64 = 0, selectionIndex: UInt64 = 0) throws -> [Selection] {
        for rate in rates where !(rate >= 0 && rate <= 1) { throw CartographyError.invalidRate(rate) }
        let strata = try self.strata(map, stratifyByClass: stratifyByClass)
        func make(_ rate: Double, _ indices: [Int], _ boundaries: [Double?]) -> Selection {
            let sorted = indices.sorted()
            return Selection(mode: mode, rule: rule, rate: rate, stratified: stratifyByClass, indices: sorted,
                             ids: sorted.map { map.exampleIDs[$0] }, boundaries: boundaries)
        }
        switch mode {
        case .ambiguous, .hardToLearn:
            let ranked = try rankedSelections(map, mode: mode, rates: rates, rule: rule, strata: strata)
            return zip(rates, ranked).map { make($0, $1.indices, $1.boundaries) }
        case .easy:
            let ambiguous = try rankedSelections(map, mode: .ambiguous, rates: rates, rule: rule, strata: strata)
            let hard = try rankedSelections(map, mode: .hardToLearn, rates: rates, rule: rule, strata: strata)
            return rates.indices.map { r in
                var excluded = [Bool](repeating: false, count: map.exampleCount)
                for i in ambiguous[r].indices { excluded[i] = true }
                for i in hard[r].indices { excluded[i] = true }
                return make(rates[r], (0..<map.exampleCount).filter { !excluded[$0] }, [])
            }
        case .random:
            let random = SeededRandom(seed: seed)
            var chosen = [[Int]](repeating: [], count: rates.count)
            for (s, members) in strata.enumerated() {
                var stream = random.stream(.subsample, selectionIndex, UInt32(s))
                let order = stream.permutation(members.count).map { members[$0] }
                let counts: [Int]
                if rule == .exact && strata.count > 1 {
                    counts = rates.map { SelectionRules.exactCounts(rate: $0, strataSizes: strata.map(\.count))[s] }
                } else {
                    counts = rates.map { SelectionRules.randomCount(rule: rule, rate: $0, count: members.count) }
                }
                for r in rates.indices { chosen[r].append(contentsOf: order.prefix(counts[r])) }
            }
            return rates.indices.map { make(rates[$0], chosen[$0], []) }
        }
    }

    /// Ambiguous or hard-to-learn subsets for each rate: indices (unsorted) and one boundary per stratum.
    static func rankedSelections(_ map: DataMap, mode: SelectionMode, rates: [Double], rule: SelectionRule,
                                 strata: [[Int]]) throws -> [(indices: [Int], boundaries: [Double?])] {
        var results = rates.map { _ in (indices: [Int](), boundaries: [Double?]()) }
        switch rule {
        case .exact, .cartography:
            let scores = mode == .ambiguous ? map.variability : map.confidence.map { -$0 }
            let sizes = strata.map(\.count)
            for (s, members) in strata.enumerated() {
                let ranked = SelectionRules.rankDescending(scores, among: members)
                for (r, rate) in rates.enumerated() {
                    let k = rule == .exact
                        ? (strata.count > 1 ? SelectionRules.exactCounts(rate: rate, strataSizes: sizes)[s]
                                            : SelectionRules.exactCount(rate: rate, count: members.count))
                        : SelectionRules.cartographyCount(rate: rate, count: members.count)
                    let chosen = ranked.prefix(k)
                    results[r].indices.append(contentsOf: chosen)
                    let boundary = chosen.last.map { mode == .ambiguous ? scores[$0] : -scores[$0] }
                    results[r].boundaries.append(boundary)
                }
            }
        case .ftft:
            if map.ftft == nil, let e = map.epochCount {
                // FTFT's ddof-1 σ is NaN for E = 1 and its selection then crashes (method.md §8.6).
                throw CartographyError.tooFewEpochs(needed: 2, available: e, reason: "the FTFT selection rule")
            }
            let ftft = map.ftftScoresOrRounded
            let scores = mode == .ambiguous ? ftft.variability : ftft.confidence.map { -$0 }
            if let bad = scores.firstIndex(where: { $0.isNaN }) {
                throw CartographyError.nonFiniteScore(id: map.exampleIDs[bad],
                                                      field: mode == .ambiguous ? "FTFT variability" : "FTFT confidence")
            }
            for members in strata {
                for (r, rate) in rates.enumerated() {
                    let (chosen, threshold) = SelectionRules.ftftSelect(scores, among: members, rate: rate)
                    results[r].indices.append(contentsOf: chosen)
                    results[r].boundaries.append(members.isEmpty ? nil : Double(threshold))
                }
            }
        }
        return results
    }

    /// The strata: one (all positions) unless stratifying, then one per class 0..<C present in the labels.
    static func strata(_ map: DataMap, stratifyByClass: Bool) throws -> [[Int]] {
        guard stratifyByClass else { return [Array(0..<map.exampleCount)] }
        guard let gold = map.goldLabels else { throw CartographyError.labelsRequired(reason: "stratified selection") }
        let classes = (gold.max() ?? 0) + 1
        var strata = [[Int]](repeating: [], count: classes)
        for (i, y) in gold.enumerated() { strata[y].append(i) }
        return strata
    }
}
