import FTFTEncoder
import FTFTTensors
import FTFTTraining

/// A small stand-in for the real model, with analytic gradients, so the loop can be tested on its own:
///
///     h_b = mean over real tokens t of E[id_bt]            E: [V, C]
///     h̃_b = dropout(h_b)  (rate p, inverted scaling, mask from random.stream(.dropout, step, 0))
///     z_b = W h̃_b + β                                      W: [K, C], β: [K]
///     loss = mean_b CE(z_b, y_b)
///
/// The dropout mask depends on the step index, so a trainer that passes a wrong step after a resume changes
/// the results. `nanLossAtStep` makes one step return a NaN loss. FLOPs are counted as 2·B·C·K per forward and
/// twice that per backward, in the context's counter.
final class MeanEmbeddingClassifier: SequenceClassifier {
    let V: Int, C: Int, K: Int
    let dropout: Float
    let parameterEntries: [ParameterLayout.Entry]
    let parameters: Tensor
    let gradients: Tensor
    var nanLossAtStep: Int?
    var numLabels: Int { K }

    init(vocabulary V: Int, channels C: Int, labels K: Int, dropout: Float = 0.1, seed: UInt64 = 1) {
        self.V = V; self.C = C; self.K = K
        self.dropout = dropout
        // Names follow FTFT's decay rule: the embedding and classifier weights decay, the bias does not.
        parameterEntries = [
            ParameterLayout.Entry(name: "embeddings.word_embeddings.weight", shape: [V, C], offset: 0),
            ParameterLayout.Entry(name: "classifier.weight", shape: [K, C], offset: V * C),
            ParameterLayout.Entry(name: "classifier.bias", shape: [K], offset: V * C + K * C),
        ]
        parameters = Tensor(zeros: [V * C + K * C + K])
        gradients = Tensor(zeros: [V * C + K * C + K])
        var stream = SeededRandom(seed: seed).stream(.initialization)
        stream.fillNormal(parameters.data, count: V * C + K * C, mean: 0, std: 0.5)
    }

    var E: UnsafeMutablePointer<Float> { parameters.data }
    var W: UnsafeMutablePointer<Float> { parameters.data + V * C }
    var bias: UnsafeMutablePointer<Float> { parameters.data + V * C + K * C }

    /// h [B, C]: the mean embedding of each row's real tokens.
    func pooled(_ batch: TokenBatch) -> [Float] {
        let B = batch.batchSize, T = batch.length
        var h = [Float](repeating: 0, count: B * C)
        for b in 0..<B {
            var n: Float = 0
            for t in 0..<T where batch.attentionMask[b * T + t] == 1 {
                let id = Int(batch.inputIds[b * T + t])
                for c in 0..<C { h[b * C + c] += E[id * C + c] }
                n += 1
            }
            for c in 0..<C { h[b * C + c] /= max(n, 1) }
        }
        return h
    }

    /// z [B, K] = h W^T + β.
    func project(_ h: [Float], B: Int) -> [Float] {
        var z = [Float](repeating: 0, count: B * K)
        for b in 0..<B {
            for k in 0..<K {
                var s = bias[k]
                for c in 0..<C { s += W[k * C + c] * h[b * C + c] }
                z[b * K + k] = s
            }
        }
        return z
    }

    func logits(batch: TokenBatch, context: ComputeContext) throws -> [Float] {
        context.flops.add(2 * Int64(batch.batchSize * C * K))
        return project(pooled(batch), B: batch.batchSize)
    }

    func trainingStep(batch: TokenBatch, random: SeededRandom, step: Int, context: ComputeContext) throws
        -> (loss: Float, logits: [Float]) {
        let B = batch.batchSize, T = batch.length
        context.flops.add(6 * Int64(B * C * K))
        let h = pooled(batch)
        var stream = random.stream(.dropout, UInt64(step), 0)
        let scale = 1 / (1 - dropout)
        let mask = (0..<(B * C)).map { _ in stream.nextUniform() >= dropout ? scale : 0 }
        let hd = zip(h, mask).map { $0 * $1 }
        let z = project(hd, B: B)
        var loss: Float = 0
        var dz = [Float](repeating: 0, count: B * K)
        for b in 0..<B {
            let row = z[(b * K)..<((b + 1) * K)]
            let m = row.max() ?? 0
            let sum = row.reduce(Float(0)) { $0 + expf($1 - m) }
            let y = Int(batch.labels[b])
            loss += (m + logf(sum) - z[b * K + y]) / Float(B)
            for k in 0..<K { dz[b * K + k] = (expf(z[b * K + k] - m) / sum - (k == y ? 1 : 0)) / Float(B) }
        }
        if step == nanLossAtStep { loss = .nan }
        let gE = gradients.data, gW = gradients.data + V * C, gb = gradients.data + V * C + K * C
        for b in 0..<B {
            var dh = [Float](repeating: 0, count: C)
            for k in 0..<K {
                let d = dz[b * K + k]
                gb[k] += d
                for c in 0..<C {
                    gW[k * C + c] += d * hd[b * C + c]
                    dh[c] += d * W[k * C + c]
                }
            }
            let n = Float(max((0..<T).filter { batch.attentionMask[b * T + $0] == 1 }.count, 1))
            for t in 0..<T where batch.attentionMask[b * T + t] == 1 {
                let id = Int(batch.inputIds[b * T + t])
                for c in 0..<C { gE[id * C + c] += dh[c] * mask[b * C + c] / n }
            }
        }
        return (loss, z)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A learnable synthetic task: most tokens come from the third of the vocabulary that matches the label.
/// Indices start at 1000 so tests can tell them from positions.
func syntheticExamples(count: Int, vocabulary V: Int, labels K: Int, seed: UInt64) -> [EncodedExample] {
    var stream = SeededRandom(seed: seed).stream(.synthesis)
    return (0..<count).map { i in
        let label = stream.nextInt(below: K)
        let length = 2 + stream.nextInt(below: 9)
        let ids: [Int32] = (0..<length).map { _ in
            let group = stream.nextUniform() < 0.7 ? label : stream.nextInt(below: K)
            return Int32(group * (V / K) + stream.nextInt(below: V / K))
        }
        let types: [Int32] = (0..<length).map { $0 < length / 2 ? 0 : 1 }
        return EncodedExample(inputIds: ids, tokenTypeIds: types, label: Int32(label), index: 1000 + i)
    }
}
