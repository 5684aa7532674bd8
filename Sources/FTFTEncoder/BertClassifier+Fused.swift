import FTFTTensors

// The fast path of the encoder: the same computation as BertClassifier+Forward.swift and +Backward.swift
// (read those first), with the fused kernels of Kernels+Fused.swift and Kernels+AttentionFused.swift.
// Large projections run as fixed row panels on ftft's threads (`projectionGEMM`, Kernels+PanelGEMM.swift); biases
// are folded into the fused passes that follow each GEMM. Buffers mean what they mean in the reference path,
// except that the fused path skips the unused intermediates (embeddingSum, the dense-output scratch's
// dropped/residual copies, the embeddings' pre-dropout LayerNorm output).

extension BertClassifier {
    /// y = x·Wᵀ without bias (the fused passes add it), as fixed row panels.
    private func project(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                         bias: UnsafePointer<Float>?, N: Int, I: Int, O: Int, context: ComputeContext) {
        precondition(bias == nil, "the fused path adds biases in its fused passes")
        projectionGEMM(context, transA: false, transB: true, m: N, n: O, k: I,
                       a: input, lda: I, b: weight, ldb: I, beta: 0, c: out, ldc: O)
    }

    /// dx (+)= dy·W (row panels) and dW += dyᵀ·x (k-chunks over the N tokens, `weightGradientGEMM`), as
    /// `linearBackward` without the bias (the fused passes sum it). `partials` is the k-chunks' scratch.
    private func projectBackward(dInput: UnsafeMutablePointer<Float>, dWeight: UnsafeMutablePointer<Float>,
                                 dBias: UnsafeMutablePointer<Float>?, dOut: UnsafePointer<Float>,
                                 input: UnsafePointer<Float>, weight: UnsafePointer<Float>, N: Int, I: Int, O: Int,
                                 accumulateInput: Bool, partials: UnsafeMutablePointer<Float>, context: ComputeContext) {
        precondition(dBias == nil, "the fused path sums bias gradients in its fused passes")
        projectionGEMM(context, transA: false, transB: false, m: N, n: I, k: O,
                       a: dOut, lda: O, b: weight, ldb: I, beta: accumulateInput ? 1 : 0, c: dInput, ldc: I)
        weightGradientGEMM(context, m: O, n: I, k: N, a: dOut, lda: O, b: input, ldb: I, accumulate: true,
                           c: dWeight, ldc: I, partials: partials)
    }

