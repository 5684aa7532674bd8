import Foundation
import FTFTEncoder
import FTFTTensors
import FTFTTestSupport
import Testing

/// Real weights: MiniLM-L3-H384 and MiniLM-L6-H384 from ../shared/models, loaded by `PretrainedCheckpoint` with
/// a seeded fresh head, against Hugging Face on real token-id batches of different lengths
/// (golden/generate_pretrained.py, which reproduces ftft's seeded head with a port of its Philox stream).
@Suite("Real pretrained weights against PyTorch")
struct PretrainedGoldenTests {
    @Test("last hidden states and classifier logits match Hugging Face",
          .enabled(if: SharedData.isAvailable("models/minilm-l3-h384") && SharedData.isAvailable("models/minilm-l6-h384"),
                   Comment(rawValue: SharedData.skipMessage)),
          arguments: [("minilm-l3-h384", "pretrained_minilm_l3.ftg"), ("minilm-l6-h384", "pretrained_minilm_l6.ftg")])
    func realWeights(model directory: String, fixture name: String) throws {
        let folder = try SharedData.require("models/\(directory)")
        let f = try GoldenFixture(name)
        let seed = UInt64(f.metadata["seed"] as? Int ?? -1)
        let checkpoint = try PretrainedCheckpoint(directory: folder.path, numLabels: f.metadata["num_labels"] as? Int)
        let model = try BertClassifier(config: checkpoint.config)
        let report = try checkpoint.load(into: model, random: SeededRandom(seed: seed))
        #expect(report.freshlyInitialized == (f.metadata["fresh"] as? [String] ?? ["?"]))

        // The fresh head is ftft's RNG output; the generator's port of it must agree exactly.
        for fresh in report.freshlyInitialized where !fresh.hasSuffix(".bias") {
            let expected = try f.floats("fresh_head/\(fresh)")
            let actual = Array((model.parameter(named: fresh) ?? UnsafeMutableBufferPointer(start: nil, count: 0)).prefix(expected.count))
            #expect(actual.map(\.bitPattern) == expected.map(\.bitPattern), "\(fresh): ftft's seeded values differ from the Python port")
        }

        let context = ComputeContext(backend: .blas, threads: 2)
        let batches = f.metadata["batches"] as? Int ?? 0
        #expect(batches >= 3)
        var lengths: Set<Int> = []
        for b in 0..<batches {
            let shape = try f.shape("batch\(b)/input_ids")
            let (B, T, C, K) = (shape[0], shape[1], model.config.hiddenSize, model.numLabels)
            lengths.insert(T)
            let batch = TokenBatch(batchSize: B, length: T,
                                   inputIds: try f.ints("batch\(b)/input_ids").map { Int32($0) },
                                   tokenTypeIds: try f.ints("batch\(b)/token_type_ids").map { Int32($0) },
                                   attentionMask: try f.ints("batch\(b)/attention_mask").map { UInt8($0) },
                                   labels: [Int32](repeating: -1, count: B), exampleIndices: Array(0..<B))
            let hidden = try f.compare("batch\(b)/last_hidden_state", actual: try model.hiddenStates(batch: batch, context: context),
                                       shape: [B, T, C], tolerance: .pretrained)
            let logits = try f.compare("batch\(b)/logits", actual: try model.logits(batch: batch, context: context),
                                       shape: [B, K], tolerance: .pretrained)
            for c in [hidden, logits] {
                print("golden: \(c)")
                #expect(c.passed, "\(c)")
            }
        }
        #expect(lengths.count == batches, "batches of different lengths")
    }
}
