import Foundation
import FTFTEncoder
import FTFTTensors

/// Checkpoints of ftft's own runs: one safetensors file holding everything needed to continue bit-exactly.
///
/// Tensors (F32): every parameter under its model name (Hugging Face names, so the file also opens as weights),
/// then AdamW's moments as `optimizer.exp_avg.<name>` and `optimizer.exp_avg_sq.<name>`.
/// `__metadata__` (strings): `format` = "ftft-training-checkpoint", `format_version` = "1"; the position
/// (`completed_steps`, `epoch`, `batch_in_epoch`, `stopped`) and AdamW's `optimizer_step`; `seed`; the
/// `training_configuration` and `schedule` as JSON; `example_count` and `example_fingerprint` (a 64-bit hash of
/// the training examples, to refuse resuming on other data); FLOP and wall-time totals so far;
/// `model_config` (the BertConfig as Hugging Face config.json keys, when the model is a `BertClassifier`);
/// plus any caller-supplied keys.
///
/// The RNG needs no state beyond the seed: shuffles are `stream(.shuffle, epoch)` and dropout
/// `stream(.dropout, update − 1, site)`, so (seed, position) determines every random number still to come.
extension Trainer {
    public static let checkpointFormat = "ftft-training-checkpoint"
    public static let checkpointFormatVersion = "1"
    static let reservedKeys: Set<String> = [
        "format", "format_version", "completed_steps", "epoch", "batch_in_epoch", "stopped", "optimizer_step",
        "seed", "training_configuration", "schedule", "example_count", "example_fingerprint", "training_flops",
        "evaluation_flops", "training_wall_seconds", "evaluation_wall_seconds", "model_config",
    ]

    static func firstMomentName(_ name: String) -> String { "optimizer.exp_avg." + name }
    static func secondMomentName(_ name: String) -> String { "optimizer.exp_avg_sq." + name }

    /// Writes the checkpoint atomically (the previous file stays intact until the new one is complete). Only
    /// between updates: from `TrainingObserver.stepDidFinish`, before `run` or after it returns.
    public func saveCheckpoint(to path: String, extraMetadata: [String: String] = [:]) throws {
        guard isBetweenUpdates else {
            throw TrainingError.invalidCheckpoint(
                file: path, reason: "checkpoints can only be written between updates (from stepDidFinish or outside run)")
        }
        if let clash = extraMetadata.keys.first(where: { Self.reservedKeys.contains($0) }) {
            throw TrainingError.invalidConfiguration(field: "checkpoint metadata", reason: "key '\(clash)' is reserved")
        }
        var metadata = extraMetadata
        metadata["format"] = Self.checkpointFormat
        metadata["format_version"] = Self.checkpointFormatVersion
        metadata["completed_steps"] = String(position.completedSteps)
        metadata["epoch"] = String(position.epoch)
        metadata["batch_in_epoch"] = String(position.batchInEpoch)
        metadata["stopped"] = String(position.stopped)
        metadata["optimizer_step"] = String(optimizer.stepCount)
        metadata["seed"] = String(random.seed)
        metadata["training_configuration"] = try Self.json(configuration)
        metadata["schedule"] = try Self.json(schedule)
        metadata["example_count"] = String(examples.count)
        metadata["example_fingerprint"] = exampleFingerprint
        metadata["training_flops"] = String(trainingFLOPs)
        metadata["evaluation_flops"] = String(evaluationFLOPs)
        metadata["training_wall_seconds"] = String(trainingWallSeconds)
        metadata["evaluation_wall_seconds"] = String(evaluationWallSeconds)
        if let bert = model as? BertClassifier { metadata["model_config"] = try Self.json(bert.config) }

        let entries = model.parameterEntries
        var tensors = entries.map { SafetensorsTensor(name: $0.name, shape: $0.shape, tensor: model.parameters, offset: $0.offset) }
        tensors += entries.map { SafetensorsTensor(name: Self.firstMomentName($0.name), shape: $0.shape,
                                                   tensor: optimizer.firstMoment, offset: $0.offset) }
        tensors += entries.map { SafetensorsTensor(name: Self.secondMomentName($0.name), shape: $0.shape,
                                                   tensor: optimizer.secondMoment, offset: $0.offset) }
        try SafetensorsFile.write(path: path, tensors: tensors, metadata: metadata)
    }

