import FTFTEncoder
import FTFTTensors
import Testing

// The model's contracts besides the golden comparisons: bad configs and batches are rejected with the field
// named, initialisation follows Hugging Face, runs are deterministic, and the backward pass is the gradient
// of the forward pass with dropout active (finite differences at fixed masks).

let smallConfig = BertConfig(vocabSize: 40, hiddenSize: 16, layers: 2, heads: 2, intermediateSize: 24,
                             maxPositions: 16, hiddenDropout: 0.2, attentionDropout: 0.3, classifierDropout: 0.25,
                             numLabels: 3, padTokenId: 1)

func smallBatch() -> TokenBatch {
    TokenBatch(sequences: [[2, 7, 9, 11, 3, 4], [2, 5, 3], [2, 8, 13, 21, 34, 5, 6, 3]],
               tokenTypes: [[0, 0, 0, 1, 1, 1], [0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1]],
               labels: [0, 2, 1], exampleIndices: [0, 1, 2], padTokenId: 1)
}

@Suite("BertClassifier")
struct BertClassifierTests {
    @Test func rejectsImpossibleConfigs() {
        func field(_ change: (inout BertConfig) -> Void) -> String? {
            var config = smallConfig
            change(&config)
            do {
                _ = try BertClassifier(config: config)
                return nil
            } catch let EncoderError.invalidConfig(field, _) {
                return field
            } catch {
                return "unexpected \(error)"
            }
        }
        #expect(field { $0.heads = 3 } == "num_attention_heads")
        #expect(field { $0.hiddenSize = 0 } == "hidden_size")
        #expect(field { $0.vocabSize = -1 } == "vocab_size")
        #expect(field { $0.hiddenDropout = 1 } == "hidden_dropout_prob")
        #expect(field { $0.attentionDropout = -0.1 } == "attention_probs_dropout_prob")
        #expect(field { $0.numLabels = 1 } == "num_labels")
        #expect(field { $0.padTokenId = 40 } == "pad_token_id")
        #expect(field { $0.hiddenAct = "relu" } == "hidden_act")
        #expect(field { $0.layerNormEps = 0 } == "layer_norm_eps")
        #expect(field { _ in } == nil)
    }

    @Test func rejectsBadBatches() throws {
        let model = try BertClassifier(config: smallConfig)
        let context = ComputeContext()
        func field(_ change: (inout TokenBatch) -> Void) -> String? {
            var batch = smallBatch()
            change(&batch)
            do {
                _ = try model.trainingStep(batch: batch, random: SeededRandom(seed: 1), step: 0, context: context)
                return nil
            } catch let EncoderError.invalidBatch(field, _, _) {
                return field
            } catch {
                return "unexpected \(error)"
            }
        }
        #expect(field { $0.inputIds[4] = 40 } == "inputIds")
        #expect(field { $0.inputIds[0] = -1 } == "inputIds")
        #expect(field { $0.tokenTypeIds[2] = 2 } == "tokenTypeIds")
        #expect(field { $0.labels[1] = 3 } == "labels")
        #expect(field { $0.attentionMask[0] = 2 } == "attentionMask")
        let long = TokenBatch(sequences: [[Int32](repeating: 2, count: 17)], tokenTypes: [[Int32](repeating: 0, count: 17)],
                              labels: [0], exampleIndices: [0])
        #expect(throws: EncoderError.self) { try model.logits(batch: long, context: context) }
        // Prediction batches may carry unknown labels (-1).
        var unlabeled = smallBatch()
        unlabeled.labels = [-1, -1, -1]
        #expect(try model.logits(batch: unlabeled, context: context).count == 9)
    }

    /// normal(0, initializer_range) for Linear and Embedding weights, zero biases, LayerNorm ones and zeros,
    /// the pad row zeroed; deterministic per seed.
    @Test func initializesLikeHuggingFace() throws {
        var config = smallConfig
        config.vocabSize = 400
        config.hiddenSize = 64
        config.heads = 4
        config.initializerRange = 0.05
        let model = try BertClassifier(config: config)
        model.initializeRandomly(SeededRandom(seed: 11))
        for entry in model.layout.entries {
            let values = Array(model.parameter(named: entry.name)!)
            if entry.name.contains("LayerNorm.weight") {
                #expect(values.allSatisfy { $0 == 1 }, "\(entry.name)")
            } else if entry.name.hasSuffix("bias") {
                #expect(values.allSatisfy { $0 == 0 }, "\(entry.name)")
            } else {
                var rows = values
                if entry.name == "bert.embeddings.word_embeddings.weight" {
                    let pad = config.padTokenId * config.hiddenSize
                    #expect(values[pad ..< pad + config.hiddenSize].allSatisfy { $0 == 0 })
                    rows.removeSubrange(pad ..< pad + config.hiddenSize)
                }
                let n = Double(rows.count)
                let mean = rows.reduce(0.0) { $0 + Double($1) } / n
                let std = (rows.reduce(0.0) { $0 + Double($1) * Double($1) } / n - mean * mean).squareRoot()
                // Standard errors: mean 0.05/√n, std 0.05/√(2n); allow 5 of them (n ≥ 128 here).
                #expect(abs(mean) < 5 * 0.05 / n.squareRoot(), "\(entry.name) mean \(mean)")
                #expect(abs(std - 0.05) < 5 * 0.05 / (2 * n).squareRoot(), "\(entry.name) std \(std)")
            }
        }
        let again = try BertClassifier(config: config)
        again.initializeRandomly(SeededRandom(seed: 11))
        #expect(again.parameters.array == model.parameters.array)
        again.initializeRandomly(SeededRandom(seed: 12))
        #expect(again.parameters.array != model.parameters.array)
    }

