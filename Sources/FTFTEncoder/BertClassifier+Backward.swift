import FTFTTensors

// The backward pass, reference implementation: the forward's kernels in reverse, each backward ACCUMULATING
// into the parameter gradients. Activation gradients rotate through a few [B,T,C] buffers:
//
//     gradA  d(current residual stream): the layer output's gradient on entry, the layer input's on exit
//     gradB  d(LayerNorm input), which is also the residual branch's gradient
//     gradC  d(dense output), after dropout's backward
//     gradQ, gradK, gradV, gradFFN [B,T,F], gradScores [B,NH,T,T]

extension BertClassifier {
    /// Backward from the mean cross-entropy of the last `forwardHead` down to the embeddings.
    func backward(_ a: inout BertActivations, _ pass: Pass) {
        backwardHead(&a, pass)
        switch kernelPath {
        case .reference: referenceBackwardEncoder(&a, pass)
        case .fused: fusedBackwardEncoder(&a, pass)
        }
    }

    /// Cross-entropy → classifier → classifier dropout → pooler; leaves d(last hidden state) in gradA.
    private func backwardHead(_ a: inout BertActivations, _ pass: Pass) {
        let (B, T, C, K) = (a.B, a.T, config.hiddenSize, config.numLabels)
        guard let labels = pass.labels else { preconditionFailure("backward needs labels") }
        let g = weightGradients, context = pass.context
        crossEntropyBackward(dLogits: a.gradLogits, probabilities: a.probabilities, labels: labels, B: B, K: K)
        let dPooledDropped = a.gradHead, dPooled = a.gradHead + B * C, poolerScratch = a.gradHead + 2 * B * C
        linearBackward(dInput: dPooledDropped, dWeight: g.classifierWeight, dBias: g.classifierBias,
                       dOut: a.gradLogits, input: a.pooledDropped, weight: weights.classifierWeight,
                       N: B, I: C, O: K, accumulateInput: false, context: context)
        var dPooledIn = UnsafePointer(dPooledDropped)
        if pass.dropout.classifier {
            dropoutBackward(dInput: dPooled, dOut: dPooledDropped, mask: a.pooledMask, N: B * C,
                            scale: 1 / (1 - config.effectiveClassifierDropout), accumulate: false)
            dPooledIn = UnsafePointer(dPooled)
        }
        a.gradA.update(repeating: 0, count: B * T * C)
        poolerBackward(dHidden: a.gradA, dWeight: g.poolerWeight, dBias: g.poolerBias, scratch: poolerScratch,
                       dPooled: dPooledIn, pooled: a.pooled, cls: a.cls, weight: weights.poolerWeight,
                       B: B, T: T, C: C, context: context)
    }

