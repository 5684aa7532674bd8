import FTFTTensors

/// Hugging Face's `BertForSequenceClassification` in ftft: a post-LayerNorm BERT encoder, the tanh pooler on
/// [CLS], dropout and a linear head, trained with mean cross-entropy.
///
/// Parameters and gradients live in two arenas laid out by `ParameterLayout` (Hugging Face state-dict order,
/// `bert.` prefix), so a PyTorch state dict maps onto them name by name. Activations live in grow-only
/// buffers reused across calls. Not thread-safe: one pass at a time per instance (a pass uses threads itself).
///
/// Two implementations of the same pass are kept: `.reference` composes the simple kernels one formula at a
/// time (sequential, statistics in Double) and is the oracle; `.fused` is the fast path (fused elementwise
/// work, attention threaded over batch·heads) and is tested against it.
public final class BertClassifier: SequenceClassifier {
    public enum KernelPath: String, Sendable, CaseIterable {
        case reference
        case fused
    }

    public let config: BertConfig
    public let layout: ParameterLayout
    /// [layout.totalCount] every parameter, zero until initialised or loaded.
    public let parameters: Tensor
    /// [layout.totalCount] gradients in the same layout; `trainingStep` accumulates, the caller zeroes.
    public let gradients: Tensor
    /// Which implementation runs the passes (both compute the same function; see the type's comment).
    public var kernelPath: KernelPath = .fused

    let weights: BertTensors
    let weightGradients: BertTensors
    let floatArena = GrowOnlyBuffer<Float>()
    let byteArena = GrowOnlyBuffer<UInt8>()

    /// Validates `config` (throws `EncoderError.invalidConfig` naming the field) and allocates zeroed
    /// parameters and gradients.
    public init(config: BertConfig) throws {
        try config.validate()
        guard config.numLabels >= 2 else {
            throw EncoderError.invalidConfig(field: "num_labels",
                                             reason: "must be at least 2 (ftft trains classifiers with cross-entropy)")
        }
        guard config.padTokenId >= 0 && config.padTokenId < config.vocabSize else {
            throw EncoderError.invalidConfig(field: "pad_token_id", reason: "must be in 0..<vocab_size (\(config.vocabSize))")
        }
        guard config.layers + 1 < 1 << 14 else {
            throw EncoderError.invalidConfig(field: "num_hidden_layers", reason: "too many layers for the dropout site numbering")
        }
        self.config = config
        layout = ParameterLayout(config: config)
        parameters = Tensor(zeros: [layout.totalCount])
        gradients = Tensor(zeros: [layout.totalCount])
        weights = BertTensors(base: parameters.data, layout: layout)
        weightGradients = BertTensors(base: gradients.data, layout: layout)
    }

    public var numLabels: Int { config.numLabels }
    public var parameterEntries: [ParameterLayout.Entry] { layout.entries }

    /// The buffer of the parameter `name` (Hugging Face name with `bert.` prefix), or nil if there is none.
    public func parameter(named name: String) -> UnsafeMutableBufferPointer<Float>? {
        layout.entry(name).map { UnsafeMutableBufferPointer(start: parameters.data + $0.offset, count: $0.count) }
    }

    /// The gradient buffer of the parameter `name`, or nil if there is none.
    public func gradient(named name: String) -> UnsafeMutableBufferPointer<Float>? {
        layout.entry(name).map { UnsafeMutableBufferPointer(start: gradients.data + $0.offset, count: $0.count) }
    }

    // MARK: SequenceClassifier

    public func trainingStep(batch: TokenBatch, random: SeededRandom, step: Int, context: ComputeContext) throws
        -> (loss: Float, logits: [Float]) {
        try validate(batch, needsLabels: true)
        guard step >= 0 && step < 1 << 40 else {
            throw EncoderError.invalidBatch(field: "step", index: 0, reason: "must be in 0..<2^40, got \(step)")
        }
        let dropout = ActiveDropout(config: config, training: true)
        var a = prepare(B: batch.batchSize, T: batch.length, training: true, dropout: dropout)
        let loss = withBatchPointers(batch) { ids, types, mask, labels in
            let pass = Pass(ids: ids, types: types, keyMask: mask, labels: labels, random: random, step: step,
                            dropout: dropout, context: context)
            forwardEncoder(&a, pass)
            let loss = forwardHead(&a, pass)
            backward(&a, pass)
            return loss
        }
        return (loss, Array(UnsafeBufferPointer(start: a.logits, count: batch.batchSize * numLabels)))
    }

    public func logits(batch: TokenBatch, context: ComputeContext) throws -> [Float] {
        try validate(batch, needsLabels: false)
        let dropout = ActiveDropout(config: config, training: false)
        var a = prepare(B: batch.batchSize, T: batch.length, training: false, dropout: dropout)
        withBatchPointers(batch) { ids, types, mask, labels in
            let pass = Pass(ids: ids, types: types, keyMask: mask, labels: nil, random: SeededRandom(seed: 0),
                            step: 0, dropout: dropout, context: context)
            forwardEncoder(&a, pass)
            _ = forwardHead(&a, pass)
        }
        return Array(UnsafeBufferPointer(start: a.logits, count: batch.batchSize * numLabels))
    }

