import Foundation

public enum EvaluationSplit: String, Sendable, CaseIterable {
    case dev
    case test
}

/// The logits behind one evaluation: [exampleCount, classes] float32, row-major, in data-set order
/// (FTFT's `validation_{name}_logits.pt` / `test_{name}_logits.pt`, method.md §1.6).
public struct EvaluationLogits: Sendable, Equatable {
    public var classes: Int
    public var values: [Float]

    public init(classes: Int, values: [Float]) {
        self.classes = classes
        self.values = values
    }
}

/// One metric of one data set, as the evaluator computed it (before rounding).
public struct EvaluationResult: Sendable, Equatable {
    public var dataset: String
    public var split: EvaluationSplit
    /// e.g. "accuracy" (NLI) or "macro_f1" (HSD).
    public var metric: String
    /// The metric at full precision; the store also keeps it rounded as FTFT does (`Evaluation.ftftRounded`).
    public var exactValue: Double
    public var exampleCount: Int
    /// Optional; at most one result per (data set, split) of a checkpoint may carry logits.
    public var logits: EvaluationLogits?

    public init(dataset: String, split: EvaluationSplit, metric: String, exactValue: Double, exampleCount: Int,
                logits: EvaluationLogits? = nil) {
        self.dataset = dataset
        self.split = split
        self.metric = metric
        self.exactValue = exactValue
        self.exampleCount = exampleCount
        self.logits = logits
    }
}

/// A stored evaluation.
public struct Evaluation: Sendable, Equatable {
    public var run: RunID
    /// Optimizer steps completed (FTFT's `completed_steps`).
    public var step: Int
    /// The checkpoint number c (1-based in FTFT's schedule: step = c·eval_interval, plus a final one).
    public var checkpoint: Int
    public var dataset: String
    public var split: EvaluationSplit
    public var metric: String
    /// Rounded to 4 decimals exactly as FTFT stores metrics: what early stopping and the tables use.
    public var value: Double
    public var exactValue: Double
    public var exampleCount: Int

    /// FTFT's rounding, `float('{:.4f}'.format(x))` (`F:evaluation.py L19-21`, method.md §1.6): the decimal
    /// string with 4 digits after the point that is nearest to the exact binary value of x, ties to even,
    /// parsed back to the nearest double. glibc's and Darwin's `printf("%.4f")` round the exact binary value
    /// the same way (correctly rounded, round-half-even), and `Double(String)` is correctly rounded, so the
    /// result is bit-identical to Python's.
    public static func ftftRounded(_ x: Double) -> Double {
        guard x.isFinite else { return x }
        return Double(String(format: "%.4f", x)) ?? x
    }
}
