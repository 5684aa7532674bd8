import FTFTDeterminism

/// How a data map is computed from dynamics.
public struct DataMapOptions: Sendable, Equatable, Codable {
    /// 0 (population std) or 1 (sample std). Default 0: it is the definition in the data-map paper (eq. 2) and
    /// what cartography's tools and published coordinates use, so maps and plots are comparable with theirs.
    /// FTFT's ddof 1 only rescales every σ by sqrt(E/(E−1)) — rankings are identical when E is constant — and
    /// the FTFT selection rule always uses FTFT's own float32 ddof-1 scores (`FTFTScores`), whatever this says.
    public var variabilityDDOF: Int
    /// Cartography's `--include_ci` variant of variability (`DataMapStatistics.variabilityWithConfidenceInterval`).
    public var includeConfidenceInterval: Bool
    /// Use only the first k epochs (cartography's `--burn_out`); values above E mean all epochs, as there.
    public var burnOut: Int?

    public init(variabilityDDOF: Int = 0, includeConfidenceInterval: Bool = false, burnOut: Int? = nil) {
        self.variabilityDDOF = variabilityDDOF
        self.includeConfidenceInterval = includeConfidenceInterval
        self.burnOut = burnOut
    }
}

/// FTFT's own float32 scores (`F:utils.py L252-256`): μ as float32 mean, σ as float32 sample std (ddof 1).
/// The FTFT selection rule thresholds exactly these values.
public struct FTFTScores: Sendable, Equatable {
    public let confidence: [Float]
    public let variability: [Float]

    public init(confidence: [Float], variability: [Float]) {
        self.confidence = confidence
        self.variability = variability
    }
}

/// A data map: per-example confidence, variability and correctness (plus forgetfulness when computed from
/// dynamics), in the example order of its source (training-file order).
public struct DataMap: Sendable, Equatable {
    public let exampleIDs: [String]
    /// Gold labels; nil for maps read from cartography's coordinate files, which carry none.
    public let goldLabels: [Int]?
    /// The number of epochs the statistics use (after burn-out); nil when unknown (read from a file).
    public let epochCount: Int?
    public let confidence: [Double]
    public let variability: [Double]
    /// Correctness as a count of correct epochs (0…E), as cartography stores it.
    public let correctness: [Int]
    /// Forgetting events (1000 = never learnt); nil when the source does not have them.
    public let forgetfulness: [Int]?
    public let options: DataMapOptions
    /// FTFT's float32 scores; nil when read from a file or when E < 2 (FTFT's ddof-1 σ is undefined there).
    public let ftft: FTFTScores?

    public var exampleCount: Int { exampleIDs.count }

    /// Validates that every column has one value per example and that confidence and variability are finite.
    public init(exampleIDs: [String], goldLabels: [Int]?, epochCount: Int?, confidence: [Double], variability: [Double],
                correctness: [Int], forgetfulness: [Int]?, options: DataMapOptions, ftft: FTFTScores?) throws {
        let n = exampleIDs.count
        let counts = [confidence.count, variability.count, correctness.count, goldLabels?.count ?? n,
                      forgetfulness?.count ?? n, ftft?.confidence.count ?? n, ftft?.variability.count ?? n]
        guard counts.allSatisfy({ $0 == n }) else {
            throw CartographyError.invalidDynamics(reason: "data-map columns have lengths \(counts) for \(n) examples")
        }
        for i in 0..<n {
            if !confidence[i].isFinite { throw CartographyError.nonFiniteScore(id: exampleIDs[i], field: "confidence") }
            if !variability[i].isFinite { throw CartographyError.nonFiniteScore(id: exampleIDs[i], field: "variability") }
        }
        self.exampleIDs = exampleIDs
        self.goldLabels = goldLabels
        self.epochCount = epochCount
        self.confidence = confidence
        self.variability = variability
        self.correctness = correctness
        self.forgetfulness = forgetfulness
        self.options = options
        self.ftft = ftft
    }

    /// Threshold closeness μ(1−μ) per example (`DataMapStatistics.thresholdCloseness`).
    public var thresholdCloseness: [Double] { confidence.map(DataMapStatistics.thresholdCloseness(confidence:)) }

    /// The scores the FTFT rule thresholds: FTFT's float32 values when available, otherwise the stored
    /// columns rounded to float32 (method.md §9.3 applies the rule to the float32-cast coordinates this way).
    public var ftftScoresOrRounded: FTFTScores {
        ftft ?? FTFTScores(confidence: confidence.map { Float($0) }, variability: variability.map { Float($0) })
    }
}

