#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The evaluation metric of a data set (method.md §1.6): accuracy for NLI, macro-F1 for hate speech,
/// and HANS's binarised accuracy for a 3-class NLI model on a 2-class HANS set.
public enum Metric: String, Sendable, Hashable, Codable, CaseIterable {
    case accuracy
    case macroF1 = "macro_f1"
    case hansAccuracy = "hans_accuracy"

    /// The metric of `predictions` (argmax class indices) against gold `labels`, unrounded.
    public func score(predictions: [Int], labels: [Int]) -> Double {
        switch self {
        case .accuracy: return Metrics.accuracy(predictions: predictions, labels: labels)
        case .macroF1: return Metrics.macroF1(predictions: predictions, labels: labels)
        case .hansAccuracy: return Metrics.hansAccuracy(nliPredictions: predictions, labels: labels)
        }
    }
}

/// Small pure metric functions. Inputs are class indices, one prediction per gold label (same length: a
/// caller's contract, checked by precondition since both arrays come from ftft, not from a user's file).
public enum Metrics {
    /// accuracy = (1/N) · Σᵢ [ŷᵢ = yᵢ], as sklearn `accuracy_score` (the count of hits is exact in Double, so
    /// the order of summation does not matter). N = 0 gives NaN (sklearn raises; ftft never scores an empty set).
    public static func accuracy(predictions: [Int], labels: [Int]) -> Double {
        precondition(predictions.count == labels.count, "accuracy: \(predictions.count) predictions for \(labels.count) labels")
        guard !labels.isEmpty else { return .nan }
        var hits = 0
        for i in labels.indices where predictions[i] == labels[i] { hits += 1 }
        return Double(hits) / Double(labels.count)
    }

    /// Macro-F1 exactly as scikit-learn's `f1_score(y_true, y_pred, average='macro')` with its defaults
    /// (checked against scikit-learn 1.9.1 by golden/generate_metrics.py):
    /// - the classes averaged are the sorted union of the labels present in `labels` **or** `predictions`
    ///   (`labels=None`): a class absent from both is not averaged; a class that is predicted but never
    ///   true, or true but never predicted, contributes F1 = 0;
    /// - per class c, F1_c = 2·TP_c / (2·TP_c + FP_c + FN_c) = 2·TP_c / (|true = c| + |pred = c|), in Double;
    ///   since every averaged class occurs somewhere, the denominator is never 0, so `zero_division`
    ///   (default "warn", which scores 0/0 as 0) never applies and no warning is raised;
    /// - the mean is numpy's: pairwise summation of the per-class values in class order (`numpyPairwiseSum`),
    ///   divided by the number of classes.
    /// N = 0 gives NaN (sklearn raises).
    public static func macroF1(predictions: [Int], labels: [Int]) -> Double {
        precondition(predictions.count == labels.count, "macroF1: \(predictions.count) predictions for \(labels.count) labels")
        guard !labels.isEmpty else { return .nan }
        var truePositives: [Int: Int] = [:], trueCounts: [Int: Int] = [:], predictedCounts: [Int: Int] = [:]
        for i in labels.indices {
            trueCounts[labels[i], default: 0] += 1
            predictedCounts[predictions[i], default: 0] += 1
            if labels[i] == predictions[i] { truePositives[labels[i], default: 0] += 1 }
        }
        let classes = Set(trueCounts.keys).union(predictedCounts.keys).sorted()
        let perClass = classes.map { c -> Double in
            let tp = Double(truePositives[c] ?? 0)
            return (2 * tp) / (Double(trueCounts[c] ?? 0) + Double(predictedCounts[c] ?? 0))
        }
        return numpyPairwiseSum(perClass[...]) / Double(perClass.count)
    }

    /// A 3-class NLI prediction (entailment 0, neutral 1, contradiction 2) read as a HANS label
    /// (entailment 0, non-entailment 1): neutral and contradiction both count as non-entailment
    /// (McCoy et al. 2019, §4).
    public static func hansBinarized(_ nliPrediction: Int) -> Int { nliPrediction == 0 ? 0 : 1 }

    /// Accuracy on HANS of 3-class NLI predictions, after `hansBinarized`.
    public static func hansAccuracy(nliPredictions: [Int], labels: [Int]) -> Double {
        accuracy(predictions: nliPredictions.map(hansBinarized), labels: labels)
    }

    /// A metric as FTFT stores it: `float('{:.4f}'.format(x))` (`F:evaluation.py` L19-21, method.md §1.6).
    /// Python formats the exact binary value correctly rounded to 4 decimals, ties to even, and parses the
    /// text back to the nearest Double. C's printf "%.4f" (glibc, Darwin) rounds the same exact value the
    /// same way, and `Double(text)` parses correctly, so this is bit-identical. Non-finite values pass through.
    public static func roundedLikeFTFT(_ x: Double) -> Double {
        guard x.isFinite else { return x }
        var buffer = [CChar](repeating: 0, count: 512)
        let written = withVaList([x]) { vsnprintf(&buffer, buffer.count, "%.4f", $0) }
        guard written > 0, written < buffer.count else { return x }
        let text = String(decoding: buffer.prefix(Int(written)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return Double(text) ?? x
    }

    /// Mean of already-rounded metrics, as FTFT's early-stopping criterion averages the stored values
    /// (method.md §5.1): Σ values / count, summed left to right (Python's `sum`/`np.mean` agree for ≤ 7 values).
    public static func mean(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        return values.reduce(0, +) / Double(values.count)
    }

    /// numpy's float64 `sum` of a contiguous array (`pairwise_sum` in numpy's loops): fewer than 8 values
    /// are added left to right from −0.0; up to 128 values use 8 interleaved accumulators combined as
    /// ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)) plus the remainder left to right; longer arrays split at
    /// n/2 rounded down to a multiple of 8 and recurse.
    public static func numpyPairwiseSum(_ values: ArraySlice<Double>) -> Double {
        let n = values.count, start = values.startIndex
        if n < 8 {
            var sum = -0.0
            for value in values { sum += value }
            return sum
        }
        if n <= 128 {
            var r = Array(values[start..<start + 8])
            var i = 8
            while i < n - n % 8 {
                for j in 0..<8 { r[j] += values[start + i + j] }
                i += 8
            }
            var sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n { sum += values[start + i]; i += 1 }
            return sum
        }
        var half = n / 2
        half -= half % 8
        return numpyPairwiseSum(values[start..<start + half]) + numpyPairwiseSum(values[(start + half)...])
    }
}
