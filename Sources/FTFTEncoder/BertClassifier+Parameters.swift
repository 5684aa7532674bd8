// Typed views into the parameter arena (and, with the same layout, the gradient arena): one pointer per
// Hugging Face tensor, resolved once by name from `ParameterLayout`. Shapes are those of the layout.

/// Pointers to one encoder layer's tensors (`bert.encoder.layer.<l>.…`).
struct EncoderLayerTensors {
    let query: UnsafeMutablePointer<Float>               // [C,C]  attention.self.query.weight
    let queryBias: UnsafeMutablePointer<Float>           // [C]
    let key: UnsafeMutablePointer<Float>                 // [C,C]  attention.self.key.weight
    let keyBias: UnsafeMutablePointer<Float>             // [C]
    let value: UnsafeMutablePointer<Float>               // [C,C]  attention.self.value.weight
    let valueBias: UnsafeMutablePointer<Float>           // [C]
    let attentionOutput: UnsafeMutablePointer<Float>     // [C,C]  attention.output.dense.weight
    let attentionOutputBias: UnsafeMutablePointer<Float> // [C]
    let attentionNormWeight: UnsafeMutablePointer<Float> // [C]    attention.output.LayerNorm.weight
    let attentionNormBias: UnsafeMutablePointer<Float>   // [C]
    let intermediate: UnsafeMutablePointer<Float>        // [F,C]  intermediate.dense.weight
    let intermediateBias: UnsafeMutablePointer<Float>    // [F]
    let output: UnsafeMutablePointer<Float>              // [C,F]  output.dense.weight
    let outputBias: UnsafeMutablePointer<Float>          // [C]
    let outputNormWeight: UnsafeMutablePointer<Float>    // [C]    output.LayerNorm.weight
    let outputNormBias: UnsafeMutablePointer<Float>      // [C]
}

/// Pointers to every tensor of a `BertForSequenceClassification`, into one arena.
struct BertTensors {
    let wordEmbeddings: UnsafeMutablePointer<Float>      // [V,C]
    let positionEmbeddings: UnsafeMutablePointer<Float>  // [P,C]
    let tokenTypeEmbeddings: UnsafeMutablePointer<Float> // [TV,C]
    let embeddingNormWeight: UnsafeMutablePointer<Float> // [C]
    let embeddingNormBias: UnsafeMutablePointer<Float>   // [C]
    let layers: [EncoderLayerTensors]                    // L
    let poolerWeight: UnsafeMutablePointer<Float>        // [C,C]
    let poolerBias: UnsafeMutablePointer<Float>          // [C]
    let classifierWeight: UnsafeMutablePointer<Float>    // [K,C]
    let classifierBias: UnsafeMutablePointer<Float>      // [K]

    /// Resolves every name of `layout` against `base`. The layout is built from the same config, so every
    /// name exists; a missing one is a programming error in `ParameterLayout`.
    init(base: UnsafeMutablePointer<Float>, layout: ParameterLayout) {
        func at(_ name: String) -> UnsafeMutablePointer<Float> {
            guard let entry = layout.entry(name) else { preconditionFailure("ParameterLayout has no \(name)") }
            return base + entry.offset
        }
        wordEmbeddings = at("bert.embeddings.word_embeddings.weight")
        positionEmbeddings = at("bert.embeddings.position_embeddings.weight")
        tokenTypeEmbeddings = at("bert.embeddings.token_type_embeddings.weight")
        embeddingNormWeight = at("bert.embeddings.LayerNorm.weight")
        embeddingNormBias = at("bert.embeddings.LayerNorm.bias")
        layers = (0..<layout.config.layers).map { l in
            let p = "bert.encoder.layer.\(l)."
            return EncoderLayerTensors(
                query: at(p + "attention.self.query.weight"), queryBias: at(p + "attention.self.query.bias"),
                key: at(p + "attention.self.key.weight"), keyBias: at(p + "attention.self.key.bias"),
                value: at(p + "attention.self.value.weight"), valueBias: at(p + "attention.self.value.bias"),
                attentionOutput: at(p + "attention.output.dense.weight"),
                attentionOutputBias: at(p + "attention.output.dense.bias"),
                attentionNormWeight: at(p + "attention.output.LayerNorm.weight"),
                attentionNormBias: at(p + "attention.output.LayerNorm.bias"),
                intermediate: at(p + "intermediate.dense.weight"), intermediateBias: at(p + "intermediate.dense.bias"),
                output: at(p + "output.dense.weight"), outputBias: at(p + "output.dense.bias"),
                outputNormWeight: at(p + "output.LayerNorm.weight"), outputNormBias: at(p + "output.LayerNorm.bias"))
        }
        poolerWeight = at("bert.pooler.dense.weight")
        poolerBias = at("bert.pooler.dense.bias")
        classifierWeight = at("classifier.weight")
        classifierBias = at("classifier.bias")
    }
}