extension DataMap {
    /// Computes the data map of `dynamics` (method.md §3): per example, p_e = float32 softmax gold probability
    /// for each used epoch, then confidence, variability (ddof from `options`), correctness, forgetfulness, and
    /// FTFT's float32 scores. `threads` splits examples across workers; results do not depend on it.
    public static func compute(from dynamics: TrainingDynamics, options: DataMapOptions = DataMapOptions(),
                               threads: Int = 1) throws -> DataMap {
        guard options.variabilityDDOF == 0 || options.variabilityDDOF == 1 else {
            throw CartographyError.invalidDynamics(reason: "variability ddof must be 0 or 1, not \(options.variabilityDDOF)")
        }
        let used: TrainingDynamics
        if let k = options.burnOut {
            used = try dynamics.keepingFirstEpochs(min(k, dynamics.epochCount))
        } else {
            used = dynamics
        }
        let e = used.epochCount, n = used.exampleCount, c = used.classCount
        if e <= options.variabilityDDOF {
            throw CartographyError.tooFewEpochs(needed: options.variabilityDDOF + 1, available: e,
                                                reason: "variability with ddof \(options.variabilityDDOF)")
        }
        if options.includeConfidenceInterval && e < 2 {
            throw CartographyError.tooFewEpochs(needed: 2, available: e, reason: "the confidence-interval variability")
        }
        var columns = Columns(n: n)
        // Examples in chunks of 4,096, each chunk with its own scratch rows; every chunk writes only its own
        // examples' outputs (parallelFor's contract), so results do not depend on `threads`.
        let chunk = 4096
        used.logits.withUnsafeBufferPointer { logits in
            used.goldLabels.withUnsafeBufferPointer { gold in
                columns.withPointers { out in
                    let shared = UncheckedSendable((logits, gold, out))
                    parallelFor(threads: threads, count: (n + chunk - 1) / chunk) { k in
                        let (logits, gold, out) = shared.value
                        let p32 = UnsafeMutableBufferPointer<Float>.allocate(capacity: e)
                        let p64 = UnsafeMutableBufferPointer<Double>.allocate(capacity: e)
                        let correct = UnsafeMutableBufferPointer<Bool>.allocate(capacity: e)
                        defer { p32.deallocate(); p64.deallocate(); correct.deallocate() }
                        for i in k * chunk ..< min(n, (k + 1) * chunk) {
                            for epoch in 0..<e {
                                let start = (epoch * n + i) * c
                                let row = UnsafeBufferPointer(rebasing: logits[start ..< start + c])
                                let p = DataMapStatistics.goldProbability(row, gold: gold[i])
                                p32[epoch] = p
                                p64[epoch] = Double(p)
                                correct[epoch] = DataMapStatistics.argmaxFirst(row) == gold[i]
                            }
                            out.store(i, p32: UnsafeBufferPointer(p32), p64: UnsafeBufferPointer(p64),
                                      correct: UnsafeBufferPointer(correct), options: options)
                        }
                    }
                }
            }
        }
        let (confidence, variability, correctness, forgetfulness, ftftConfidence, ftftVariability) =
            (columns.confidence, columns.variability, columns.correctness, columns.forgetfulness,
             columns.ftftConfidence, columns.ftftVariability)
        let ftft = e >= 2 ? FTFTScores(confidence: ftftConfidence, variability: ftftVariability) : nil
        return try DataMap(exampleIDs: used.exampleIDs, goldLabels: used.goldLabels, epochCount: e,
                           confidence: confidence, variability: variability, correctness: correctness,
                           forgetfulness: forgetfulness, options: options, ftft: ftft)
    }
}

/// The output columns of `DataMap.compute`, one value per example.
private struct Columns {
    var confidence, variability: [Double]
    var correctness, forgetfulness: [Int]
    var ftftConfidence, ftftVariability: [Float]

    init(n: Int) {
        confidence = [Double](repeating: 0, count: n)
        variability = confidence
        correctness = [Int](repeating: 0, count: n)
        forgetfulness = correctness
        ftftConfidence = [Float](repeating: 0, count: n)
        ftftVariability = ftftConfidence
    }

    struct Pointers {
        let confidence, variability: UnsafeMutableBufferPointer<Double>
        let correctness, forgetfulness: UnsafeMutableBufferPointer<Int>
        let ftftConfidence, ftftVariability: UnsafeMutableBufferPointer<Float>

        /// Writes example i's statistics from its per-epoch p (float32 and widened) and correctness.
        func store(_ i: Int, p32: UnsafeBufferPointer<Float>, p64: UnsafeBufferPointer<Double>,
                   correct: UnsafeBufferPointer<Bool>, options: DataMapOptions) {
            confidence[i] = DataMapStatistics.confidence(p64)
            variability[i] = options.includeConfidenceInterval
                ? DataMapStatistics.variabilityWithConfidenceInterval(p64)
                : DataMapStatistics.variability(p64, ddof: options.variabilityDDOF)
            correctness[i] = DataMapStatistics.correctnessCount(correct)
            forgetfulness[i] = DataMapStatistics.forgetfulness(correct)
            ftftConfidence[i] = DataMapStatistics.ftftConfidence(p32)
            ftftVariability[i] = p32.count >= 2 ? DataMapStatistics.ftftVariability(p32) : .nan
        }
    }

    mutating func withPointers(_ body: (Pointers) -> Void) {
        confidence.withUnsafeMutableBufferPointer { a in
            variability.withUnsafeMutableBufferPointer { b in
                correctness.withUnsafeMutableBufferPointer { c in
                    forgetfulness.withUnsafeMutableBufferPointer { d in
                        ftftConfidence.withUnsafeMutableBufferPointer { e in
                            ftftVariability.withUnsafeMutableBufferPointer { f in
                                body(Pointers(confidence: a, variability: b, correctness: c, forgetfulness: d,
                                              ftftConfidence: e, ftftVariability: f))
                            }
                        }
                    }
                }
            }
        }
    }
}

extension TrainingDynamics {
    /// p_{i,e} for every example and epoch, [E, N] float32 (`DataMapStatistics.goldProbability`).
    public func goldProbabilities() -> [Float] {
        let n = exampleCount, c = classCount
        var out = [Float](repeating: 0, count: epochCount * n)
        logits.withUnsafeBufferPointer { logits in
            for epoch in 0..<epochCount {
                for i in 0..<n {
                    let row = UnsafeBufferPointer(rebasing: logits[(epoch * n + i) * c ..< (epoch * n + i + 1) * c])
                    out[epoch * n + i] = DataMapStatistics.goldProbability(row, gold: goldLabels[i])
                }
            }
        }
        return out
    }
}