    @Test func namedParametersAndGradientsShareTheLayout() throws {
        let model = try BertClassifier(config: smallConfig)
        let entry = try #require(model.layout.entry("bert.encoder.layer.1.output.dense.weight"))
        let buffer = try #require(model.parameter(named: entry.name))
        #expect(buffer.count == 16 * 24)
        #expect(buffer.baseAddress == model.parameters.data + entry.offset)
        #expect(model.gradient(named: entry.name)?.baseAddress == model.gradients.data + entry.offset)
        #expect(model.parameter(named: "bert.encoder.layer.2.output.dense.weight") == nil)
    }

    /// Same seed, step and batch → bit-identical loss, logits and gradients; another step draws other masks.
    @Test(arguments: BertClassifier.KernelPath.allCases)
    func deterministic(kernelPath: BertClassifier.KernelPath) throws {
        func run(step: Int, threads: Int) throws -> (Float, [Float], [Float]) {
            let model = try BertClassifier(config: smallConfig)
            model.kernelPath = kernelPath
            model.initializeRandomly(SeededRandom(seed: 5))
            let (loss, logits) = try model.trainingStep(batch: smallBatch(), random: SeededRandom(seed: 6), step: step,
                                                        context: ComputeContext(threads: threads))
            return (loss, logits, model.gradients.array)
        }
        let first = try run(step: 3, threads: 1)
        let second = try run(step: 3, threads: 1)
        #expect(first.0 == second.0 && first.1 == second.1 && first.2 == second.2)
        let twoThreads = try run(step: 3, threads: 2)
        #expect(first.0 == twoThreads.0 && first.1 == twoThreads.1 && first.2 == twoThreads.2)
        let otherStep = try run(step: 4, threads: 1)
        #expect(first.1 != otherStep.1)
    }

    /// With dropout active (masks fixed by seed and step), the gradient matches central finite differences of
    /// the loss in Double-rounded steps, on the largest gradient entries of every tensor.
    @Test func gradientMatchesFiniteDifferences() throws {
        var config = smallConfig
        config.initializerRange = 0.3  // large enough that every tensor's gradient is well above rounding noise
        let model = try BertClassifier(config: config)
        model.initializeRandomly(SeededRandom(seed: 21))
        // Non-trivial LayerNorm and bias values, so every parameter matters.
        var noise = SeededRandom(seed: 22).stream(.testing)
        for entry in model.layout.entries where entry.name.hasSuffix("bias") || entry.name.contains("LayerNorm") {
            let buffer = model.parameter(named: entry.name)!
            for i in 0..<buffer.count { buffer[i] += 0.1 * noise.nextNormal() }
        }
        let batch = smallBatch(), random = SeededRandom(seed: 23), context = ComputeContext()
        model.gradients.zero()
        _ = try model.trainingStep(batch: batch, random: random, step: 7, context: context)
        let gradient = model.gradients.array
        func loss() throws -> Double {
            let saved = model.gradients.array
            defer { _ = model.gradients.buffer.update(fromContentsOf: saved) }
            return Double(try model.trainingStep(batch: batch, random: random, step: 7, context: context).loss)
        }
        var checked = 0
        for entry in model.layout.entries where !entry.name.hasSuffix("key.bias") {
            let offsets = (0..<entry.count).map { entry.offset + $0 }
            guard let i = offsets.max(by: { abs(gradient[$0]) < abs(gradient[$1]) }), abs(gradient[i]) > 1e-3 else {
                continue
            }
            let h: Float = 1e-2
            let original = model.parameters[i]
            model.parameters[i] = original + h
            let up = try loss()
            model.parameters[i] = original - h
            let down = try loss()
            model.parameters[i] = original
            let numeric = (up - down) / Double(2 * h)
            let analytic = Double(gradient[i])
            #expect(abs(numeric - analytic) <= 2e-2 * abs(analytic) + 2e-4,
                    "\(entry.name)[\(i - entry.offset)]: analytic \(analytic), numeric \(numeric)")
            checked += 1
        }
        #expect(checked > model.layout.entries.count / 2)
    }
}
