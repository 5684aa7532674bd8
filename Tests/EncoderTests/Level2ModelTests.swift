import Foundation
import FTFTEncoder
import FTFTTensors
import FTFTTestSupport
import Testing

// Level 2 of the golden suite: a tiny random BertForSequenceClassification (L2, C32, NH4, F64, V100, P40, K3)
// at step 0 on a padded batch of four sequences of lengths 9, 23, 5, 17 with token types. The torch weights are
// loaded into ftft's arena by name; logits, loss, the last hidden state and every parameter gradient by name
// must match PyTorch.

/// Builds the fixture's model (weights loaded by name) and batch.
func level2Model(_ f: GoldenFixture, kernelPath: BertClassifier.KernelPath) throws -> (BertClassifier, TokenBatch) {
    let configJSON = try JSONSerialization.data(withJSONObject: f.metadata["config"] ?? [:])
    let config = try JSONDecoder().decode(BertConfig.self, from: configJSON)
    let model = try BertClassifier(config: config)
    model.kernelPath = kernelPath
    let weightNames = Set(f.order.filter { $0.hasPrefix("weight/") }.map { String($0.dropFirst("weight/".count)) })
    #expect(weightNames == Set(model.layout.entries.map(\.name)), "fixture and layout name different tensors")
    for entry in model.layout.entries {
        let values = try f.floats("weight/" + entry.name)
        #expect(try f.shape("weight/" + entry.name) == entry.shape, "\(entry.name)")
        guard let buffer = model.parameter(named: entry.name), values.count == buffer.count else {
            Issue.record("\(entry.name): wrong size")
            continue
        }
        _ = buffer.update(fromContentsOf: values)
    }
    let shape = try f.shape("input_ids")
    let batch = TokenBatch(batchSize: shape[0], length: shape[1], inputIds: try f.int32s("input_ids"),
                           tokenTypeIds: try f.int32s("token_type_ids"), attentionMask: try f.bytes("attention_mask"),
                           labels: try f.int32s("labels"), exampleIndices: Array(0..<shape[0]))
    return (model, batch)
}

@Suite("Level 2: the whole model at step 0 against PyTorch")
struct Level2ModelTests {
    @Test(arguments: BertClassifier.KernelPath.allCases)
    func stepZero(kernelPath: BertClassifier.KernelPath) throws {
        let f = try GoldenFixture("encoder_l2_model.ftg")
        let (model, batch) = try level2Model(f, kernelPath: kernelPath)
        let context = ComputeContext(backend: .blas, threads: 2)
        let (B, K, T, C) = (batch.batchSize, model.numLabels, batch.length, model.config.hiddenSize)
        let (loss, logits) = try model.trainingStep(batch: batch, random: SeededRandom(seed: 1), step: 0,
                                                    context: context)
        try f.check("logits", logits, shape: [B, K], .forward)
        try f.check("loss", [loss], shape: [1], .forward)
        for entry in model.layout.entries {
            let gradient = Array(model.gradient(named: entry.name)!)
            if entry.name.hasSuffix("attention.self.key.bias") {
                try f.checkVanishing("grad/" + entry.name, Tensor(shape: entry.shape, values: gradient))
            } else {
                try f.check("grad/" + entry.name, gradient, shape: entry.shape, .gradient)
            }
        }
        // Evaluation mode with every dropout rate 0 is the same computation: identical logits.
        #expect(try model.logits(batch: batch, context: context) == logits)
        let hidden = try model.hiddenStates(batch: batch, context: context)
        try f.check("last_hidden_state", hidden, shape: [B, T, C], .forward)
    }
}
