import FTFTEncoder
import FTFTTensors
import FTFTTestSupport
import Testing

// Level 1 of the golden suite: every reference kernel on tiny shapes against PyTorch / Hugging Face, forward
// and backward, intermediates included (golden/generate_encoder.py writes the fixtures).

@Suite("Level 1: reference kernels against PyTorch")
struct Level1KernelTests {
    let context = ComputeContext(backend: .blas)

    @Test func embedding() throws {
        let f = try GoldenFixture("encoder_l1_embedding.ftg")
        let ids = try f.int32s("input_ids"), types = try f.int32s("token_type_ids")
        let (B, T) = (try f.shape("input_ids")[0], try f.shape("input_ids")[1])
        let word = try f.tensor("word_embeddings"), position = try f.tensor("position_embeddings")
        let tokenType = try f.tensor("token_type_embeddings")
        let C = word.shape[1]
        let out = Tensor(zeros: [B, T, C])
        withInt32s(ids) { ids in
            withInt32s(types) { types in
                embeddingForward(out: out.data, inputIds: ids, tokenTypeIds: types, wordEmbeddings: word.data,
                                 positionEmbeddings: position.data, tokenTypeEmbeddings: tokenType.data,
                                 B: B, T: T, C: C)
            }
        }
        try f.check("out", out, .forward)
        let dWord = Tensor(zeros: word.shape), dPosition = Tensor(zeros: position.shape)
        let dType = Tensor(zeros: tokenType.shape)
        let dOut = try f.tensor("dout")
        withInt32s(ids) { ids in
            withInt32s(types) { types in
                embeddingBackward(dWordEmbeddings: dWord.data, dPositionEmbeddings: dPosition.data,
                                  dTokenTypeEmbeddings: dType.data, dOut: dOut.data, inputIds: ids,
                                  tokenTypeIds: types, padTokenId: 0, B: B, T: T, C: C)
            }
        }
        try f.check("d_word_embeddings", dWord, .gradient)
        try f.check("d_position_embeddings", dPosition, .gradient)
        try f.check("d_token_type_embeddings", dType, .gradient)
    }

    @Test func layerNorm() throws {
        let f = try GoldenFixture("encoder_l1_layernorm.ftg")
        let x = try f.tensor("x"), weight = try f.tensor("weight"), bias = try f.tensor("bias")
        let (N, C) = (x.shape[0], x.shape[1])
        let out = Tensor(zeros: [N, C]), normalized = Tensor(zeros: [N, C]), rstd = Tensor(zeros: [N])
        layerNormForward(out: out.data, normalized: normalized.data, rstd: rstd.data, input: x.data,
                         weight: weight.data, bias: bias.data, N: N, C: C, eps: 1e-12)
        try f.check("out", out, .forward)
        try f.check("normalized", normalized, .forward)
        try f.check("rstd", rstd, .forward)
        let dx = Tensor(zeros: [N, C]), dWeight = Tensor(zeros: [C]), dBias = Tensor(zeros: [C])
        let dOut = try f.tensor("dout")
        layerNormBackward(dInput: dx.data, dWeight: dWeight.data, dBias: dBias.data, dOut: dOut.data,
                          normalized: normalized.data, rstd: rstd.data, weight: weight.data,
                          N: N, C: C, accumulate: false)
        try f.check("dx", dx, .gradient)
        try f.check("dweight", dWeight, .gradient)
        try f.check("dbias", dBias, .gradient)
    }

    @Test(arguments: [GEMMBackend.blas, .naive])
    func linear(backend: GEMMBackend) throws {
        let f = try GoldenFixture("encoder_l1_linear.ftg")
        let context = ComputeContext(backend: backend)
        let x = try f.tensor("x"), weight = try f.tensor("weight"), bias = try f.tensor("bias")
        let (N, I, O) = (x.shape[0], x.shape[1], weight.shape[0])
        let out = Tensor(zeros: [N, O])
        linearForward(out: out.data, input: x.data, weight: weight.data, bias: bias.data, N: N, I: I, O: O,
                      context: context)
        try f.check("out", out, .forward)
        let dx = Tensor(zeros: [N, I]), dWeight = Tensor(zeros: [O, I]), dBias = Tensor(zeros: [O])
        let dOut = try f.tensor("dout")
        linearBackward(dInput: dx.data, dWeight: dWeight.data, dBias: dBias.data, dOut: dOut.data,
                       input: x.data, weight: weight.data, N: N, I: I, O: O, accumulateInput: false,
                       context: context)
        try f.check("dx", dx, .gradient)
        try f.check("dweight", dWeight, .gradient)
        try f.check("dbias", dBias, .gradient)
        #expect(context.flops.flops == 3 * 2 * Int64(N * I * O))
    }

