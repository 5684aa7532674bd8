// Embeddings of Hugging Face `BertEmbeddings`, before its LayerNorm and dropout:
//
//     out[b,t,:] = wordEmbeddings[ids[b,t],:] + positionEmbeddings[t,:] + tokenTypeEmbeddings[types[b,t],:]
//
// Position ids are 0..<T, which is what Hugging Face uses when none are passed. Token ids and types are checked
// by the caller (`BertClassifier` validates every batch before the first kernel runs).

/// Forward: sums the three embedding rows of every token. Summation order word + type + position matches
/// Hugging Face (`inputs_embeds + token_type_embeddings`, then `+= position_embeddings`).
public func embeddingForward(
    out: UnsafeMutablePointer<Float>,              // [B,T,C]
    inputIds: UnsafePointer<Int32>,                // [B,T]
    tokenTypeIds: UnsafePointer<Int32>,            // [B,T]
    wordEmbeddings: UnsafePointer<Float>,          // [V,C]
    positionEmbeddings: UnsafePointer<Float>,      // [P,C]
    tokenTypeEmbeddings: UnsafePointer<Float>,     // [TV,C]
    B: Int, T: Int, C: Int
) {
    for b in 0..<B {
        for t in 0..<T {
            let row = b * T + t
            let w = wordEmbeddings + Int(inputIds[row]) * C
            let y = tokenTypeEmbeddings + Int(tokenTypeIds[row]) * C
            let p = positionEmbeddings + t * C
            let o = out + row * C
            for c in 0..<C { o[c] = (w[c] + y[c]) + p[c] }
        }
    }
}

/// Backward: ACCUMULATES d(loss)/d(table rows) into the three embedding gradients.
///
/// Like `torch.nn.Embedding(padding_idx: pad)`, the word-embedding row of `padTokenId` receives no gradient
/// (torch's embedding backward skips that index), so it stays at whatever it was initialised to (zero).
/// Rows are visited in (b, t) order, so the result does not depend on thread count.
public func embeddingBackward(
    dWordEmbeddings: UnsafeMutablePointer<Float>,      // [V,C], accumulated
    dPositionEmbeddings: UnsafeMutablePointer<Float>,  // [P,C], accumulated
    dTokenTypeEmbeddings: UnsafeMutablePointer<Float>, // [TV,C], accumulated
    dOut: UnsafePointer<Float>,                        // [B,T,C]
    inputIds: UnsafePointer<Int32>,                    // [B,T]
    tokenTypeIds: UnsafePointer<Int32>,                // [B,T]
    padTokenId: Int,
    B: Int, T: Int, C: Int
) {
    for b in 0..<B {
        for t in 0..<T {
            let row = b * T + t
            let d = dOut + row * C
            let id = Int(inputIds[row])
            if id != padTokenId {
                let w = dWordEmbeddings + id * C
                for c in 0..<C { w[c] += d[c] }
            }
            let y = dTokenTypeEmbeddings + Int(tokenTypeIds[row]) * C
            let p = dPositionEmbeddings + t * C
            for c in 0..<C {
                y[c] += d[c]
                p[c] += d[c]
            }
        }
    }
}
