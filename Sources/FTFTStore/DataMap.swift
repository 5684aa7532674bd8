import FTFTCartography

/// A data map's id in its store.
public struct DataMapID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public var description: String { "data map \(rawValue)" }
}

/// A stored data map: the cartography module's `DataMap`, the recorded dynamics it was computed from, and each
/// entry's row in the training file. A run has at most one map per (recording mode, variability ddof,
/// confidence-interval variant, number of epochs used).
///
/// What is kept and what is not: confidence, variability, correctness and (when computed) forgetfulness per
/// example, and the number of epochs the statistics used (`map.epochCount`, burn-out included). Read back,
/// `map.goldLabels` and `map.ftft` are nil (FTFT's float32 scores are then the stored values rounded to float32,
/// `DataMap.ftftScoresOrRounded`), and `map.options.burnOut` is nil: `map.epochCount` says how many epochs
/// were used.
public struct StoredDataMap: Sendable, Equatable {
    public var id: DataMapID
    public var run: RunID
    public var recordingMode: RecordingMode
    /// [N] each entry's row in the training file, ascending (training-file order, the map's order).
    public var exampleIndices: [Int]
    public var map: DataMap
}
