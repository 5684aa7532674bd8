/// The per-example data-map statistics as small pure functions (method.md §3 has the comparison table).
///
/// Notation: ℓ_e ∈ R^C the logits of one example in epoch e, y its gold class, p_e = softmax(ℓ_e)[y] the
/// gold-class probability, E the number of epochs used. Sources: Swayamdipta et al. 2020 ("Dataset
/// Cartography", EMNLP), §2 eqs. 1–2; allenai/cartography `cartography/selection/train_dy_filtering.py`
/// (`C:` below, HEAD 3df3438); FTFT `utils.py` (`F:`, commit a51319a).
public enum DataMapStatistics {
    /// p = softmax(ℓ)[y] in float32, with the operations of torch's CPU softmax kernel: m = max_c ℓ_c,
    /// e_c = exp(ℓ_c − m) with torch's own float32 exp (`TorchFloat32Exp`), s = Σ_c e_c in class order,
    /// p = e_y · (1/s) (a reciprocal, then a product). Both references take this float32 softmax (`C:L109` per
    /// record, `F:L253` on the stacked tensor; the two give identical bits), so p matches them bit for bit.
    @inline(__always)
    public static func goldProbability(_ logits: UnsafeBufferPointer<Float>, gold: Int) -> Float {
        var m = logits[0]
        for c in 1..<logits.count where logits[c] > m { m = logits[c] }
        var sum: Float = 0
        var numerator: Float = 0
        for c in 0..<logits.count {
            let e = TorchFloat32Exp.exp(logits[c] - m)
            sum += e
            if c == gold { numerator = e }
        }
        let reciprocal: Float = 1 / sum
        return numerator * reciprocal
    }

    public static func goldProbability(_ logits: [Float], gold: Int) -> Float {
        logits.withUnsafeBufferPointer { goldProbability($0, gold: gold) }
    }

    /// The predicted class: the index of the largest logit, ties to the *first* maximum (`np.argmax`, `C:L113`).
    @inline(__always)
    public static func argmaxFirst(_ logits: UnsafeBufferPointer<Float>) -> Int {
        var best = 0
        for c in 1..<logits.count where logits[c] > logits[best] { best = c }
        return best
    }

