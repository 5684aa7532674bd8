// Activation buffers of one forward/backward pass, carved out of two grow-only arenas (floats and bytes):
// memory is allocated when a batch needs more than any batch before it and reused otherwise, so a training
// loop allocates nothing per step once it has seen its largest batch.
//
// Every pointer below is valid until the next `prepare`. Shapes use the batch's B and T (see BertConfig).

/// A grow-only, 64-byte aligned buffer. Contents are not preserved when it grows.
final class GrowOnlyBuffer<Element> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var capacity: Int

    init() {
        capacity = 16
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity * MemoryLayout<Element>.stride, alignment: 64)
            .bindMemory(to: Element.self, capacity: capacity)
    }

    func reserve(_ count: Int) {
        if count <= capacity { return }
        base.deallocate()
        capacity = count
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity * MemoryLayout<Element>.stride, alignment: 64)
            .bindMemory(to: Element.self, capacity: capacity)
    }

    deinit { base.deallocate() }
}

/// Hands out consecutive 64-byte aligned slices of a base pointer. With a nil base it only measures.
struct BufferCarver<Element> {
    let base: UnsafeMutablePointer<Element>?
    private(set) var used = 0
    private let alignment = 64 / MemoryLayout<Element>.stride

    init(base: UnsafeMutablePointer<Element>?) { self.base = base }

    mutating func take(_ count: Int) -> UnsafeMutablePointer<Element> {
        // While measuring, hand out a never-dereferenced placeholder address.
        let start = (base ?? UnsafeMutablePointer(bitPattern: 64)!) + used
        used += (count + alignment - 1) / alignment * alignment
        return start
    }
}

/// Cached values of one encoder layer (all [B,T,C] unless stated).
struct EncoderLayerActivations {
    var query, key, value: UnsafeMutablePointer<Float>
    var probabilities: UnsafeMutablePointer<Float>        // [B,NH,T,T] P
    var droppedProbabilities: UnsafeMutablePointer<Float> // [B,NH,T,T] Pd (== P without attention dropout)
    var probabilityMask: UnsafeMutablePointer<UInt8>      // [B,NH,T,T] (reference path only)
    var context: UnsafeMutablePointer<Float>
    var attentionMask: UnsafeMutablePointer<UInt8>        // dropout mask after the attention output dense
    var attentionNormalized: UnsafeMutablePointer<Float>  // x̂ of the attention LayerNorm
    var attentionRstd: UnsafeMutablePointer<Float>        // [B,T]
    var attentionNormOut: UnsafeMutablePointer<Float>     // LayerNorm output = FFN input
    var ffnPre: UnsafeMutablePointer<Float>               // [B,T,F] before GELU
    var ffnAct: UnsafeMutablePointer<Float>               // [B,T,F] after GELU
    var outputMask: UnsafeMutablePointer<UInt8>           // dropout mask after the FFN output dense
    var outputNormalized: UnsafeMutablePointer<Float>     // x̂ of the output LayerNorm
    var outputRstd: UnsafeMutablePointer<Float>           // [B,T]
    var outputNormOut: UnsafeMutablePointer<Float>        // the layer's output
}

/// All buffers of one pass. Forward buffers first, so evaluation and training carve identical layouts for the
/// embeddings and the first two layers (evaluation reuses those two layers' buffers for the rest).
struct BertActivations {
    var B = 0, T = 0
    // Embeddings.
    var embeddingSum: UnsafeMutablePointer<Float>         // [B,T,C] before LayerNorm
    var embeddingNormalized: UnsafeMutablePointer<Float>  // [B,T,C]
    var embeddingRstd: UnsafeMutablePointer<Float>        // [B,T]
    var embeddingNormOut: UnsafeMutablePointer<Float>     // [B,T,C]
    var embeddingMask: UnsafeMutablePointer<UInt8>        // [B,T,C]
    var embeddingOut: UnsafeMutablePointer<Float>         // [B,T,C] after dropout (== NormOut without dropout)
    var layers: [EncoderLayerActivations]
    // Per-layer scratch of the forward pass, shared by all layers (not needed by backward).
    var denseOut: UnsafeMutablePointer<Float>             // [B,T,C] a dense output before dropout
    var dropped: UnsafeMutablePointer<Float>              // [B,T,C] after dropout
    var residual: UnsafeMutablePointer<Float>             // [B,T,C] LayerNorm input
    // Head.
    var cls: UnsafeMutablePointer<Float>                  // [B,C]
    var pooled: UnsafeMutablePointer<Float>               // [B,C] tanh output
    var pooledMask: UnsafeMutablePointer<UInt8>           // [B,C]
    var pooledDropped: UnsafeMutablePointer<Float>        // [B,C] classifier input
    var logits: UnsafeMutablePointer<Float>               // [B,K]
    var probabilities: UnsafeMutablePointer<Float>        // [B,K] softmax of the logits
    // Backward (carved only for training).
    var gradA, gradB, gradC, gradQ, gradK, gradV: UnsafeMutablePointer<Float>  // [B,T,C] each
    var gradFFN: UnsafeMutablePointer<Float>              // [B,T,F]
    var gradScores: UnsafeMutablePointer<Float>           // [B,NH,T,T]
    var gradHead: UnsafeMutablePointer<Float>             // [4,B,C]: dPooledDropped, dPooled, pooler scratch
    var gradLogits: UnsafeMutablePointer<Float>           // [B,K]
    var reductionPartials: UnsafeMutablePointer<Float>    // fused column sums: [blocks, max(3C, F)] or [B,3,C]
    var weightGradientPartials: UnsafeMutablePointer<Float> // [k-chunks, F, C] (`weightGradientGEMM`)