    private func referenceBackwardEncoder(_ a: inout BertActivations, _ pass: Pass) {
        let (B, T, C, F) = (a.B, a.T, config.hiddenSize, config.intermediateSize)
        let BT = B * T, context = pass.context, g = weightGradients
        let hiddenScale = 1 / (1 - config.hiddenDropout)
        let shape = AttentionShape(B: B, T: T, C: C, NH: config.heads)
        for l in stride(from: config.layers - 1, through: 0, by: -1) {
            let w = weights.layers[l], gw = g.layers[l], s = a.layers[l]
            let x = l > 0 ? UnsafePointer(a.layers[l - 1].outputNormOut) : UnsafePointer(a.embeddingOut)
            // BertOutput: LayerNorm(dropout(dense(ffnAct)) + attentionNormOut)
            layerNormBackward(dInput: a.gradB, dWeight: gw.outputNormWeight, dBias: gw.outputNormBias, dOut: a.gradA,
                              normalized: s.outputNormalized, rstd: s.outputRstd, weight: w.outputNormWeight,
                              N: BT, C: C, accumulate: false)
            var dDense = UnsafePointer(a.gradB)
            if pass.dropout.hidden {
                dropoutBackward(dInput: a.gradC, dOut: a.gradB, mask: s.outputMask, N: BT * C, scale: hiddenScale,
                                accumulate: false)
                dDense = UnsafePointer(a.gradC)
            }
            linearBackward(dInput: a.gradFFN, dWeight: gw.output, dBias: gw.outputBias, dOut: dDense, input: s.ffnAct,
                           weight: w.output, N: BT, I: F, O: C, accumulateInput: false, context: context)
            // BertIntermediate: GELU(dense(attentionNormOut)); its input gradient adds to the residual's (gradB).
            geluBackward(dInput: a.gradFFN, dOut: a.gradFFN, input: s.ffnPre, N: BT * F)
            linearBackward(dInput: a.gradB, dWeight: gw.intermediate, dBias: gw.intermediateBias, dOut: a.gradFFN,
                           input: s.attentionNormOut, weight: w.intermediate, N: BT, I: C, O: F,
                           accumulateInput: true, context: context)
            // BertSelfOutput: LayerNorm(dropout(dense(context)) + x)
            layerNormBackward(dInput: a.gradA, dWeight: gw.attentionNormWeight, dBias: gw.attentionNormBias,
                              dOut: a.gradB, normalized: s.attentionNormalized, rstd: s.attentionRstd,
                              weight: w.attentionNormWeight, N: BT, C: C, accumulate: false)
            dDense = UnsafePointer(a.gradA)
            if pass.dropout.hidden {
                dropoutBackward(dInput: a.gradC, dOut: a.gradA, mask: s.attentionMask, N: BT * C, scale: hiddenScale,
                                accumulate: false)
                dDense = UnsafePointer(a.gradC)
            }
            linearBackward(dInput: a.gradB, dWeight: gw.attentionOutput, dBias: gw.attentionOutputBias, dOut: dDense,
                           input: s.context, weight: w.attentionOutput, N: BT, I: C, O: C, accumulateInput: false,
                           context: context)
            // BertSelfAttention; Q, K, V input gradients add to the residual's (gradA), giving d(x).
            attentionBackward(dQuery: a.gradQ, dKey: a.gradK, dValue: a.gradV, dScores: a.gradScores,
                              dContext: a.gradB, probabilities: s.probabilities,
                              droppedProbabilities: s.droppedProbabilities, dropoutMask: s.probabilityMask,
                              query: s.query, key: s.key, value: s.value, shape: shape,
                              dropout: pass.dropout.attention
                                ? pass.mask(site: DropoutSite.attentionProbabilities(layer: l),
                                            probability: config.attentionDropout) : nil,
                              context: context)
            linearBackward(dInput: a.gradA, dWeight: gw.query, dBias: gw.queryBias, dOut: a.gradQ, input: x,
                           weight: w.query, N: BT, I: C, O: C, accumulateInput: true, context: context)
            linearBackward(dInput: a.gradA, dWeight: gw.key, dBias: gw.keyBias, dOut: a.gradK, input: x,
                           weight: w.key, N: BT, I: C, O: C, accumulateInput: true, context: context)
            linearBackward(dInput: a.gradA, dWeight: gw.value, dBias: gw.valueBias, dOut: a.gradV, input: x,
                           weight: w.value, N: BT, I: C, O: C, accumulateInput: true, context: context)
        }
        // BertEmbeddings: dropout(LayerNorm(word + type + position))
        var dNormOut = UnsafePointer(a.gradA)
        if pass.dropout.hidden {
            dropoutBackward(dInput: a.gradB, dOut: a.gradA, mask: a.embeddingMask, N: BT * C, scale: hiddenScale,
                            accumulate: false)
            dNormOut = UnsafePointer(a.gradB)
        }
        layerNormBackward(dInput: a.gradC, dWeight: g.embeddingNormWeight, dBias: g.embeddingNormBias, dOut: dNormOut,
                          normalized: a.embeddingNormalized, rstd: a.embeddingRstd, weight: weights.embeddingNormWeight,
                          N: BT, C: C, accumulate: false)
        embeddingBackward(dWordEmbeddings: g.wordEmbeddings, dPositionEmbeddings: g.positionEmbeddings,
                          dTokenTypeEmbeddings: g.tokenTypeEmbeddings, dOut: a.gradC, inputIds: pass.ids,
                          tokenTypeIds: pass.types, padTokenId: config.padTokenId, B: B, T: T, C: C)
    }
}
