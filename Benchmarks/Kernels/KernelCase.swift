import FTFTBenchmarkSupport
import FTFTTensors
import FTFTTestSupport

// One kernel benchmark: inputs built once from a seed, a validation against the kernel's reference path (run in
// the benchmark's setup, so nothing is timed before it passes), and the timed call.
//
// Shapes are those of one MiniLM-L6 layer on the perf-anchors batch: B = 32 sequences of T = 128 tokens,
// C = 384 channels in NH = 12 heads, F = 1536 feed-forward channels, N = B·T = 4096 rows.

enum Dimensions {
    static let (B, T, C, NH, F) = (32, 128, 384, 12, 1536)
    static var N: Int { B * T }
    /// Batch rows used when a validation has to run the reference on the naive GEMM (cheap, same code path).
    static let validationB = 2
}

/// What a kernel's speed is measured against.
enum Work {
    /// Compute-bound: GEMM FLOPs per call, compared with the SGEMM yardstick.
    case flops(Double)
    /// Bandwidth-bound: bytes that must cross memory per call (each buffer read or written once, as STREAM
    /// counts), compared with the STREAM triad yardstick.
    case bytes(Double)
}

class KernelCase: @unchecked Sendable {
    let name: String
    let work: Work
    /// Thread counts to benchmark (kernels without a thread parameter run at 1 only).
    let threadCounts: [Int]
    /// Wall seconds of the reference path on the timed shape, when the validation ran it on that shape; the suite
    /// reports fast/reference speed-up from it.
    var referenceSeconds: Double?

    init(name: String, work: Work, threadCounts: [Int] = [1, 2]) {
        self.name = name
        self.work = work
        self.threadCounts = threadCounts
    }

    /// Runs the fast path and the reference path on the same inputs and throws if they disagree.
    func validate(threads: Int) throws {}
    /// Untimed preparation before each timed call (restoring inputs a kernel updates in place).
    func prepareSample() {}
    /// The timed call.
    func run(threads: Int) {}
    /// Untimed check after each timed call (e.g. the FLOP counter).
    func checkSample() throws {}
}

/// Seeded fills (the one RNG type, `.testing` streams).
enum Fill {
    static func uniform(_ tensor: Tensor, seed: UInt64, low: Float = -1, high: Float = 1) {
        var stream = SeededRandom(seed: seed).stream(.testing, seed)
        for i in 0..<tensor.count { tensor[i] = low + (high - low) * stream.nextUniform() }
    }

    static func normal(_ tensor: Tensor, seed: UInt64, std: Float) {
        var stream = SeededRandom(seed: seed).stream(.testing, seed)
        stream.fillNormal(tensor.data, count: tensor.count, mean: 0, std: std)
    }
}

/// Validation checks. Float comparisons go through the project's one tolerance helper (`compare` and the named
/// `Tolerance`s of Tests/FTFTTestSupport/Tolerance.swift: shape first, non-finite values caught, worst element named).
enum Check {
    static func close(_ what: String, _ actual: UnsafePointer<Float>, _ expected: UnsafePointer<Float>, count: Int,
                      _ tolerance: Tolerance) throws {
        let result = compare(what, actual: Array(UnsafeBufferPointer(start: actual, count: count)), actualShape: [count],
                             expected: Array(UnsafeBufferPointer(start: expected, count: count)), expectedShape: [count],
                             tolerance: tolerance)
        guard result.passed else { throw GateFailure("validation against the reference path failed: \(result.message)") }
    }

    /// Column sums (bias and LayerNorm-parameter gradients) of the fast path, which accumulate float32 terms in a
    /// fixed blocked order, against the same sums in Double. The bound is the classical worst case for recursive
    /// float summation (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., §4.2): a chain of k
    /// additions of terms x_i errs by at most k·u·Σ|x_i|, u = 2⁻²⁴, plus one rounding per term when each term is
    /// itself a rounded product. A fixed elementwise tolerance cannot judge these: over N = 4096 rows the sums
    /// cancel to values far smaller than Σ|x_i|. `term(n, o)` is the exact (Double) term; terms that are outputs
    /// of the fast path are checked elementwise separately and passed here as the values it summed.
    static func columnSums(_ what: String, _ actual: UnsafePointer<Float>, N: Int, O: Int, additionChain: Int,
                           roundedProducts: Bool = false, term: (Int, Int) -> Double) throws {
        let u = 0x1p-24
        for o in 0..<O {
            var sum = 0.0, magnitude = 0.0
            for n in 0..<N {
                let x = term(n, o)
                sum += x
                magnitude += abs(x)
            }
            let bound = (Double(additionChain) + (roundedProducts ? 1 : 0)) * u * magnitude + Double(Float.leastNormalMagnitude)
            guard abs(Double(actual[o]) - sum) <= bound else {
                throw GateFailure("validation: \(what)[\(o)] = \(actual[o]), Double sum \(sum): error \(abs(Double(actual[o]) - sum)) "
                                  + "exceeds the float32 summation bound \(bound) (chain of \(additionChain) additions)")
            }
        }
    }

    static func equal(_ what: String, _ actual: UnsafePointer<UInt8>, _ expected: UnsafePointer<UInt8>, count: Int) throws {
        for i in 0..<count where actual[i] != expected[i] {
            throw GateFailure("validation: \(what)[\(i)] = \(actual[i]), reference \(expected[i])")
        }
    }

    static func counted(_ what: String, _ counter: FLOPCounter, expected: Int64) throws {
        guard counter.flops == expected else {
            throw GateFailure("\(what): the GEMM wrapper counted \(counter.flops) FLOPs, the analytic count is \(expected)")
        }
    }
}
