import Foundation
import Testing
import FTFTEncoder
import FTFTTensors
import FTFTTestSupport

/// A model with the real parameter layout and no computation: the loader only touches the arena.
final class LayoutOnlyClassifier: SequenceClassifier {
    let layout: ParameterLayout
    let parameters: Tensor
    let gradients: Tensor
    init(config: BertConfig) {
        layout = ParameterLayout(config: config)
        parameters = Tensor(zeros: [layout.totalCount])
        gradients = Tensor(zeros: [layout.totalCount])
    }
    var numLabels: Int { layout.config.numLabels }
    var parameterEntries: [ParameterLayout.Entry] { layout.entries }
    func trainingStep(batch: TokenBatch, random: SeededRandom, step: Int, context: ComputeContext) throws -> (loss: Float, logits: [Float]) {
        (0, [])
    }
    func logits(batch: TokenBatch, context: ComputeContext) throws -> [Float] { [] }
    func values(_ name: String) -> [Float] {
        guard let e = layout.entry(name) else { return [] }
        return Array(UnsafeBufferPointer(start: parameters.data + e.offset, count: e.count))
    }
}

let tinyConfig = BertConfig(vocabSize: 11, hiddenSize: 8, layers: 2, heads: 2, intermediateSize: 12,
                            maxPositions: 16, numLabels: 3)

