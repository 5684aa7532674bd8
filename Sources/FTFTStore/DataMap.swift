/// A data map's id in its store.
public struct DataMapID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public var description: String { "data map \(rawValue)" }
}

/// The options a data map was computed with (method.md §3); a run has at most one map per options value.
public struct DataMapOptions: Hashable, Sendable {
    /// Which recorded dynamics it was computed from.
    public var dynamicsMode: DynamicsMode
    /// Variability's degrees of freedom: 1 = sample std (FTFT), 0 = population std (cartography).
    public var ddof: Int
    /// Burn-out: statistics over the first `epochsUsed` epochs (all epochs when it equals their number).
    public var epochsUsed: Int
    /// Cartography's `--include_ci` variability, sqrt(var + var²/(E−1)).
    public var includeCI: Bool

    public init(dynamicsMode: DynamicsMode = .trainingPass, ddof: Int, epochsUsed: Int, includeCI: Bool = false) {
        self.dynamicsMode = dynamicsMode
        self.ddof = ddof
        self.epochsUsed = epochsUsed
        self.includeCI = includeCI
    }
}

/// Per-example statistics of a data map in columns (N examples). Read back, they are in training-file
/// order (ascending example index), whatever order they were saved in.
public struct DataMapEntries: Sendable, Equatable {
    /// [N]
    public var exampleIndices: [Int]
    /// [N]
    public var exampleIDs: [String]
    /// [N] mean gold-class probability.
    public var confidence: [Double]
    /// [N] std of the gold-class probability; NaN where undefined (one epoch with ddof 1).
    public var variability: [Double]
    /// [N] number of epochs (a count, not a fraction) in which the argmax was the gold class.
    public var correctness: [Int]
    /// [N] forgetting events (cartography's 1000 for never learnt), if computed.
    public var forgetfulness: [Int]?
    /// [N] μ(1−μ), if computed.
    public var thresholdCloseness: [Double]?

    public init(exampleIndices: [Int], exampleIDs: [String], confidence: [Double], variability: [Double],
                correctness: [Int], forgetfulness: [Int]? = nil, thresholdCloseness: [Double]? = nil) {
        self.exampleIndices = exampleIndices
        self.exampleIDs = exampleIDs
        self.confidence = confidence
        self.variability = variability
        self.correctness = correctness
        self.forgetfulness = forgetfulness
        self.thresholdCloseness = thresholdCloseness
    }

    public var count: Int { exampleIndices.count }

    /// Equality that treats NaN as equal to NaN (variability of a one-epoch map).
    public static func == (a: DataMapEntries, b: DataMapEntries) -> Bool {
        func same(_ x: [Double], _ y: [Double]) -> Bool {
            x.count == y.count && zip(x, y).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
        }
        func same(_ x: [Double]?, _ y: [Double]?) -> Bool {
            switch (x, y) {
            case (nil, nil): return true
            case let (x?, y?): return same(x, y)
            default: return false
            }
        }
        return a.exampleIndices == b.exampleIndices && a.exampleIDs == b.exampleIDs && same(a.confidence, b.confidence)
            && same(a.variability, b.variability) && a.correctness == b.correctness
            && a.forgetfulness == b.forgetfulness && same(a.thresholdCloseness, b.thresholdCloseness)
    }
}

/// A stored data map.
public struct StoredDataMap: Sendable, Equatable {
    public var id: DataMapID
    public var run: RunID
    public var options: DataMapOptions
    public var entries: DataMapEntries
}