    /// The encoder's last hidden state [B,T,C] in evaluation mode (no dropout), as Hugging Face's
    /// `last_hidden_state`; padded positions included.
    public func hiddenStates(batch: TokenBatch, context: ComputeContext) throws -> [Float] {
        try validate(batch, needsLabels: false)
        let dropout = ActiveDropout(config: config, training: false)
        var a = prepare(B: batch.batchSize, T: batch.length, training: false, dropout: dropout)
        withBatchPointers(batch) { ids, types, mask, _ in
            let pass = Pass(ids: ids, types: types, keyMask: mask, labels: nil, random: SeededRandom(seed: 0),
                            step: 0, dropout: dropout, context: context)
            forwardEncoder(&a, pass)
        }
        return Array(UnsafeBufferPointer(start: a.encoderOutput(config), count: batch.batchSize * batch.length * config.hiddenSize))
    }

    // MARK: Plumbing

    /// Everything one pass needs besides the buffers.
    struct Pass {
        let ids: UnsafePointer<Int32>        // [B,T]
        let types: UnsafePointer<Int32>      // [B,T]
        let keyMask: UnsafePointer<UInt8>    // [B,T]
        let labels: UnsafePointer<Int32>?    // [B], training only
        let random: SeededRandom
        let step: Int
        let dropout: ActiveDropout
        let context: ComputeContext

        func mask(site: UInt32, probability: Float) -> DropoutMask {
            DropoutMask(random: random, step: step, site: site, probability: probability)
        }
    }

    /// Sizes the arenas for this batch (growing them if needed) and carves the buffers.
    func prepare(B: Int, T: Int, training: Bool, dropout: ActiveDropout) -> BertActivations {
        var measureFloats = BufferCarver<Float>(base: nil), measureBytes = BufferCarver<UInt8>(base: nil)
        _ = BertActivations(config: config, B: B, T: T, training: training, dropout: dropout,
                            floats: &measureFloats, bytes: &measureBytes)
        floatArena.reserve(measureFloats.used)
        byteArena.reserve(measureBytes.used)
        var floats = BufferCarver(base: floatArena.base), bytes = BufferCarver(base: byteArena.base)
        return BertActivations(config: config, B: B, T: T, training: training, dropout: dropout,
                               floats: &floats, bytes: &bytes)
    }

    private func withBatchPointers<R>(
        _ batch: TokenBatch,
        _ body: (UnsafePointer<Int32>, UnsafePointer<Int32>, UnsafePointer<UInt8>, UnsafePointer<Int32>) throws -> R
    ) rethrows -> R {
        try batch.inputIds.withUnsafeBufferPointer { ids in
            try batch.tokenTypeIds.withUnsafeBufferPointer { types in
                try batch.attentionMask.withUnsafeBufferPointer { mask in
                    try batch.labels.withUnsafeBufferPointer { labels in
                        // A batch has B ≥ 1 and T ≥ 1 (checked by `validate`), so no buffer is empty.
                        try body(ids.baseAddress!, types.baseAddress!, mask.baseAddress!, labels.baseAddress!)
                    }
                }
            }
        }
    }

    /// Rejects batches the model cannot run, naming the field and the flat index.
    func validate(_ batch: TokenBatch, needsLabels: Bool) throws {
        let (B, T) = (batch.batchSize, batch.length)
        guard B > 0 else { throw EncoderError.invalidBatch(field: "batchSize", index: 0, reason: "must be positive") }
        guard T > 0 else { throw EncoderError.invalidBatch(field: "length", index: 0, reason: "must be positive") }
        guard T <= config.maxPositions else {
            throw EncoderError.invalidBatch(field: "length", index: 0,
                                            reason: "\(T) exceeds max_position_embeddings \(config.maxPositions)")
        }
        for (i, id) in batch.inputIds.enumerated() where id < 0 || Int(id) >= config.vocabSize {
            throw EncoderError.invalidBatch(field: "inputIds", index: i, reason: "\(id) is outside 0..<\(config.vocabSize)")
        }
        for (i, t) in batch.tokenTypeIds.enumerated() where t < 0 || Int(t) >= config.typeVocabSize {
            throw EncoderError.invalidBatch(field: "tokenTypeIds", index: i,
                                            reason: "\(t) is outside 0..<\(config.typeVocabSize)")
        }
        for (i, m) in batch.attentionMask.enumerated() where m > 1 {
            throw EncoderError.invalidBatch(field: "attentionMask", index: i, reason: "\(m) is neither 0 nor 1")
        }
        if needsLabels {
            for (i, y) in batch.labels.enumerated() where y < 0 || Int(y) >= numLabels {
                throw EncoderError.invalidBatch(field: "labels", index: i, reason: "\(y) is outside 0..<\(numLabels)")
            }
        }
    }
}

extension BertActivations {
    /// The encoder's output [B,T,C]: the last layer's output, or the embeddings when L = 0.
    func encoderOutput(_ config: BertConfig) -> UnsafeMutablePointer<Float> {
        layers.last?.outputNormOut ?? embeddingOut
    }
}