    func fusedForwardEncoder(_ a: inout BertActivations, _ pass: Pass) {
        let (B, T, C, F) = (a.B, a.T, config.hiddenSize, config.intermediateSize)
        let BT = B * T, eps = config.layerNormEps, context = pass.context, threads = context.threads
        let hidden = pass.dropout.hidden
        embeddingLayerNormDropoutForward(
            out: a.embeddingOut, normalized: a.embeddingNormalized, rstd: a.embeddingRstd, mask: a.embeddingMask,
            inputIds: pass.ids, tokenTypeIds: pass.types, wordEmbeddings: weights.wordEmbeddings,
            positionEmbeddings: weights.positionEmbeddings, tokenTypeEmbeddings: weights.tokenTypeEmbeddings,
            weight: weights.embeddingNormWeight, bias: weights.embeddingNormBias, B: B, T: T, C: C, eps: eps,
            dropout: hidden ? pass.mask(site: DropoutSite.embeddings, probability: config.hiddenDropout) : nil,
            threads: threads)
        var x = UnsafePointer(a.embeddingOut)
        let shape = AttentionShape(B: B, T: T, C: C, NH: config.heads)
        for l in 0..<config.layers {
            let w = weights.layers[l], s = a.layers[l]
            project(out: s.query, input: x, weight: w.query, bias: nil, N: BT, I: C, O: C, context: context)
            project(out: s.key, input: x, weight: w.key, bias: nil, N: BT, I: C, O: C, context: context)
            project(out: s.value, input: x, weight: w.value, bias: nil, N: BT, I: C, O: C, context: context)
            attentionFusedForward(
                context: s.context, probabilities: s.probabilities, droppedProbabilities: s.droppedProbabilities,
                dropoutMask: s.probabilityMask, query: s.query, key: s.key, value: s.value,
                queryBias: w.queryBias, keyBias: w.keyBias, valueBias: w.valueBias, keyMask: pass.keyMask,
                shape: shape,
                dropout: pass.dropout.attention
                    ? pass.mask(site: DropoutSite.attentionProbabilities(layer: l), probability: config.attentionDropout)
                    : nil,
                context: context)
            project(out: a.denseOut, input: s.context, weight: w.attentionOutput, bias: nil, N: BT, I: C, O: C,
                          context: context)
            biasDropoutResidualLayerNormForward(
                out: s.attentionNormOut, normalized: s.attentionNormalized, rstd: s.attentionRstd,
                mask: s.attentionMask, dense: a.denseOut, denseBias: w.attentionOutputBias, residual: x,
                weight: w.attentionNormWeight, bias: w.attentionNormBias, N: BT, C: C, eps: eps,
                dropout: hidden
                    ? pass.mask(site: DropoutSite.attentionOutput(layer: l), probability: config.hiddenDropout) : nil,
                threads: threads)
            project(out: s.ffnPre, input: s.attentionNormOut, weight: w.intermediate, bias: nil,
                          N: BT, I: C, O: F, context: context)
            biasGELUForward(act: s.ffnAct, pre: s.ffnPre, bias: w.intermediateBias, N: BT, F: F, threads: threads)
            project(out: a.denseOut, input: s.ffnAct, weight: w.output, bias: nil, N: BT, I: F, O: C,
                          context: context)
            biasDropoutResidualLayerNormForward(
                out: s.outputNormOut, normalized: s.outputNormalized, rstd: s.outputRstd, mask: s.outputMask,
                dense: a.denseOut, denseBias: w.outputBias, residual: s.attentionNormOut,
                weight: w.outputNormWeight, bias: w.outputNormBias, N: BT, C: C, eps: eps,
                dropout: hidden
                    ? pass.mask(site: DropoutSite.feedForwardOutput(layer: l), probability: config.hiddenDropout) : nil,
                threads: threads)
            x = UnsafePointer(s.outputNormOut)
        }
    }

