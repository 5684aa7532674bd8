import FTFTTensors

// The forward pass, reference implementation: one simple kernel per formula, in the order of Hugging Face's
// modules (BertEmbeddings → L × BertLayer → BertPooler → dropout → classifier → CrossEntropyLoss).
// The fused path lives in BertClassifier+Fused.swift and computes the same buffers.

extension BertClassifier {
    /// Embeddings and every encoder layer; leaves the last hidden state in `a.encoderOutput`.
    func forwardEncoder(_ a: inout BertActivations, _ pass: Pass) {
        switch kernelPath {
        case .reference: referenceForwardEncoder(&a, pass)
        case .fused: fusedForwardEncoder(&a, pass)
        }
    }

    /// Pooler, classifier dropout, classifier and (with labels) the mean cross-entropy, which it returns.
    func forwardHead(_ a: inout BertActivations, _ pass: Pass) -> Float {
        let (B, T, C, K) = (a.B, a.T, config.hiddenSize, config.numLabels)
        poolerForward(pooled: a.pooled, cls: a.cls, hidden: a.encoderOutput(config), weight: weights.poolerWeight,
                      bias: weights.poolerBias, B: B, T: T, C: C, context: pass.context)
        if pass.dropout.classifier {
            dropoutForward(out: a.pooledDropped, mask: a.pooledMask, input: a.pooled, N: B * C,
                           dropout: pass.mask(site: DropoutSite.classifier(layers: config.layers),
                                              probability: config.effectiveClassifierDropout))
        }
        linearForward(out: a.logits, input: a.pooledDropped, weight: weights.classifierWeight,
                      bias: weights.classifierBias, N: B, I: C, O: K, context: pass.context)
        guard let labels = pass.labels else { return 0 }
        return crossEntropyForward(probabilities: a.probabilities, losses: nil, logits: a.logits, labels: labels,
                                   B: B, K: K)
    }

    private func referenceForwardEncoder(_ a: inout BertActivations, _ pass: Pass) {
        let (B, T, C, F) = (a.B, a.T, config.hiddenSize, config.intermediateSize)
        let BT = B * T, eps = config.layerNormEps, context = pass.context
        embeddingForward(out: a.embeddingSum, inputIds: pass.ids, tokenTypeIds: pass.types,
                         wordEmbeddings: weights.wordEmbeddings, positionEmbeddings: weights.positionEmbeddings,
                         tokenTypeEmbeddings: weights.tokenTypeEmbeddings, B: B, T: T, C: C)
        layerNormForward(out: a.embeddingNormOut, normalized: a.embeddingNormalized, rstd: a.embeddingRstd,
                         input: a.embeddingSum, weight: weights.embeddingNormWeight, bias: weights.embeddingNormBias,
                         N: BT, C: C, eps: eps)
        if pass.dropout.hidden {
            dropoutForward(out: a.embeddingOut, mask: a.embeddingMask, input: a.embeddingNormOut, N: BT * C,
                           dropout: pass.mask(site: DropoutSite.embeddings, probability: config.hiddenDropout))
        }
        var x = UnsafePointer(a.embeddingOut)
        let shape = AttentionShape(B: B, T: T, C: C, NH: config.heads)
        for l in 0..<config.layers {
            let w = weights.layers[l], s = a.layers[l]
            // BertSelfAttention
            linearForward(out: s.query, input: x, weight: w.query, bias: w.queryBias, N: BT, I: C, O: C, context: context)
            linearForward(out: s.key, input: x, weight: w.key, bias: w.keyBias, N: BT, I: C, O: C, context: context)
            linearForward(out: s.value, input: x, weight: w.value, bias: w.valueBias, N: BT, I: C, O: C, context: context)
            attentionForward(context: s.context, probabilities: s.probabilities,
                             droppedProbabilities: s.droppedProbabilities, dropoutMask: s.probabilityMask,
                             query: s.query, key: s.key, value: s.value, keyMask: pass.keyMask, shape: shape,
                             dropout: pass.dropout.attention
                                ? pass.mask(site: DropoutSite.attentionProbabilities(layer: l),
                                            probability: config.attentionDropout) : nil,
                             context: context)
            // BertSelfOutput: dense → dropout → LayerNorm(· + x)
            linearForward(out: a.denseOut, input: s.context, weight: w.attentionOutput, bias: w.attentionOutputBias,
                          N: BT, I: C, O: C, context: context)
            var dropped = UnsafePointer(a.denseOut)
            if pass.dropout.hidden {
                dropoutForward(out: a.dropped, mask: s.attentionMask, input: a.denseOut, N: BT * C,
                               dropout: pass.mask(site: DropoutSite.attentionOutput(layer: l),
                                                  probability: config.hiddenDropout))
                dropped = UnsafePointer(a.dropped)
            }
            residualForward(out: a.residual, a: dropped, b: x, N: BT * C)
            layerNormForward(out: s.attentionNormOut, normalized: s.attentionNormalized, rstd: s.attentionRstd,
                             input: a.residual, weight: w.attentionNormWeight, bias: w.attentionNormBias,
                             N: BT, C: C, eps: eps)
            // BertIntermediate: dense → GELU
            linearForward(out: s.ffnPre, input: s.attentionNormOut, weight: w.intermediate, bias: w.intermediateBias,
                          N: BT, I: C, O: F, context: context)
            geluForward(out: s.ffnAct, input: s.ffnPre, N: BT * F)
            // BertOutput: dense → dropout → LayerNorm(· + attention output)
            linearForward(out: a.denseOut, input: s.ffnAct, weight: w.output, bias: w.outputBias,
                          N: BT, I: F, O: C, context: context)
            dropped = UnsafePointer(a.denseOut)
            if pass.dropout.hidden {
                dropoutForward(out: a.dropped, mask: s.outputMask, input: a.denseOut, N: BT * C,
                               dropout: pass.mask(site: DropoutSite.feedForwardOutput(layer: l),
                                                  probability: config.hiddenDropout))
                dropped = UnsafePointer(a.dropped)
            }
            residualForward(out: a.residual, a: dropped, b: s.attentionNormOut, N: BT * C)
            layerNormForward(out: s.outputNormOut, normalized: s.outputNormalized, rstd: s.outputRstd,
                             input: a.residual, weight: w.outputNormWeight, bias: w.outputNormBias,
                             N: BT, C: C, eps: eps)
            x = UnsafePointer(s.outputNormOut)
        }
    }
}
