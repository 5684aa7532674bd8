import FTFTEncoder

/// The compute ledger of one training phase (one run): what it cost, counted three ways.
///
/// - `countedTrainingFLOPs`: FLOPs counted at the GEMM wrapper during training updates (2·m·n·k per product,
///   forward and backward; `FLOPCounter`). Elementwise work is not counted (Kaplan's convention).
/// - `preciseTrainingFLOPs`: the architecture's exact GEMM count (`BertFLOPs.trainingFLOPs`) summed over the
///   actual padded batches B×T. It must equal the counted figure exactly: both count the same products on the
///   same padded shapes (checked by the pipeline tests).
/// - `kaplanTrainingFLOPs`: 6·N·D in the paper's convention (Kaplan et al. 2020, §2.1; FTFT paper App. A.2) with
///   **N = the encoder's non-embedding weight matrices, L·(4C² + 2·C·F)** — Kaplan's N, which is also how the
///   paper counts its DeBERTaV3 models (backbone without the embedding matrix, method.md §5.2) — and **D = the
///   tokens processed including padding** (the GEMMs run on padded batches). `kaplanTrainingFLOPsUnpadded` uses
///   the real tokens only. Exactly:
///       precise = 6·N·D_padded + 12·L·C·Σ_batches B·T² (attention scores and context, forward + backward)
///                 + 6·(C² + C·K)·examples (pooler and classifier on [CLS])
///   so 6ND underestimates by the attention T² terms and the head; biases, LayerNorms and embedding lookups are
///   not GEMMs and cost 0 in both.
/// Evaluation is accounted separately (`countedEvaluationFLOPs`), as the paper's Compute column leaves it out.
/// Training dynamics come from the training pass and cost nothing extra (`countedDynamicsPassFLOPs` = 0).
public struct PhaseCompute: Sendable, Equatable, Codable {
    /// Kaplan's N (see above).
    public var parameterCount: Int64
    /// Every parameter of the classifier, embeddings included (for reference).
    public var totalParameterCount: Int64
    public var steps: Int = 0
    /// Training examples processed (Σ B over updates).
    public var examples: Int64 = 0
    public var tokensWithPadding: Int64 = 0
    public var tokensWithoutPadding: Int64 = 0
    public var preciseTrainingFLOPs: Int64 = 0
    /// The attention T² part of `preciseTrainingFLOPs` (`BertFLOPs.attentionTrainingFLOPs`): 12·L·C·Σ B·T².
    public var attentionTrainingFLOPs: Int64 = 0
    public var countedTrainingFLOPs: Int64 = 0
    public var countedEvaluationFLOPs: Int64 = 0
    public var countedDynamicsPassFLOPs: Int64 = 0
    public var trainingWallSeconds: Double = 0
    public var evaluationWallSeconds: Double = 0
    /// Padded (Σ B·T) and real tokens of the evaluation batches so far.
    public var evaluationTokensWithPadding: Int64 = 0
    public var evaluationTokensWithoutPadding: Int64 = 0

    public init(config: BertConfig, totalParameterCount: Int64) {
        parameterCount = BertFLOPs(config: config).kaplanNonEmbeddingParameters
        self.totalParameterCount = totalParameterCount
    }

    /// 6·N·D with D = tokens including padding.
    public var kaplanTrainingFLOPs: Int64 { 6 * parameterCount * tokensWithPadding }
    /// 6·N·D with D = real tokens only.
    public var kaplanTrainingFLOPsUnpadded: Int64 { 6 * parameterCount * tokensWithoutPadding }

    /// Throws `computeMismatch` unless the FLOPs counted at the GEMM wrapper equal the exact count.
    public func requireCountedEqualsExact(run: String) throws {
        guard countedTrainingFLOPs == preciseTrainingFLOPs else {
            throw ExperimentError.computeMismatch(run: run, countedTrainingFLOPs: countedTrainingFLOPs,
                                                  exactTrainingFLOPs: preciseTrainingFLOPs)
        }
    }

    /// Adds one training batch of B sequences padded to T, with `realTokens` non-padding tokens.
    public mutating func addTrainingBatch(flops: BertFLOPs, batchSize B: Int, length T: Int, realTokens: Int) {
        steps += 1
        examples += Int64(B)
        tokensWithPadding += Int64(B * T)
        tokensWithoutPadding += Int64(realTokens)
        preciseTrainingFLOPs += flops.trainingFLOPs(batchSize: B, length: T)
        attentionTrainingFLOPs += flops.attentionTrainingFLOPs(batchSize: B, length: T)
    }
}

/// The paper's Compute column from a ledger (method.md §5.2): cost relative to ERM of the unit model = 100.
public enum RelativeCompute {
    /// 100 · flops / unitFLOPs.
    public static func percent(_ flops: Int64, of unitFLOPs: Int64) -> Double {
        unitFLOPs > 0 ? 100 * Double(flops) / Double(unitFLOPs) : .nan
    }

    /// The paper's estimate for a method from parameter counts alone: 100·(N_ref·g + N_main·f)/N_unit, where f is
    /// the fraction of the full step budget the main model trained (1 for full-length runs, T/K when early
    /// stopped) and g the reference's (1 in the paper; less for a reference given fewer updates), D being the same
    /// for every full-length run (method.md §5.2).
    public static func parameterEstimate(referenceParameters: Int64?, mainParameters: Int64, mainFraction: Double,
                                         unitParameters: Int64, referenceFraction: Double = 1) -> Double {
        let reference = Double(referenceParameters ?? 0) * referenceFraction
        return 100 * (reference + Double(mainParameters) * mainFraction) / Double(unitParameters)
    }
}
