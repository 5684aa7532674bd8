import FTFTTensors

extension BertClassifier {
    /// Random initialisation exactly as Hugging Face transformers 5.x `PreTrainedModel._init_weights` does it
    /// for BERT (`BertPreTrainedModel._init_weights` only adds buffers on top):
    ///
    /// - `nn.Linear` weights (Q, K, V, attention output, intermediate, output, pooler, classifier) and all
    ///   `nn.Embedding` weights: normal(0, initializer_range);
    /// - Linear biases: 0; LayerNorm weight: 1, LayerNorm bias: 0;
    /// - the word-embedding row of `pad_token_id` (the Embedding's `padding_idx`): 0.
    ///
    /// The distribution is Hugging Face's; the numbers are not (torch's generator is not ftft's). Parameter
    /// number i in layout order draws from `random.stream(.initialization, i)`, so each tensor's values depend
    /// only on the seed and its position in the layout. Gradients are zeroed too.
    public func initializeRandomly(_ random: SeededRandom) {
        parameters.zero()
        gradients.zero()
        let std = config.initializerRange
        for (index, entry) in layout.entries.enumerated() {
            let values = parameters.data + entry.offset
            if entry.name.contains("LayerNorm.weight") {
                values.update(repeating: 1, count: entry.count)
            } else if entry.name.hasSuffix(".bias") {
                values.update(repeating: 0, count: entry.count)
            } else {
                var stream = random.stream(.initialization, UInt64(index))
                stream.fillNormal(values, count: entry.count, mean: 0, std: std)
            }
        }
        (weights.wordEmbeddings + config.padTokenId * config.hiddenSize).update(repeating: 0, count: config.hiddenSize)
    }
}