    /// Carves all buffers for a batch of B sequences of T tokens. `dropout` says which dropout sites are
    /// active; inactive ones alias their input so no copy is made.
    init(config: BertConfig, B: Int, T: Int, training: Bool, dropout: ActiveDropout,
         floats: inout BufferCarver<Float>, bytes: inout BufferCarver<UInt8>) {
        let (C, F, NH, K) = (config.hiddenSize, config.intermediateSize, config.heads, config.numLabels)
        let BTC = B * T * C, BT = B * T, probabilityCount = B * NH * T * T
        self.B = B
        self.T = T
        embeddingSum = floats.take(BTC)
        embeddingNormalized = floats.take(BTC)
        embeddingRstd = floats.take(BT)
        embeddingNormOut = floats.take(BTC)
        embeddingMask = bytes.take(dropout.hidden ? BTC : 0)
        embeddingOut = dropout.hidden ? floats.take(BTC) : embeddingNormOut
        // Training keeps every layer's activations for the backward pass. Evaluation keeps none: layer l reads
        // only layer l − 1's output, so two sets of buffers, used alternately, serve every layer (memory no
        // longer grows with L, and evaluation batches can be that much larger).
        var layers: [EncoderLayerActivations] = []
        layers.reserveCapacity(config.layers)
        for l in 0..<config.layers {
            if !training && l >= 2 {
                layers.append(layers[l - 2])
                continue
            }
            let probabilities = floats.take(probabilityCount)
            layers.append(EncoderLayerActivations(
                query: floats.take(BTC), key: floats.take(BTC), value: floats.take(BTC),
                probabilities: probabilities,
                droppedProbabilities: dropout.attention ? floats.take(probabilityCount) : probabilities,
                probabilityMask: bytes.take(dropout.attention ? probabilityCount : 0),
                context: floats.take(BTC),
                attentionMask: bytes.take(dropout.hidden ? BTC : 0),
                attentionNormalized: floats.take(BTC), attentionRstd: floats.take(BT),
                attentionNormOut: floats.take(BTC),
                ffnPre: floats.take(B * T * F), ffnAct: floats.take(B * T * F),
                outputMask: bytes.take(dropout.hidden ? BTC : 0),
                outputNormalized: floats.take(BTC), outputRstd: floats.take(BT),
                outputNormOut: floats.take(BTC)))
        }
        self.layers = layers
        denseOut = floats.take(BTC)
        dropped = floats.take(BTC)
        residual = floats.take(BTC)
        cls = floats.take(B * C)
        pooled = floats.take(B * C)
        pooledMask = bytes.take(dropout.classifier ? B * C : 0)
        pooledDropped = dropout.classifier ? floats.take(B * C) : pooled
        logits = floats.take(B * K)
        probabilities = floats.take(B * K)
        let g = training ? 1 : 0
        gradA = floats.take(g * BTC); gradB = floats.take(g * BTC); gradC = floats.take(g * BTC)
        gradQ = floats.take(g * BTC); gradK = floats.take(g * BTC); gradV = floats.take(g * BTC)
        gradFFN = floats.take(g * B * T * F)
        gradScores = floats.take(g * probabilityCount)
        gradHead = floats.take(g * 4 * B * C)
        gradLogits = floats.take(g * B * K)
        reductionPartials = floats.take(g * max(fusedBlockCount(BT) * max(3 * C, F), 3 * B * C))
        weightGradientPartials = floats.take(g * weightGradientScratchCount(m: max(F, C), n: C, k: BT))
    }
}

/// Which dropout sites run in this pass: only in training, and only where the rate is positive.
struct ActiveDropout: Equatable {
    var hidden: Bool
    var attention: Bool
    var classifier: Bool

    init(config: BertConfig, training: Bool) {
        hidden = training && config.hiddenDropout > 0
        attention = training && config.attentionDropout > 0
        classifier = training && config.effectiveClassifierDropout > 0
    }
}
