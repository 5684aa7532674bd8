import FTFTCartography

/// A selection's id in its store.
public struct SelectionID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public var description: String { "selection \(rawValue)" }
}

/// How a training subset was chosen, in the cartography module's vocabulary (`SelectionMode`,
/// `SelectionRule`; stored as their raw values, e.g. mode "ambiguous" | "hard" | "easy" | "random", rule
/// "exact" | "ftft" | "cartography"). The store keys selections by the whole specification.
public struct SelectionSpec: Hashable, Sendable {
    public var mode: SelectionMode
    /// Fraction of the pool, in (0, 1].
    public var rate: Double
    public var rule: SelectionRule
    public var stratified: Bool
    /// The seed of a random selection; nil when the selection is deterministic.
    public var seed: UInt64?

    public init(mode: SelectionMode, rate: Double, rule: SelectionRule, stratified: Bool = false, seed: UInt64? = nil) {
        self.mode = mode
        self.rate = rate
        self.rule = rule
        self.stratified = stratified
        self.seed = seed
    }
}

/// A stored selection; members in training-file order (ascending example index).
public struct StoredSelection: Sendable, Equatable {
    public var id: SelectionID
    /// The run whose data map it came from (for a random subset, the run that uses it).
    public var run: RunID
    public var dataMap: DataMapID?
    public var spec: SelectionSpec
    /// Number of examples it was drawn from.
    public var poolCount: Int
    /// [count] ascending.
    public var exampleIndices: [Int]
    /// [count]
    public var exampleIDs: [String]

    public var count: Int { exampleIndices.count }
}
