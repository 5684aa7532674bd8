// Compute accounting for the BERT encoder classifier, in one place.
//
// Exact GEMM count. ftft counts FLOPs at the `gemm` wrapper, 2·m·n·k per product (a multiply and an add per
// term); elementwise work (softmax, GELU, LayerNorm, dropout, bias adds, embedding lookups) is not counted.
// For a batch of B sequences padded to T tokens — GEMMs run on the padded T, so padding counts — one forward
// pass costs, with C hidden, NH heads of HS = C/NH, F feed-forward, L layers, K labels:
//
//     per layer   Q, K, V, output projections   4 · 2·B·T·C²
//                 attention scores Q·Kᵀ          2·B·NH·T²·HS      (= 2·B·T²·C)
//                 attention context P·V          2·B·NH·T²·HS
//                 feed-forward, two dense        2 · 2·B·T·C·F
//     pooler      2·B·C²          (only the [CLS] row)
//     classifier  2·B·C·K
//
// Backward is exactly twice the forward: every linear layer computes both dX = dY·W and dW = dYᵀ·X, each the
// size of its forward product, because every input needs its gradient (the embeddings are trainable, so even
// the first layer's dX is needed); attention computes dPd = dCtx·Vᵀ, dV = Pdᵀ·dCtx, dQ = dS·K, dK = dSᵀ·Q,
// each the size of one forward product. A training step is forward + backward = 3 × forward. The embedding
// lookups and their scatter-add backward are not GEMMs and cost 0 here. `BertFLOPsTests` checks these numbers
// against the counter over a real training step, exactly.
//
// Kaplan's approximation (Kaplan et al. 2020, "Scaling Laws for Neural Language Models", §2.1, Table 1):
// C_train ≈ 6·N·D with N the non-embedding parameter count, N ≈ 2·d_model·n_layer·(2·d_attn + d_ff)
// = L·(4C² + 2·C·F) (weight matrices of the layers only; biases, LayerNorms, embeddings and, here, the pooler
// and classifier omitted as sub-leading), and D the number of tokens processed. It ignores attention's
// T²-terms (Kaplan's 2·n_layer·n_ctx·d_attn per token) and padding unless the caller counts padded tokens.
// The FTFT paper's compute column uses 6·N·D with each model's total parameter count instead (method.md §5.2);
// that ledger lives with the experiments, not here.

/// Analytic FLOP counts of one `BertConfig`.
public struct BertFLOPs: Sendable, Equatable {
    public let config: BertConfig

    public init(config: BertConfig) { self.config = config }

    /// GEMM FLOPs of one encoder layer's forward pass on B sequences of T (padded) tokens.
    public func layerForwardFLOPs(batchSize B: Int, length T: Int) -> Int64 {
        let (b, t, c, f) = (Int64(B), Int64(T), Int64(config.hiddenSize), Int64(config.intermediateSize))
        let projections = 4 * 2 * b * t * c * c
        let feedForward = 2 * 2 * b * t * c * f
        return projections + attentionForwardFLOPs(batchSize: B, length: T) + feedForward
    }

    /// GEMM FLOPs of one layer's attention T² products in the forward pass, scores Q·Kᵀ and context P·V:
    /// 2 · 2·B·NH·T²·HS = 4·B·T²·C (NH·HS = C).
    public func attentionForwardFLOPs(batchSize B: Int, length T: Int) -> Int64 {
        4 * Int64(B) * Int64(T) * Int64(T) * Int64(config.hiddenSize)
    }

    /// The attention T² part of `trainingFLOPs`: forward + backward (3 × forward) over all L layers,
    /// 12·L·B·T²·C — the part Kaplan's 6·N·D leaves out.
    public func attentionTrainingFLOPs(batchSize B: Int, length T: Int) -> Int64 {
        3 * Int64(config.layers) * attentionForwardFLOPs(batchSize: B, length: T)
    }

    /// GEMM FLOPs of the pooler and classifier forward.
    public func headForwardFLOPs(batchSize B: Int) -> Int64 {
        let (b, c, k) = (Int64(B), Int64(config.hiddenSize), Int64(config.numLabels))
        return 2 * b * c * c + 2 * b * c * k
    }

    /// GEMM FLOPs of a forward pass through the whole classifier (what `logits` costs).
    public func forwardFLOPs(batchSize B: Int, length T: Int) -> Int64 {
        Int64(config.layers) * layerForwardFLOPs(batchSize: B, length: T) + headForwardFLOPs(batchSize: B)
    }

    /// GEMM FLOPs of the backward pass: twice the forward (every input gradient is computed).
    public func backwardFLOPs(batchSize B: Int, length T: Int) -> Int64 { 2 * forwardFLOPs(batchSize: B, length: T) }

    /// GEMM FLOPs of one `trainingStep`: forward + backward.
    public func trainingFLOPs(batchSize B: Int, length T: Int) -> Int64 {
        forwardFLOPs(batchSize: B, length: T) + backwardFLOPs(batchSize: B, length: T)
    }

    /// GEMM FLOPs of `hiddenStates` (encoder only, no head).
    public func encoderForwardFLOPs(batchSize B: Int, length T: Int) -> Int64 {
        Int64(config.layers) * layerForwardFLOPs(batchSize: B, length: T)
    }

    /// Kaplan's N: L·(4C² + 2·C·F), the encoder layers' weight matrices.
    public var kaplanNonEmbeddingParameters: Int64 {
        let (c, f) = (Int64(config.hiddenSize), Int64(config.intermediateSize))
        return Int64(config.layers) * (4 * c * c + 2 * c * f)
    }

    /// Kaplan's C_train ≈ 6·N·D for D = `tokens` processed (the caller decides whether padding counts).
    public func kaplanTrainingFLOPs(tokens: Int64) -> Int64 { 6 * kaplanNonEmbeddingParameters * tokens }
}
