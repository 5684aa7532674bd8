import Foundation
import Testing
import FTFTEncoder
import FTFTTensors
import FTFTTestSupport

/// Checkpoints that do not fit: each must give a typed error naming the file and the tensor (or field), and
/// leave the model untouched.
@Suite("Pretrained checkpoints: bad input")
struct PretrainedBadInputTests {
    func load(_ dir: URL, config: BertConfig? = nil) throws -> LayoutOnlyClassifier {
        let checkpoint = try PretrainedCheckpoint(directory: dir.path)
        let model = LayoutOnlyClassifier(config: config ?? checkpoint.config)
        model.parameters.fill(7)
        do {
            try checkpoint.load(into: model, random: SeededRandom(seed: 0))
        } catch {
            #expect(model.parameters.array.allSatisfy { $0 == 7 }, "a failed load wrote into the model")
            throw error
        }
        return model
    }

    @Test("a config whose hidden size does not match the weights: shapeMismatch naming the first tensor")
    func hiddenSizeMismatch() throws {
        let dir = try PackagePaths.temporaryDirectory()
        var wrong = tinyConfig
        wrong.hiddenSize = 10
        try writeCheckpoint(dir, config: tinyConfig,
                            configJSON: String(decoding: try JSONEncoder().encode(wrong), as: UTF8.self))
        let file = dir.appendingPathComponent("model.safetensors").path
        #expect(throws: EncoderError.shapeMismatch(file: file, tensor: "bert.embeddings.word_embeddings.weight",
                                                   expected: [11, 10], actual: [11, 8])) {
            try load(dir)
        }
    }

    @Test("one tensor with the wrong shape for the config")
    func oneWrongShape() throws {
        let dir = try PackagePaths.temporaryDirectory()
        try writeCheckpoint(dir, config: tinyConfig, shapeOverride: ["bert.encoder.layer.1.intermediate.dense.bias": [13]])
        let file = dir.appendingPathComponent("model.safetensors").path
        #expect(throws: EncoderError.shapeMismatch(file: file, tensor: "bert.encoder.layer.1.intermediate.dense.bias",
                                                   expected: [12], actual: [13])) {
            try load(dir)
        }
    }

    @Test("more layers in the weights than in the config, and fewer")
    func layerCountMismatch() throws {
        let dir = try PackagePaths.temporaryDirectory()
        var three = tinyConfig
        three.layers = 3
        try writeCheckpoint(dir, config: three,
                            configJSON: String(decoding: try JSONEncoder().encode(tinyConfig), as: UTF8.self))
        do {
            _ = try load(dir)
            Issue.record("loaded 3-layer weights into a 2-layer config")
        } catch EncoderError.configMismatch(let file, let reason) {
            #expect(file.hasSuffix("model.safetensors"))
            #expect(reason.contains("encoder.layer.2.") && reason.contains("num_hidden_layers = 2"), "\(reason)")
        }

        let dir2 = try PackagePaths.temporaryDirectory()
        try writeCheckpoint(dir2, config: tinyConfig,
                            configJSON: String(decoding: try JSONEncoder().encode(three), as: UTF8.self))
        let file2 = dir2.appendingPathComponent("model.safetensors").path
        #expect(throws: EncoderError.missingTensor(
            file: file2, tensor: "encoder.layer.2.attention.self.query.weight (or bert.encoder.layer.2.attention.self.query.weight)")) {
            try load(dir2)
        }
    }

    @Test("an unknown tensor inside the encoder's namespace, and an integer tensor where a weight belongs")
    func unknownAndWrongDType() throws {
        let dir = try PackagePaths.temporaryDirectory()
        try writeCheckpoint(dir, config: tinyConfig, extra: [
            SafetensorsTensor(name: "bert.embeddings.extra.weight", shape: [2], values: [1, 2]),
        ])
        let file = dir.appendingPathComponent("model.safetensors").path
        #expect(throws: EncoderError.unexpectedTensor(file: file, tensor: "bert.embeddings.extra.weight")) { try load(dir) }

        // Replace the classifier bias by an I32 tensor of the right shape, built byte by byte.
        let dir2 = try PackagePaths.temporaryDirectory()
        try writeCheckpoint(dir2, config: tinyConfig, rename: { $0 == "classifier.bias" ? nil : $0 })
        let path = dir2.appendingPathComponent("model.safetensors").path
        var entries: [String] = []
        var data: [UInt8] = []
        do {
            let original = try SafetensorsFile(path: path)
            for t in original.tensors {
                entries.append("\"\(t.name)\":{\"dtype\":\"F32\",\"shape\":\(t.shape),\"data_offsets\":[\(data.count),\(data.count + 4 * t.count)]}")
                data += littleEndianBytes(try original.floats(t.name))
            }
        }
        entries.append("\"classifier.bias\":{\"dtype\":\"I32\",\"shape\":[3],\"data_offsets\":[\(data.count),\(data.count + 12)]}")
        data += [UInt8](repeating: 0, count: 12)
        _ = try writeRawSafetensors(dir2, "model.safetensors", header: "{" + entries.joined(separator: ",") + "}", data: data)
        #expect(throws: EncoderError.unsupportedDType(file: path, tensor: "classifier.bias", dtype: "I32")) { try load(dir2) }
    }

    @Test("a model built for another configuration is refused before loading")
    func modelConfigMismatch() throws {
        let dir = try PackagePaths.temporaryDirectory()
        try writeCheckpoint(dir, config: tinyConfig)
        var other = tinyConfig
        other.intermediateSize = 16
        do {
            _ = try load(dir, config: other)
            Issue.record("loaded into a model of another configuration")
        } catch EncoderError.configMismatch(let file, let reason) {
            #expect(file.hasSuffix("config.json"))
            #expect(reason.contains("intermediate.dense.weight"), "\(reason)")
        }
    }

    @Test("config.json missing, not JSON, missing a key, invalid, or not BERT; weights missing")
    func badConfigFiles() throws {
        let dir = try PackagePaths.temporaryDirectory()
        let configPath = dir.appendingPathComponent("config.json").path
        func expectConfigError(_ json: String?, containing phrase: String) throws {
            try? FileManager.default.removeItem(atPath: configPath)
            if let json { try json.write(toFile: configPath, atomically: true, encoding: .utf8) }
            do {
                _ = try PretrainedCheckpoint(directory: dir.path)
                Issue.record("accepted config \(json ?? "<missing>")")
            } catch EncoderError.unreadableConfig(let file, let reason) {
                #expect(file == configPath)
                #expect(reason.contains(phrase), "\(reason)")
            }
        }
        try expectConfigError(nil, containing: "cannot read")
        try expectConfigError("{\"vocab_size\": 11,", containing: "not valid JSON (")
        try expectConfigError("{\"vocab_size\": eleven}", containing: "around character 15")  // where the parser stopped
        try expectConfigError("[11]", containing: "not a JSON object")
        try expectConfigError(#"{"vocab_size": 11, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2}"#,
                              containing: "intermediate_size")
        try expectConfigError(#"{"vocab_size": 11, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 3, "intermediate_size": 4}"#,
                              containing: "num_attention_heads must divide hidden_size")
        try expectConfigError(#"{"vocab_size": "many", "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 4}"#,
                              containing: "vocab_size")
        try expectConfigError(#"{"model_type": "roberta", "vocab_size": 11}"#, containing: "roberta")

        try String(decoding: try JSONEncoder().encode(tinyConfig), as: UTF8.self)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let weights = dir.appendingPathComponent("model.safetensors").path
        #expect(throws: EncoderError.unreadableFile(file: weights, reason: "No such file or directory")) {
            try PretrainedCheckpoint(directory: dir.path)
        }
    }
}
