import FTFTTensors

/// How each pass's shuffled order is cut into training batches.
///
/// - `random`: consecutive batches of the pass's permutation (FTFT's, and today's default).
/// - `lengthGrouped(megaBatchMult: k)`: Hugging Face's `group_by_length` idea (`LengthGroupedSampler`): cut the
///   permutation into mega-batches of k·B examples, sort each by length (longest first, ties in permutation order),
///   cut it into batches of B, then shuffle the full batches. Batches hold examples of similar length, so they pad
///   far less; the pass still visits every example once, in an order that is random at the batch level.
///
/// Both draw only from `random.stream(.shuffle, epoch)` (the permutation first, then the batch shuffle), so an
/// epoch's order is a function of (seed, epoch, examples) and a resumed run recomputes it exactly. The first
/// ⌈N/B⌉ − 1 batches are full and the last holds the rest (N mod B, or B), as with random batching: the remainder
/// batch is not shuffled, so batch b is always `order[b·B ..< min((b+1)·B, N)]`.
public enum TrainingBatching: Equatable, Sendable {
    case random
    case lengthGrouped(megaBatchMult: Int)

    /// Hugging Face's cap on `mega_batch_mult` (its default is min(N / (4·B), 50)); ftft uses 50 unless told.
    public static let defaultMegaBatchMult = 50

    /// The name used in experiment files and records.
    public var name: String {
        switch self {
        case .random: return "random"
        case .lengthGrouped: return "length_grouped"
        }
    }

    /// Positions into the training set in the order pass `epoch` visits them (see the type's comment).
    /// `lengths[i]` is example i's token count.
    public func order(lengths: [Int], batchSize B: Int, random: SeededRandom, epoch: Int) -> [Int] {
        var stream = random.stream(.shuffle, UInt64(epoch))
        let permutation = stream.permutation(lengths.count)
        guard case .lengthGrouped(let k) = self else { return permutation }
        let N = lengths.count, megaBatch = k * B
        var grouped: [Int] = []
        grouped.reserveCapacity(N)
        var start = 0
        while start < N {
            let end = min(start + megaBatch, N)
            // Longest first; equal lengths keep their permutation order (the sort is made stable by position).
            let members = (start..<end).sorted { a, b in
                let (la, lb) = (lengths[permutation[a]], lengths[permutation[b]])
                return la != lb ? la > lb : a < b
            }
            grouped += members.map { permutation[$0] }
            start = end
        }
        // Shuffle the full batches (the remainder batch, if any, stays last).
        let fullBatches = N / B
        let batchOrder = stream.permutation(fullBatches)
        var order: [Int] = []
        order.reserveCapacity(N)
        for b in batchOrder { order += grouped[(b * B) ..< ((b + 1) * B)] }
        order += grouped[(fullBatches * B)...]
        return order
    }
}

extension TrainingBatching: Codable {
    private enum CodingKeys: String, CodingKey {
        case kind
        case megaBatchMult
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "random": self = .random
        case "length_grouped": self = .lengthGrouped(megaBatchMult: try c.decode(Int.self, forKey: .megaBatchMult))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown batching \(other)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .kind)
        if case .lengthGrouped(let k) = self { try c.encode(k, forKey: .megaBatchMult) }
    }
}