    /// Continues from a checkpoint written by `saveCheckpoint` for this same run (model layout, examples, seed and
    /// configuration must match; each difference is an error naming the field or tensor). Everything is checked
    /// before anything is overwritten. Returns the checkpoint's metadata (with any caller-supplied keys).
    @discardableResult
    public func restore(fromCheckpoint path: String) throws -> [String: String] {
        let file = try SafetensorsFile(path: path)
        let meta = file.metadata
        func value(_ key: String) throws -> String {
            guard let v = meta[key] else { throw TrainingError.invalidCheckpoint(file: path, reason: "metadata '\(key)' is missing") }
            return v
        }
        func integer(_ key: String) throws -> Int {
            guard let n = Int(try value(key)) else {
                throw TrainingError.invalidCheckpoint(file: path, reason: "metadata '\(key)' is not an integer")
            }
            return n
        }
        func real(_ key: String) throws -> Double {
            guard let x = Double(try value(key)) else {
                throw TrainingError.invalidCheckpoint(file: path, reason: "metadata '\(key)' is not a number")
            }
            return x
        }
        func mismatch(_ field: String, _ reason: String) -> TrainingError {
            .checkpointMismatch(file: path, field: field, reason: reason)
        }
        guard meta["format"] == Self.checkpointFormat else {
            throw TrainingError.invalidCheckpoint(file: path, reason: "format is \(meta["format"] ?? "absent"), not \(Self.checkpointFormat)")
        }
        guard try value("format_version") == Self.checkpointFormatVersion else {
            throw TrainingError.invalidCheckpoint(file: path, reason: "format_version \(meta["format_version"] ?? "") is not supported")
        }
        guard try value("seed") == String(random.seed) else { throw mismatch("seed", "is \(meta["seed"] ?? ""), this run's is \(random.seed)") }
        func decode<T: Decodable>(_ type: T.Type, _ key: String) throws -> T {
            guard let decoded = try? JSONDecoder().decode(T.self, from: Data(try value(key).utf8)) else {
                throw TrainingError.invalidCheckpoint(file: path, reason: "metadata '\(key)' is not valid JSON for \(T.self)")
            }
            return decoded
        }
        let saved = try decode(TrainingConfiguration.self, "training_configuration")
        guard saved == configuration else {
            throw mismatch("training_configuration", "is \(meta["training_configuration"] ?? ""), this run's is \((try? Self.json(configuration)) ?? "")")
        }
        guard try integer("example_count") == examples.count, try value("example_fingerprint") == exampleFingerprint else {
            throw mismatch("examples", "the checkpoint was trained on other examples (\(meta["example_count"] ?? "?") examples, fingerprint \(meta["example_fingerprint"] ?? "?"))")
        }
        if let bert = model as? BertClassifier, let savedConfig = meta["model_config"] {
            guard try decode(BertConfig.self, "model_config") == bert.config else {
                throw mismatch("model_config", "is \(savedConfig), this model's is \((try? Self.json(bert.config)) ?? "")")
            }
        }
        var restored = TrainingPosition()
        restored.completedSteps = try integer("completed_steps")
        restored.epoch = try integer("epoch")
        restored.batchInEpoch = try integer("batch_in_epoch")
        restored.stopped = try value("stopped") == "true"
        guard (0...configuration.maxSteps).contains(restored.completedSteps), restored.epoch >= 0,
              (0..<batchesPerEpoch).contains(restored.batchInEpoch),
              try integer("optimizer_step") == restored.completedSteps else {
            throw TrainingError.invalidCheckpoint(file: path, reason: "inconsistent position \(restored)")
        }

        // Tensors: exactly the parameters and both moments, F32, with the model's shapes.
        let entries = model.parameterEntries
        var expected = Set<String>()
        for e in entries {
            for name in [e.name, Self.firstMomentName(e.name), Self.secondMomentName(e.name)] {
                expected.insert(name)
                guard let info = file.info(name) else { throw EncoderError.missingTensor(file: path, tensor: name) }
                guard info.shape == e.shape else {
                    throw EncoderError.shapeMismatch(file: path, tensor: name, expected: e.shape, actual: info.shape)
                }
                guard info.dtype == .f32 else {
                    throw EncoderError.unsupportedDType(file: path, tensor: name, dtype: info.dtype.rawValue)
                }
            }
        }
        if let extra = file.names.first(where: { !expected.contains($0) }) {
            throw EncoderError.unexpectedTensor(file: path, tensor: extra)
        }
        let flops = (try integer("training_flops"), try integer("evaluation_flops"))
        let wall = (try real("training_wall_seconds"), try real("evaluation_wall_seconds"))

        for e in entries {
            try file.readFloats(e.name, into: model.parameters.data + e.offset, count: e.count)
            try file.readFloats(Self.firstMomentName(e.name), into: optimizer.firstMoment.data + e.offset, count: e.count)
            try file.readFloats(Self.secondMomentName(e.name), into: optimizer.secondMoment.data + e.offset, count: e.count)
        }
        optimizer.stepCount = restored.completedSteps
        position = restored
        priorTrainingFLOPs = Int64(flops.0) - trainingContext.flops.flops
        priorEvaluationFLOPs = Int64(flops.1) - evaluationContext.flops.flops
        trainingWallSeconds = wall.0
        evaluationWallSeconds = wall.1
        return meta
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A 64-bit fingerprint of the examples (count, then index, label, length, token ids and token types of
    /// each), FNV-1a's offset basis and prime applied per 32-bit word: a cheap guard against resuming on
    /// different data, not a cryptographic hash. Computed once per trainer.
    var exampleFingerprint: String {
        if let cachedFingerprint { return cachedFingerprint }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        @inline(__always) func mix(_ word: UInt32) { hash = (hash ^ UInt64(word)) &* 0x0000_0100_0000_01b3 }
        mix(UInt32(truncatingIfNeeded: examples.count))
        for e in examples {
            mix(UInt32(truncatingIfNeeded: e.index))
            mix(UInt32(truncatingIfNeeded: e.index >> 32))
            mix(UInt32(bitPattern: e.label))
            mix(UInt32(truncatingIfNeeded: e.inputIds.count))
            for id in e.inputIds { mix(UInt32(bitPattern: id)) }
            for t in e.tokenTypeIds { mix(UInt32(bitPattern: t)) }
        }
        let text = String(hash, radix: 16)
        cachedFingerprint = text
        return text
    }
}