/// Writes `config.json` and `model.safetensors` for `config` with seeded random values. `rename` maps each
/// HF name (with `bert.`) to the file name, or nil to leave the tensor out; `extra` adds tensors.
func writeCheckpoint(_ directory: URL, config: BertConfig, configJSON: String? = nil,
                     rename: (String) -> String? = { $0 }, extra: [SafetensorsTensor] = [],
                     shapeOverride: [String: [Int]] = [:]) throws {
    let layout = ParameterLayout(config: config)
    var stream = SeededRandom(seed: 99).stream(.testing)
    var tensors: [SafetensorsTensor] = []
    for e in layout.entries {
        guard let fileName = rename(e.name) else { continue }
        let shape = shapeOverride[e.name] ?? e.shape
        let values = (0..<shape.reduce(1, *)).map { _ in stream.nextNormal() }
        tensors.append(SafetensorsTensor(name: fileName, shape: shape, values: values))
    }
    try SafetensorsFile.write(path: directory.appendingPathComponent("model.safetensors").path,
                              tensors: tensors + extra, metadata: ["format": "pt"])
    let json = try configJSON ?? String(decoding: JSONEncoder().encode(config), as: UTF8.self)
    try json.write(to: directory.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
}

@Suite("Pretrained checkpoints")
struct PretrainedTests {
    @Test("a BertModel file (no prefix, no pooler, no head): encoder loaded bit-exactly, pooler and head fresh")
    func noPrefixNoHead() throws {
        let dir = try PackagePaths.temporaryDirectory()
        try writeCheckpoint(dir, config: tinyConfig, rename: { name in
            name.hasPrefix("bert.pooler") || name.hasPrefix("classifier") ? nil : String(name.dropFirst(5))
        })
        let checkpoint = try PretrainedCheckpoint(directory: dir.path)
        let model = LayoutOnlyClassifier(config: checkpoint.config)
        let report = try checkpoint.load(into: model, random: SeededRandom(seed: 1))
        #expect(report.freshlyInitialized == ["bert.pooler.dense.weight", "bert.pooler.dense.bias",
                                              "classifier.weight", "classifier.bias"])
        #expect(report.loaded.count == 5 + 16 * 2)
        #expect(report.ignored.isEmpty && report.skippedBuffers.isEmpty)
        #expect(model.values("bert.encoder.layer.1.output.dense.weight").map(\.bitPattern)
                == (try checkpoint.weights.floats("encoder.layer.1.output.dense.weight")).map(\.bitPattern))
        #expect(model.values("classifier.bias") == [0, 0, 0])
        #expect(model.values("bert.pooler.dense.bias").allSatisfy { $0 == 0 })

        // The fresh head depends on the seed only.
        let again = LayoutOnlyClassifier(config: checkpoint.config)
        try checkpoint.load(into: again, random: SeededRandom(seed: 1))
        #expect(again.parameters.array == model.parameters.array)
        let other = LayoutOnlyClassifier(config: checkpoint.config)
        try checkpoint.load(into: other, random: SeededRandom(seed: 2))
        #expect(other.values("classifier.weight") != model.values("classifier.weight"))
    }

    @Test("a BertForSequenceClassification file (bert. prefix, head, pretraining extras) loads everything")
    func prefixedWithHead() throws {
        let dir = try PackagePaths.temporaryDirectory()
        try writeCheckpoint(dir, config: tinyConfig, extra: [
            SafetensorsTensor(name: "cls.predictions.bias", shape: [11], values: Array(repeating: 1, count: 11)),
            SafetensorsTensor(name: "bert.embeddings.position_ids", shape: [1, 16], values: Array(repeating: 0, count: 16)),
        ])
        let checkpoint = try PretrainedCheckpoint(directory: dir.path)
        let model = LayoutOnlyClassifier(config: checkpoint.config)
        let report = try checkpoint.load(into: model, random: SeededRandom(seed: 1))
        #expect(report.freshlyInitialized.isEmpty)
        #expect(report.loaded.count == ParameterLayout(config: tinyConfig).entries.count)
        #expect(report.ignored == ["cls.predictions.bias"])
        #expect(report.skippedBuffers == ["bert.embeddings.position_ids"])
        #expect(model.values("classifier.weight") == (try checkpoint.weights.floats("classifier.weight")))
    }

    @Test("F16 weights are converted to Float32; num_labels can be overridden")
    func halfWeightsAndNumLabels() throws {
        let dir = try PackagePaths.temporaryDirectory()
        try writeCheckpoint(dir, config: tinyConfig, rename: { $0.hasPrefix("classifier") ? nil : $0 })
        #if !(os(macOS) && arch(x86_64))
        // Rewrite the weights as F16, byte by byte.
        let path = dir.appendingPathComponent("model.safetensors").path
        var entries: [String] = []
        var data: [UInt8] = []
        var expected: [String: [Float]] = [:]
        do {
            let original = try SafetensorsFile(path: path)
            for t in original.tensors {
                let halves = try original.floats(t.name).map { Float16($0) }
                expected[t.name] = halves.map { Float($0) }
                entries.append("\"\(t.name)\":{\"dtype\":\"F16\",\"shape\":\(t.shape),\"data_offsets\":[\(data.count),\(data.count + 2 * t.count)]}")
                data += halves.flatMap { [UInt8($0.bitPattern & 0xFF), UInt8($0.bitPattern >> 8)] }
            }
        }
        _ = try writeRawSafetensors(dir, "model.safetensors", header: "{" + entries.joined(separator: ",") + "}", data: data)
        #endif
        let checkpoint = try PretrainedCheckpoint(directory: dir.path, numLabels: 5)
        #expect(checkpoint.config.numLabels == 5)
        let model = LayoutOnlyClassifier(config: checkpoint.config)
        try checkpoint.load(into: model, random: SeededRandom(seed: 4))
        #expect(model.values("classifier.bias").count == 5)
        #expect(model.values("classifier.weight").count == 5 * 8)
        #if !(os(macOS) && arch(x86_64))
        #expect(checkpoint.weights.info("bert.encoder.layer.0.output.dense.weight")?.dtype == .f16)
        for (name, values) in expected { #expect(model.values(name) == values, "\(name)") }
        #endif
    }

    @Test("the real MiniLM-L3 and MiniLM-L6 checkpoints load; the fresh head has std ≈ initializer_range",
          .enabled(if: SharedData.isAvailable("models/minilm-l3-h384") && SharedData.isAvailable("models/minilm-l6-h384"),
                   Comment(rawValue: SharedData.skipMessage)))
    func realModels() throws {
        let l3 = try SharedData.require("models/minilm-l3-h384"), l6 = try SharedData.require("models/minilm-l6-h384")
        let c3 = try PretrainedCheckpoint(directory: l3.path, numLabels: 3)
        let m3 = LayoutOnlyClassifier(config: c3.config)
        let r3 = try c3.load(into: m3, random: SeededRandom(seed: 0))
        #expect(r3.freshlyInitialized == ["bert.pooler.dense.weight", "bert.pooler.dense.bias", "classifier.weight", "classifier.bias"])
        #expect(r3.loaded.count == 5 + 3 * 16)
        let pooler = m3.values("bert.pooler.dense.weight")
        let mean = pooler.reduce(0, +) / Float(pooler.count)
        let std = (pooler.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(pooler.count)).squareRoot()
        #expect(abs(mean) < 2e-4 && abs(std - 0.02) < 2e-4, "pooler mean \(mean) std \(std)")

        let c6 = try PretrainedCheckpoint(directory: l6.path, numLabels: 2)
        let m6 = LayoutOnlyClassifier(config: c6.config)
        let r6 = try c6.load(into: m6, random: SeededRandom(seed: 0))
        #expect(r6.freshlyInitialized == ["classifier.weight", "classifier.bias"])
        #expect(r6.skippedBuffers == ["embeddings.position_ids"])
        #expect(m6.values("bert.pooler.dense.bias") == (try c6.weights.floats("pooler.dense.bias")))
    }
}

@Suite("Pretrained checkpoints and BertClassifier")
struct PretrainedBertClassifierTests {
    @Test("a fresh pooler and head equal BertClassifier.initializeRandomly's for the same seed (one stream per entry)")
    func freshHeadMatchesInitialization() throws {
        let dir = try PackagePaths.temporaryDirectory()
        try writeCheckpoint(dir, config: tinyConfig, rename: { name in
            name.hasPrefix("bert.pooler") || name.hasPrefix("classifier") ? nil : String(name.dropFirst(5))
        })
        let checkpoint = try PretrainedCheckpoint(directory: dir.path)
        let loaded = try BertClassifier(config: checkpoint.config)
        let report = try checkpoint.load(into: loaded, random: SeededRandom(seed: 42))
        let initialized = try BertClassifier(config: checkpoint.config)
        initialized.initializeRandomly(SeededRandom(seed: 42))
        for name in report.freshlyInitialized {
            #expect(Array(loaded.parameter(named: name) ?? .init(start: nil, count: 0))
                    == Array(initialized.parameter(named: name) ?? .init(start: nil, count: 0)), "\(name)")
        }
        #expect(report.freshlyInitialized.count == 4)
    }
}
