/// The counting and thresholding rules behind selection, as small pure functions (method.md §4). Indices are
/// positions in the data map (training-file order); "scores" are oriented so that larger means "select first"
/// (variability for ambiguous, −confidence for hard-to-learn).
public enum SelectionRules {
    // MARK: Default rule: an exact count

    /// round(rate·N), halves away from zero (`Double.rounded()`): the default rule's count.
    public static func exactCount(rate: Double, count n: Int) -> Int {
        Int((rate * Double(n)).rounded())
    }

    /// Apportions `exactCount(rate, Σ sizes)` over strata by the largest-remainder (Hamilton) method: every
    /// stratum gets floor(rate·n_s) or one more, the total is exactly round(rate·N), and the extra units go to
    /// the largest fractional parts (ties to the lower stratum index).
    public static func exactCounts(rate: Double, strataSizes sizes: [Int]) -> [Int] {
        let total = exactCount(rate: rate, count: sizes.reduce(0, +))
        let quotas = sizes.map { rate * Double($0) }
        var counts = quotas.map { Int($0.rounded(.down)) }
        var remaining = total - counts.reduce(0, +)
        let order = quotas.indices.sorted { a, b in
            let fa = quotas[a] - Double(counts[a]), fb = quotas[b] - Double(counts[b])
            return fa != fb ? fa > fb : a < b
        }
        for s in order where remaining > 0 && counts[s] < sizes[s] {
            counts[s] += 1
            remaining -= 1
        }
        return counts
    }

    /// The positions of `among` ordered by `scores` descending, ties broken by position ascending (earlier in
    /// the file first): the stable tie-break of the exact and cartography rules.
    public static func rankDescending(_ scores: [Double], among: [Int]) -> [Int] {
        // Sorting (score, position) pairs held contiguously is several times faster than sorting positions
        // through a closure that looks the scores up.
        var keyed = among.map { RankKey(score: scores[$0], position: $0) }
        keyed.sort()
        return keyed.map(\.position)
    }

    /// Orders by score descending, then position ascending.
    struct RankKey: Comparable {
        let score: Double
        let position: Int
        static func < (a: RankKey, b: RankKey) -> Bool {
            a.score != b.score ? a.score > b.score : a.position < b.position
        }
    }

    // MARK: Cartography's rule

    /// The fraction cartography actually uses for a requested rate. Its selection loop runs over
    /// [0.01, 0.05, 0.10, 0.1667, 0.25, 0.3319, 0.50, 0.75] and names each output folder with the fraction
    /// printed to two decimals (`C:train_dy_filtering.py L198-201`), so "0.33" means 0.3319 and "0.17" means
    /// 0.1667; any other rate is used as given.
    public static func cartographyFraction(rate: Double) -> Double {
        if rate == 0.33 { return 0.3319 }
        if rate == 0.17 { return 0.1667 }
        return rate
    }

    /// Cartography's count: int(fraction·N) + 1 rows of the sorted table (`head(n+1)`, `C:L209-212`; the log
    /// message says n), never more than N. N here is the number of examples in the data map (cartography uses
    /// the number of rows of the original training file, which is the same when every example was trained on).
    public static func cartographyCount(rate: Double, count n: Int) -> Int {
        min(n, Int(cartographyFraction(rate: rate) * Double(n)) + 1)
    }

    // MARK: FTFT's rule

    /// torch 2.0.1's `torch.quantile(scores, q)` for float32 input and linear interpolation, as FTFT calls it
    /// (method.md §4.1): q is rounded to float32; with s the scores sorted ascending, rank = float32(q·(N−1)),
    /// lo = trunc(rank), hi = ceil(rank), w = rank − lo (float32), d = s[hi] − s[lo] (float32), and torch's
    /// lerp gives s[lo] + w·d if |w| < 0.5, else s[hi] − d·(1 − w).
    ///
    /// The lerp's multiply-add is *fused* (one rounding): torch 2.0.1's CPU kernel is compiled with FMA for its
    /// AVX2 and AVX-512 builds, which x86-64 machines of FTFT's era run. Measured with torch 2.0.1 on this
    /// machine kind (`golden/cartography/check_torch_quantile.py`): fused matches 20,000 of 20,000 random
    /// cases, separately rounded products (method.md's wording, and torch on CPUs without FMA) 19,991. Pass
    /// `fusedMultiplyAdd: false` for the latter. (Newer torch, e.g. 2.15, computes the rank in float64 and
    /// differs more often; FTFT pins 2.0.1.) Returns NaN if any score is NaN, as torch does.
    /// `sortedAscending` must be sorted (NaN last) and non-empty.
    public static func torchQuantile(sortedAscending s: [Float], q: Double, fusedMultiplyAdd: Bool = true) -> Float {
        let n = s.count
        if s[n - 1].isNaN { return .nan }
        let qf = Float(q)
        let rank: Float = qf * Float(n - 1)
        let lo = Int(rank)
        let hi = Int(rank.rounded(.up))
        let w: Float = rank - Float(lo)
        let a = s[lo], b = s[hi]
        let d: Float = b - a
        if abs(w) < 0.5 {
            if fusedMultiplyAdd { return a.addingProduct(w, d) }
            let step: Float = w * d
            return a + step
        }
        let complement: Float = 1 - w
        if fusedMultiplyAdd { return b.addingProduct(-d, complement) }
        let step: Float = d * complement
        return b - step
    }

    /// FTFT's selection (`F:utils.py L259-270`): the positions whose score is strictly greater than
    /// `torchQuantile(scores, 1 − rate)`, in position order. No sort of the output, no top-k: ties at the
    /// threshold are all excluded, ties above it all included, and the float32 lerp can land exactly on the
    /// next score, which ">" then drops (the WinoGrande case, 13,331 instead of 13,332). q = 1 − rate is
    /// computed in float64 first, as Python does (0.6699999999999999 for 0.33), then rounded to float32.
    public static func ftftSelect(_ scores: [Float], among: [Int], rate: Double) -> (selected: [Int], threshold: Float) {
        guard !among.isEmpty else { return ([], .nan) }
        var values = among.map { scores[$0] }
        // A NaN makes torch's quantile NaN, and nothing compares greater than NaN.
        if values.contains(where: \.isNaN) { return ([], .nan) }
        values.sort()
        let threshold = torchQuantile(sortedAscending: values, q: 1 - rate)
        return (among.filter { scores[$0] > threshold }, threshold)
    }

    // MARK: Random subsets

    /// How many examples a random subset takes under each rule: exact round(rate·N); FTFT's random baseline
    /// floor(rate·N) (`F:train.py L100-104`); cartography's `random_filtering.py` int(rate·N) with the rate
    /// as given (0.33, not 0.3319; no +1).
    public static func randomCount(rule: SelectionRule, rate: Double, count n: Int) -> Int {
        switch rule {
        case .exact: return exactCount(rate: rate, count: n)
        case .ftft, .cartography: return min(n, Int((rate * Double(n)).rounded(.down)))
        }
    }
}
