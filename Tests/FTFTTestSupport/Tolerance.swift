// The one tolerance helper: |actual − expected| ≤ atol + rtol·|expected|, shape checked first, non-finite
// values caught, and on failure a message that names the tensor, the worst index and how much of the
// budget it used.
//
// Why these tolerances (used by every golden test; change them here, nowhere else):
// - Forward (`Tolerance.forward`): PyTorch on CPU (MKL/oneDNN kernels) and ftft (OpenBLAS) sum the same
//   float32 products in different orders, and erf/exp/tanh come from different vectorised approximations.
//   Each reordered sum of K float32 terms is off by a few ulp·sqrt(K) relative to its magnitude; through a few
//   layers this stays below 1e-5 relative. atol 1e-5 covers values that cancel to near zero.
// - Gradients (`Tolerance.gradient`): backward passes chain more reductions (sums over batch·tokens for
//   weight gradients) and subtract nearly equal numbers (LayerNorm, softmax), so relative error grows by
//   about one order of magnitude: rtol 1e-4, atol 1e-6 for gradients of magnitude ~1e-3…1.
// - Training (`Tolerance.training`): after N AdamW steps, Adam's normalisation m/√v amplifies tiny gradient
//   differences in near-zero coordinates; weights are compared at rtol 1e-4, atol 1e-5.
// - Real weights (`Tolerance.pretrained`): 384-wide layers, 6 deep, pretrained magnitudes up to ~10:
//   rtol 1e-4, atol 1e-4.
// - Batch composition (`Tolerance.batchComposition`): the same example evaluated in a batch of other examples
//   (another padded length T, other B·T rows) by the same engine. Padding is masked exactly, but the GEMMs and
//   the attention and LayerNorm reductions then run over other shapes and may associate the same sums
//   differently: a few ulps per logit. Measured: ≤ 80 ulps, |Δ| ≤ 7e-9 on logits of ~1e-2 (3-layer test model,
//   BatchingTests, 5 % of this budget); on real data (MiniLM-L3, length-sorted 8,192-token batches against FTFT's
//   64 in data-set order) |Δ| ≤ 2.4e-7 (HSD, 7,656 example-evaluations, 30 % of them bit-identical) and ≤ 1.2e-7
//   (NLI, 4,800), no argmax changed. atol 1e-6, rtol 1e-5.
// The worst errors actually reached are printed by `ToleranceReport` and quoted in the closing notes.

public struct Tolerance: Sendable, CustomStringConvertible {
    public let atol: Double
    public let rtol: Double

    public init(atol: Double, rtol: Double) {
        self.atol = atol
        self.rtol = rtol
    }

    public static let forward = Tolerance(atol: 1e-5, rtol: 1e-5)
    public static let gradient = Tolerance(atol: 1e-6, rtol: 1e-4)
    public static let training = Tolerance(atol: 1e-5, rtol: 1e-4)
    public static let pretrained = Tolerance(atol: 1e-4, rtol: 1e-4)
    public static let batchComposition = Tolerance(atol: 1e-6, rtol: 1e-5)
    public static let exact = Tolerance(atol: 0, rtol: 0)

    public var description: String { "atol \(atol), rtol \(rtol)" }
}

/// The outcome of one comparison. `passed` is false on a shape mismatch, a non-finite value where the
/// expected one is finite, or any element over budget.
public struct Comparison: Sendable, CustomStringConvertible {
    public let name: String
    public let passed: Bool
    /// max over elements of |a−e| / (atol + rtol·|e|); ≤ 1 means within tolerance.
    public let worstBudgetUsed: Double
    public let worstIndex: Int
    public let worstAbsoluteError: Double
    public let worstRelativeError: Double
    public let message: String

    public var description: String { message }
}

public func compare(
    _ name: String, actual: [Float], actualShape: [Int], expected: [Float], expectedShape: [Int],
    tolerance: Tolerance
) -> Comparison {
    guard actualShape == expectedShape else {
        return Comparison(name: name, passed: false, worstBudgetUsed: .infinity, worstIndex: -1,
                          worstAbsoluteError: .infinity, worstRelativeError: .infinity,
                          message: "\(name): shape \(actualShape) but expected \(expectedShape)")
    }
    guard actual.count == expected.count else {
        return Comparison(name: name, passed: false, worstBudgetUsed: .infinity, worstIndex: -1,
                          worstAbsoluteError: .infinity, worstRelativeError: .infinity,
                          message: "\(name): \(actual.count) values but expected \(expected.count)")
    }
    var worst = 0.0, worstIndex = 0, worstAbs = 0.0, worstRel = 0.0
    for i in 0..<actual.count {
        let a = Double(actual[i]), e = Double(expected[i])
        if !e.isFinite || !a.isFinite {
            let same = (a.isNaN && e.isNaN) || a == e
            if !same {
                return Comparison(name: name, passed: false, worstBudgetUsed: .infinity, worstIndex: i,
                                  worstAbsoluteError: .infinity, worstRelativeError: .infinity,
                                  message: "\(name): non-finite mismatch at \(unravel(i, shape: expectedShape)): actual \(a), expected \(e)")
            }
            continue
        }
        let diff = abs(a - e)
        let budget = tolerance.atol + tolerance.rtol * abs(e)
        let used = budget > 0 ? diff / budget : (diff == 0 ? 0 : .infinity)
        if used > worst || i == 0 {
            worst = used; worstIndex = i; worstAbs = diff
            worstRel = abs(e) > 0 ? diff / abs(e) : (diff == 0 ? 0 : .infinity)
        }
    }
    let passed = worst <= 1
    let where_ = unravel(worstIndex, shape: expectedShape)
    let message = "\(name) \(passed ? "ok" : "FAILED"): worst at \(where_) actual \(actual.isEmpty ? 0 : actual[worstIndex]) expected \(expected.isEmpty ? 0 : expected[worstIndex]) |err| \(worstAbs) rel \(worstRel), \(String(format: "%.1f", worst * 100))% of budget (\(tolerance))"
    return Comparison(name: name, passed: passed, worstBudgetUsed: worst, worstIndex: worstIndex,
                      worstAbsoluteError: worstAbs, worstRelativeError: worstRel, message: message)
}

func unravel(_ index: Int, shape: [Int]) -> [Int] {
    if shape.isEmpty { return [] }
    var rest = index
    var out = [Int](repeating: 0, count: shape.count)
    for d in stride(from: shape.count - 1, through: 0, by: -1) {
        let n = max(shape[d], 1)
        out[d] = rest % n
        rest /= n
    }
    return out
}

import Foundation
