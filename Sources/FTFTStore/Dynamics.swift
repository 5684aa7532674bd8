import FTFTCartography

/// N rows of training dynamics in columns (N examples, C classes). As an input to `appendEpoch` the rows are
/// in the order the examples were processed in that epoch (that order is stored as each row's position); as
/// read back by `epoch(run:…)` they are in that same order again.
public struct DynamicsRows: Sendable, Equatable {
    /// [N] each example's row in the training file (FTFT's `data_idx`); distinct within an epoch.
    public var exampleIndices: [Int]
    /// [N] the data set's own id of each example (MNLI `index`, the CAD id column, …).
    public var exampleIDs: [String]
    /// [N] gold class in 0..<C.
    public var golds: [Int]
    /// C
    public var classes: Int
    /// [N, C] row-major: row i holds the logits of example `exampleIndices[i]`. Finite values only.
    public var logits: [Float]

    public init(exampleIndices: [Int], exampleIDs: [String], golds: [Int], classes: Int, logits: [Float]) {
        self.exampleIndices = exampleIndices
        self.exampleIDs = exampleIDs
        self.golds = golds
        self.classes = classes
        self.logits = logits
    }

    public var count: Int { exampleIndices.count }
}

/// One stored epoch, rows in processing order.
public struct RecordedEpoch: Sendable, Equatable {
    public var epoch: Int
    public var mode: RecordingMode
    /// Optimizer steps completed when the epoch was recorded (nil if the recorder did not say).
    public var completedSteps: Int?
    public var rows: DynamicsRows
}

/// What is stored of an epoch, without its rows.
public struct EpochSummary: Sendable, Equatable {
    public var epoch: Int
    public var mode: RecordingMode
    public var classes: Int
    public var exampleCount: Int
    public var completedSteps: Int?
}

/// A run's dynamics as one dense array: E epochs × N examples × C classes, examples in training-file order
/// (ascending example index). Only exists when every epoch holds the same examples.
public struct RecordedDynamics: Sendable, Equatable {
    public var mode: RecordingMode
    /// [E] the epoch numbers, ascending.
    public var epochs: [Int]
    /// [N] ascending.
    public var exampleIndices: [Int]
    /// [N]
    public var exampleIDs: [String]
    /// [N]
    public var golds: [Int]
    /// C
    public var classes: Int
    /// [E, N, C] row-major: `logits[(e·N + n)·C + c]` is class c of example n in the e-th epoch of `epochs`.
    public var logits: [Float]

    /// The C logits of example slot `n` in epoch slot `e` (slots, not epoch numbers or example indices).
    public func logits(epochSlot e: Int, exampleSlot n: Int) -> ArraySlice<Float> {
        let start = (e * exampleIndices.count + n) * classes
        return logits[start..<(start + classes)]
    }
}