    func fusedBackwardEncoder(_ a: inout BertActivations, _ pass: Pass) {
        let (B, T, C, F) = (a.B, a.T, config.hiddenSize, config.intermediateSize)
        let BT = B * T, context = pass.context, threads = context.threads, g = weightGradients
        let hidden = pass.dropout.hidden
        let scale = 1 / (1 - config.hiddenDropout)
        let shape = AttentionShape(B: B, T: T, C: C, NH: config.heads)
        for l in stride(from: config.layers - 1, through: 0, by: -1) {
            let w = weights.layers[l], gw = g.layers[l], s = a.layers[l]
            let x = l > 0 ? UnsafePointer(a.layers[l - 1].outputNormOut) : UnsafePointer(a.embeddingOut)
            // BertOutput: gradA = d(layer output) → gradB = d(residual) (= d(attentionNormOut) so far),
            // gradC = d(FFN dense output) (gradB itself without dropout).
            layerNormDropoutBackward(
                dResidual: a.gradB, dDense: hidden ? a.gradC : nil, partials: a.reductionPartials,
                dWeight: gw.outputNormWeight, dBias: gw.outputNormBias, dDenseBias: gw.outputBias, dOut: a.gradA,
                normalized: s.outputNormalized, rstd: s.outputRstd, weight: w.outputNormWeight,
                mask: hidden ? s.outputMask : nil, inputMask: nil, scale: scale, N: BT, C: C, threads: threads)
            let dDense = hidden ? UnsafePointer(a.gradC) : UnsafePointer(a.gradB)
            projectBackward(dInput: a.gradFFN, dWeight: gw.output, dBias: nil, dOut: dDense, input: s.ffnAct,
                           weight: w.output, N: BT, I: F, O: C, accumulateInput: false,
                           partials: a.weightGradientPartials, context: context)
            geluBiasBackward(d: a.gradFFN, partials: a.reductionPartials, dBias: gw.intermediateBias, pre: s.ffnPre,
                             N: BT, F: F, threads: threads)
            projectBackward(dInput: a.gradB, dWeight: gw.intermediate, dBias: nil, dOut: a.gradFFN,
                           input: s.attentionNormOut, weight: w.intermediate, N: BT, I: C, O: F,
                           accumulateInput: true, partials: a.weightGradientPartials, context: context)
            // BertSelfOutput: gradB = d(attentionNormOut) → gradA = d(residual) (= d(x) so far), gradC = d(dense).
            layerNormDropoutBackward(
                dResidual: a.gradA, dDense: hidden ? a.gradC : nil, partials: a.reductionPartials,
                dWeight: gw.attentionNormWeight, dBias: gw.attentionNormBias, dDenseBias: gw.attentionOutputBias,
                dOut: a.gradB, normalized: s.attentionNormalized, rstd: s.attentionRstd,
                weight: w.attentionNormWeight, mask: hidden ? s.attentionMask : nil, inputMask: nil, scale: scale,
                N: BT, C: C, threads: threads)
            let dAttentionDense = hidden ? UnsafePointer(a.gradC) : UnsafePointer(a.gradA)
            projectBackward(dInput: a.gradB, dWeight: gw.attentionOutput, dBias: nil, dOut: dAttentionDense,
                           input: s.context, weight: w.attentionOutput, N: BT, I: C, O: C, accumulateInput: false,
                           partials: a.weightGradientPartials, context: context)
            attentionFusedBackward(
                dQuery: a.gradQ, dKey: a.gradK, dValue: a.gradV, dQueryBias: gw.queryBias, dKeyBias: gw.keyBias,
                dValueBias: gw.valueBias, dScores: a.gradScores, partials: a.reductionPartials, dContext: a.gradB,
                probabilities: s.probabilities, droppedProbabilities: s.droppedProbabilities,
                query: s.query, key: s.key, value: s.value, shape: shape, context: context)
            projectBackward(dInput: a.gradA, dWeight: gw.query, dBias: nil, dOut: a.gradQ, input: x, weight: w.query,
                           N: BT, I: C, O: C, accumulateInput: true, partials: a.weightGradientPartials, context: context)
            projectBackward(dInput: a.gradA, dWeight: gw.key, dBias: nil, dOut: a.gradK, input: x, weight: w.key,
                           N: BT, I: C, O: C, accumulateInput: true, partials: a.weightGradientPartials, context: context)
            projectBackward(dInput: a.gradA, dWeight: gw.value, dBias: nil, dOut: a.gradV, input: x, weight: w.value,
                           N: BT, I: C, O: C, accumulateInput: true, partials: a.weightGradientPartials, context: context)
        }
        // BertEmbeddings: dropout after the LayerNorm, so its mask applies to the incoming gradient.
        layerNormDropoutBackward(
            dResidual: a.gradC, dDense: nil, partials: a.reductionPartials, dWeight: g.embeddingNormWeight,
            dBias: g.embeddingNormBias, dDenseBias: nil, dOut: a.gradA, normalized: a.embeddingNormalized,
            rstd: a.embeddingRstd, weight: weights.embeddingNormWeight, mask: nil,
            inputMask: hidden ? a.embeddingMask : nil, scale: scale, N: BT, C: C, threads: threads)
        embeddingBackward(dWordEmbeddings: g.wordEmbeddings, dPositionEmbeddings: g.positionEmbeddings,
                          dTokenTypeEmbeddings: g.tokenTypeEmbeddings, dOut: a.gradC, inputIds: pass.ids,
                          tokenTypeIds: pass.types, padTokenId: config.padTokenId, B: B, T: T, C: C)
    }
}
