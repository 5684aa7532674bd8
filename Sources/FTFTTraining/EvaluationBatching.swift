/// How an evaluation set is cut into batches. Evaluation keeps no gradient and no activations between layers,
/// so its batches can be far larger than training's; they are bounded by examples and by padded tokens (B·T,
/// which is what activation memory grows with).
///
/// With `order == .length` the set is sorted by length once (longest first, ties by position: a permutation kept
/// with the set, `EvaluationBatches`) and cut into the batches that cost least: Σ over batches of (padded tokens
/// + `batchOverheadTokens`), within the bounds. With `order == .dataSet` batches are consecutive examples in
/// data-set order, as many as the bounds allow (FTFT's loop). The logits are returned in data-set order either way.
public struct EvaluationBatching: Codable, Equatable, Sendable {
    public enum Order: String, Codable, Sendable, CaseIterable {
        /// Batches of consecutive examples in data-set order (FTFT's evaluation loop).
        case dataSet = "data_set"
        /// Batches of consecutive examples in length order.
        case length
    }

    public var order: Order
    /// At most this many examples per batch (`eval_batch_size`); nil: no limit besides `maxTokens`.
    public var maxExamples: Int?
    /// At most this many padded tokens B·T per batch (`eval_batch_tokens`; a longer single example still makes a
    /// batch of one); nil: no limit besides `maxExamples`.
    public var maxTokens: Int?
    /// Length order only: what one more batch (forward call) costs beside its tokens, in padded-token
    /// equivalents. 0 would put every length in a batch of its own; large values fill batches up to the bounds
    /// whatever the padding.
    public var batchOverheadTokens: Int

    /// ftft's default: by length, at most 8,192 padded tokens per batch (= FTFT's 64 examples at length 128,
    /// in ≈ 0.6 GB: the evaluation pass keeps two layers' activations, about 70 kB per padded token for MiniLM at
    /// T = 128), and a batch overhead of 64 tokens (measured on MiniLM-L3/L6 with 2 threads: a forward of 16
    /// tokens costs as much as 30–70 tokens in large batches; per padded token the cost is flat from B·T ≈ 64 up).
    public static let standard = EvaluationBatching(order: .length, maxExamples: nil, maxTokens: 8192, batchOverheadTokens: 64)
    /// FTFT's evaluation loop: 64 examples per batch in data-set order.
    public static let ftft = EvaluationBatching(order: .dataSet, maxExamples: 64, maxTokens: nil)

    public init(order: Order, maxExamples: Int?, maxTokens: Int?, batchOverheadTokens: Int = 64) {
        self.order = order
        self.maxExamples = maxExamples
        self.maxTokens = maxTokens
        self.batchOverheadTokens = batchOverheadTokens
    }

    func validate() throws {
        if maxExamples == nil && maxTokens == nil {
            throw TrainingError.invalidConfiguration(field: "eval_batch_size", reason: "or eval_batch_tokens must bound evaluation batches")
        }
        if let maxExamples, maxExamples < 1 {
            throw TrainingError.invalidConfiguration(field: "eval_batch_size", reason: "must be positive (got \(maxExamples))")
        }
        if let maxTokens, maxTokens < 1 {
            throw TrainingError.invalidConfiguration(field: "eval_batch_tokens", reason: "must be positive (got \(maxTokens))")
        }
        if batchOverheadTokens < 0 {
            throw TrainingError.invalidConfiguration(field: "batch_overhead_tokens", reason: "must not be negative (got \(batchOverheadTokens))")
        }
    }
}

/// An evaluation set cut into batches once: `order` lists positions into the set in evaluation order (a
/// permutation), and `batches` are consecutive ranges of `order`. Made once per set and kept with it.
public struct EvaluationBatches: Sendable, Equatable {
    public let order: [Int]
    public let batches: [Range<Int>]

    public init(lengths: [Int], batching: EvaluationBatching) {
        let n = lengths.count
        func fits(count: Int, longest T: Int) -> Bool {
            count == 1 || ((batching.maxExamples.map { count <= $0 } ?? true) && (batching.maxTokens.map { count * T <= $0 } ?? true))
        }
        switch batching.order {
        case .dataSet:
            // As many consecutive examples as the bounds allow.
            var batches: [Range<Int>] = [], start = 0
            while start < n {
                var end = start + 1, longest = lengths[start]
                while end < n, fits(count: end - start + 1, longest: max(longest, lengths[end])) {
                    longest = max(longest, lengths[end])
                    end += 1
                }
                batches.append(start..<end)
                start = end
            }
            self.init(order: Array(0..<n), batches: batches)
        case .length:
            // Longest first, so a batch's padded length is its first example's. The cheapest cut into consecutive
            // batches by dynamic programming: cost[j] = min over i of cost[i] + (j − i)·L[i] + overhead, over the
            // batches [i, j) within the bounds (O(n · largest batch)).
            let order = (0..<n).sorted { a, b in lengths[a] != lengths[b] ? lengths[a] > lengths[b] : a < b }
            let L = order.map { lengths[$0] }
            var cost = [Int](repeating: 0, count: n + 1), start = [Int](repeating: 0, count: n + 1)
            for j in stride(from: 1, through: n, by: 1) {
                var best = Int.max, bestStart = j - 1
                var i = j - 1
                while i >= 0, fits(count: j - i, longest: L[i]) {
                    let c = cost[i] + (j - i) * L[i] + batching.batchOverheadTokens
                    if c < best { (best, bestStart) = (c, i) }
                    i -= 1
                }
                (cost[j], start[j]) = (best, bestStart)
            }
            var batches: [Range<Int>] = [], j = n
            while j > 0 {
                batches.append(start[j]..<j)
                j = start[j]
            }
            self.init(order: order, batches: batches.reversed())
        }
    }

    public init(examples: [EncodedExample], batching: EvaluationBatching) {
        self.init(lengths: examples.map(\.inputIds.count), batching: batching)
    }

    init(order: [Int], batches: [Range<Int>]) {
        self.order = order
        self.batches = batches
    }

    /// Padded tokens Σ B·T and real tokens of evaluating a set with these batches.
    public func tokenCounts(lengths: [Int]) -> (padded: Int, real: Int) {
        var padded = 0, real = 0
        for range in batches {
            let sizes = order[range].map { lengths[$0] }
            padded += sizes.count * (sizes.max() ?? 0)
            real += sizes.reduce(0, +)
        }
        return (padded, real)
    }
}