    /// Σ x with numpy's pairwise summation (`np.add.reduce` on float64, which `np.mean`/`np.std` use): fewer
    /// than 8 terms are added left to right; up to 128 with 8 interleaved accumulators combined as
    /// ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)) plus the tail; longer inputs split in halves (multiples of 8).
    /// Cartography computes confidence and variability with numpy (`C:L126-127`), so this is its exact sum.
    public static func pairwiseSum(_ x: UnsafeBufferPointer<Double>) -> Double {
        let n = x.count
        if n < 8 {
            var sum = 0.0
            for v in x { sum += v }
            return sum
        }
        if n <= 128 {
            var r = (x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7])
            var i = 8
            while i < n - n % 8 {
                r.0 += x[i]; r.1 += x[i + 1]; r.2 += x[i + 2]; r.3 += x[i + 3]
                r.4 += x[i + 4]; r.5 += x[i + 5]; r.6 += x[i + 6]; r.7 += x[i + 7]
                i += 8
            }
            var sum = ((r.0 + r.1) + (r.2 + r.3)) + ((r.4 + r.5) + (r.6 + r.7))
            while i < n { sum += x[i]; i += 1 }
            return sum
        }
        var half = n / 2
        half -= half % 8
        return pairwiseSum(UnsafeBufferPointer(rebasing: x[0..<half])) + pairwiseSum(UnsafeBufferPointer(rebasing: x[half...]))
    }

    /// Confidence μ = (1/E) Σ_e p_e (paper eq. 1; `np.mean`, `C:L126`), in float64 over the float32 p values.
    public static func confidence(_ p: UnsafeBufferPointer<Double>) -> Double {
        pairwiseSum(p) / Double(p.count)
    }

    /// Σ_e (p_e − μ)² / (E − ddof), as numpy's `np.var` computes it: μ by pairwise sum, then the pairwise sum
    /// of squared deviations.
    public static func variance(_ p: UnsafeBufferPointer<Double>, ddof: Int) -> Double {
        let mu = confidence(p)
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: p.count) { d in
            for e in 0..<p.count { let x = p[e] - mu; d[e] = x * x }
            return pairwiseSum(UnsafeBufferPointer(d)) / Double(p.count - ddof)
        }
    }

    /// Variability σ = sqrt( Σ_e (p_e − μ)² / (E − ddof) ).
    /// - ddof 0, the population std: the paper's eq. 2 and cartography's `np.std` (`C:L85, L127`).
    /// - ddof 1, the sample std (Bessel): FTFT's `Tensor.std` (`F:L256`); equals the ddof-0 value × sqrt(E/(E−1)).
    /// Needs E > ddof.
    public static func variability(_ p: UnsafeBufferPointer<Double>, ddof: Int) -> Double {
        variance(p, ddof: ddof).squareRoot()
    }

    /// Cartography's `--include_ci` variability (`C:L86-87`, after Chang et al. 2017, "Active Bias"):
    /// sqrt(v + v²/(E − 1)) with v the population variance (ddof 0). Needs E ≥ 2.
    public static func variabilityWithConfidenceInterval(_ p: UnsafeBufferPointer<Double>) -> Double {
        let v = variance(p, ddof: 0)
        return (v + v * v / Double(p.count - 1)).squareRoot()
    }

    /// Correctness as a count: the number of epochs whose prediction equals the gold label (`C:L59-63, L125`;
    /// an integer 0…E, which is what cartography's files hold).
    public static func correctnessCount(_ correct: UnsafeBufferPointer<Bool>) -> Int {
        var count = 0
        for c in correct where c { count += 1 }
        return count
    }

    /// Correctness as a fraction of the E epochs (the paper's definition; cartography's plots divide by the
    /// largest count instead, see `DataMapPlot`).
    public static func correctnessFraction(count: Int, epochs: Int) -> Double { Double(count) / Double(epochs) }

    /// The value cartography's forgetfulness uses for an example that is never predicted correctly.
    public static let neverLearnt = 1000

    /// Forgetting events (Toneva et al. 2019, "An empirical study of example forgetting"; `C:L35-56`): the number
    /// of correct → incorrect transitions, starting from the not-learnt state; `neverLearnt` (1000) if no epoch
    /// is correct.
    public static func forgetfulness(_ correct: UnsafeBufferPointer<Bool>) -> Int {
        var learnt = false
        var forgotten = 0
        var ever = false
        for c in correct {
            if c { ever = true }
            if learnt && !c { forgotten += 1 }
            learnt = c
        }
        return ever ? forgotten : neverLearnt
    }

    /// Threshold closeness μ(1 − μ) (Chang et al. 2017; `C:L88, L130`): largest at μ = 0.5.
    public static func thresholdCloseness(confidence mu: Double) -> Double { mu * (1 - mu) }

    // MARK: FTFT's float32 conventions

    /// FTFT's confidence (`F:L255`, `Tensor.mean` over epochs, float32): torch's CPU sum kernel for a short
    /// contiguous row, then a float32 division by E. The sum uses four interleaved float32 accumulators
    /// a_k = Σ_r p[4r + k] over whole groups of four, adds the leftover p's to a_0, and returns
    /// ((a_0 + a_1) + a_2) + a_3. Bit-exact with torch 2.0.1 and 2.15 for E < 8 (checked on 3,000 rows each);
    /// for E ≥ 8 torch switches to SIMD partial sums whose width depends on the CPU, so the last bit may differ.
    public static func ftftConfidence(_ p: UnsafeBufferPointer<Float>) -> Float {
        var a: (Float, Float, Float, Float) = (0, 0, 0, 0)
        let groups = p.count / 4
        for r in 0..<groups {
            a.0 += p[4 * r]; a.1 += p[4 * r + 1]; a.2 += p[4 * r + 2]; a.3 += p[4 * r + 3]
        }
        for i in (4 * groups)..<p.count { a.0 += p[i] }
        let sum: Float = ((a.0 + a.1) + a.2) + a.3
        return sum / Float(p.count)
    }

    /// FTFT's variability (`F:L256`, `Tensor.std` over epochs, ddof 1): torch reduces float32 input with
    /// Welford's algorithm accumulated in float64 and rounds the square root to float32. Needs E ≥ 2.
    public static func ftftVariability(_ p: UnsafeBufferPointer<Float>) -> Float {
        var mean = 0.0, m2 = 0.0, n = 0.0
        for v in p {
            let x = Double(v)
            n += 1
            let delta = x - mean
            mean += delta / n
            m2 += delta * (x - mean)
        }
        return Float((m2 / (n - 1)).squareRoot())
    }
}

extension DataMapStatistics {
    /// Array conveniences for tests and callers outside hot loops.
    public static func confidence(_ p: [Double]) -> Double { p.withUnsafeBufferPointer { confidence($0) } }
    public static func variability(_ p: [Double], ddof: Int) -> Double { p.withUnsafeBufferPointer { variability($0, ddof: ddof) } }
    public static func forgetfulness(_ correct: [Bool]) -> Int { correct.withUnsafeBufferPointer { forgetfulness($0) } }
    public static func correctnessCount(_ correct: [Bool]) -> Int { correct.withUnsafeBufferPointer { correctnessCount($0) } }
}