    /// Q, K, V projections, masked attention, and the whole backward down to the hidden states.
    @Test func attention() throws {
        let f = try GoldenFixture("encoder_l1_attention.ftg")
        let hidden = try f.tensor("hidden")
        let (B, T, C) = (hidden.shape[0], hidden.shape[1], hidden.shape[2])
        let shape = AttentionShape(B: B, T: T, C: C, NH: 4)
        let mask = try f.bytes("attention_mask")
        let names = ["query", "key", "value"]
        let weights = try names.map { try f.tensor("\($0).weight") }
        let biases = try names.map { try f.tensor("\($0).bias") }
        let qkv = names.map { _ in Tensor(zeros: [B, T, C]) }
        for i in 0..<3 {
            linearForward(out: qkv[i].data, input: hidden.data, weight: weights[i].data, bias: biases[i].data,
                          N: B * T, I: C, O: C, context: context)
        }
        try f.check("q", qkv[0], .forward)
        try f.check("k", qkv[1], .forward)
        try f.check("v", qkv[2], .forward)
        let out = Tensor(zeros: [B, T, C])
        let probabilities = Tensor(zeros: [B, 4, T, T]), unused = Tensor(zeros: [B, 4, T, T])
        var unusedMask = [UInt8](repeating: 0, count: shape.probabilityCount)
        mask.withUnsafeBufferPointer { mask in
            attentionForward(context: out.data, probabilities: probabilities.data, droppedProbabilities: unused.data,
                             dropoutMask: &unusedMask, query: qkv[0].data, key: qkv[1].data, value: qkv[2].data,
                             keyMask: mask.baseAddress!, shape: shape, dropout: nil, context: context)
        }
        try f.check("probabilities", probabilities, .forward)
        try f.check("context", out, .forward)
        // Padded keys get probability exactly zero.
        for b in 0..<B {
            for h in 0..<4 {
                for i in 0..<T {
                    for j in 0..<T where mask[b * T + j] == 0 {
                        #expect(probabilities[((b * 4 + h) * T + i) * T + j] == 0)
                    }
                }
            }
        }
        let dqkv = names.map { _ in Tensor(zeros: [B, T, C]) }
        let dScores = Tensor(zeros: [B, 4, T, T]), dOut = try f.tensor("dout")
        attentionBackward(dQuery: dqkv[0].data, dKey: dqkv[1].data, dValue: dqkv[2].data, dScores: dScores.data,
                          dContext: dOut.data, probabilities: probabilities.data,
                          droppedProbabilities: unused.data, dropoutMask: unusedMask, query: qkv[0].data,
                          key: qkv[1].data, value: qkv[2].data, shape: shape, dropout: nil, context: context)
        try f.check("dq", dqkv[0], .gradient)
        try f.check("dk", dqkv[1], .gradient)
        try f.check("dv", dqkv[2], .gradient)
        let dHidden = Tensor(zeros: [B, T, C])
        for i in 0..<3 {
            let dWeight = Tensor(zeros: [C, C]), dBias = Tensor(zeros: [C])
            linearBackward(dInput: dHidden.data, dWeight: dWeight.data, dBias: dBias.data, dOut: dqkv[i].data,
                           input: hidden.data, weight: weights[i].data, N: B * T, I: C, O: C,
                           accumulateInput: i > 0, context: context)
            try f.check("d\(names[i]).weight", dWeight, .gradient)
            if names[i] == "key" {
                try f.checkVanishing("dkey.bias", dBias)
            } else {
                try f.check("d\(names[i]).bias", dBias, .gradient)
            }
        }
        try f.check("dhidden", dHidden, .gradient)
    }

    @Test func gelu() throws {
        let f = try GoldenFixture("encoder_l1_gelu.ftg")
        let x = try f.tensor("x")
        let out = Tensor(zeros: x.shape), dx = Tensor(zeros: x.shape), dOut = try f.tensor("dout")
        geluForward(out: out.data, input: x.data, N: x.count)
        try f.check("out", out, .forward)
        geluBackward(dInput: dx.data, dOut: dOut.data, input: x.data, N: x.count)
        try f.check("dx", dx, .gradient)
    }

    @Test func pooler() throws {
        let f = try GoldenFixture("encoder_l1_pooler.ftg")
        let hidden = try f.tensor("hidden"), weight = try f.tensor("weight"), bias = try f.tensor("bias")
        let (B, T, C) = (hidden.shape[0], hidden.shape[1], hidden.shape[2])
        let pooled = Tensor(zeros: [B, C]), cls = Tensor(zeros: [B, C])
        poolerForward(pooled: pooled.data, cls: cls.data, hidden: hidden.data, weight: weight.data,
                      bias: bias.data, B: B, T: T, C: C, context: context)
        try f.check("out", pooled, .forward)
        let dHidden = Tensor(zeros: [B, T, C]), dWeight = Tensor(zeros: [C, C]), dBias = Tensor(zeros: [C])
        let scratch = Tensor(zeros: [2, B, C]), dOut = try f.tensor("dout")
        poolerBackward(dHidden: dHidden.data, dWeight: dWeight.data, dBias: dBias.data, scratch: scratch.data,
                       dPooled: dOut.data, pooled: pooled.data, cls: cls.data,
                       weight: weight.data, B: B, T: T, C: C, context: context)
        try f.check("dhidden", dHidden, .gradient)
        try f.check("dweight", dWeight, .gradient)
        try f.check("dbias", dBias, .gradient)
    }

    @Test func crossEntropy() throws {
        let f = try GoldenFixture("encoder_l1_cross_entropy.ftg")
        let logits = try f.tensor("logits"), labels = try f.int32s("labels")
        let (B, K) = (logits.shape[0], logits.shape[1])
        let probabilities = Tensor(zeros: [B, K]), dLogits = Tensor(zeros: [B, K])
        let loss = withInt32s(labels) { labels in
            crossEntropyForward(probabilities: probabilities.data, losses: nil, logits: logits.data,
                                labels: labels, B: B, K: K)
        }
        try f.check("loss", [loss], shape: [1], .forward)
        withInt32s(labels) { labels in
            crossEntropyBackward(dLogits: dLogits.data, probabilities: probabilities.data, labels: labels, B: B, K: K)
        }
        try f.check("dlogits", dLogits, .gradient)
    }
}
