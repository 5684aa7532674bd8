import FTFTTensors

extension PretrainedCheckpoint {
    /// Model entries that may be absent from a checkpoint: Hugging Face creates them fresh.
    static func isOptional(_ modelName: String) -> Bool {
        modelName.hasPrefix("bert.pooler.") || modelName.hasPrefix("classifier.")
    }

    /// Buffers some exports carry beside the parameters (int64 index tensors).
    static func isBuffer(_ fileName: String) -> Bool {
        fileName.hasSuffix("embeddings.position_ids") || fileName.hasSuffix("embeddings.token_type_ids")
    }

    /// Fills `model` from the checkpoint (see the type's documentation for the rules); `random` seeds any fresh
    /// pooler or classifier. Throws before writing anything if the weights do not fit the model.
    @discardableResult
    public func load(into model: SequenceClassifier, random: SeededRandom) throws -> PretrainedLoadReport {
        let entries = model.parameterEntries
        try checkModelMatchesConfig(entries: entries, numLabels: model.numLabels)
        var indexByName: [String: Int] = [:]
        for (i, e) in entries.enumerated() { indexByName[e.name] = i }

        // 1. Map every file tensor onto a model entry, or classify it; check shapes and dtypes.
        var report = PretrainedLoadReport()
        var source: [Int: String] = [:]  // model entry index → file tensor name
        for info in weights.tensors {
            let name = info.name
            let modelName = indexByName[name] != nil ? name : "bert." + name
            guard let index = indexByName[modelName] else {
                if Self.isBuffer(name) {
                    report.skippedBuffers.append(name)
                    continue
                }
                try rejectIfInEncoderNamespace(name)
                report.ignored.append(name)
                continue
            }
            if let other = source[index] {
                throw EncoderError.configMismatch(
                    file: weightsFile, reason: "tensors '\(other)' and '\(name)' both name the parameter \(modelName)")
            }
            let expected = entries[index].shape
            guard info.shape == expected else {
                throw EncoderError.shapeMismatch(file: weightsFile, tensor: name, expected: expected, actual: info.shape)
            }
            guard info.dtype.convertsToFloat else {
                throw EncoderError.unsupportedDType(file: weightsFile, tensor: name, dtype: info.dtype.rawValue)
            }
            source[index] = name
        }
        for (i, e) in entries.enumerated() where source[i] == nil && !Self.isOptional(e.name) {
            let plain = e.name.hasPrefix("bert.") ? String(e.name.dropFirst(5)) : e.name
            throw EncoderError.missingTensor(file: weightsFile, tensor: "\(plain) (or \(e.name))")
        }

        // 2. Write: file tensors, then fresh pooler/classifier entries.
        let arena = model.parameters
        for (i, e) in entries.enumerated() {
            if let name = source[i] {
                try weights.readFloats(name, into: arena.data + e.offset, count: e.count)
                report.loaded.append(e.name)
            } else {
                Self.initializeFresh(e, index: i, arena: arena, std: config.initializerRange, random: random)
                report.freshlyInitialized.append(e.name)
            }
        }
        return report
    }

    /// Hugging Face's `_init_weights` for `nn.Linear`: weight ~ normal(0, initializer_range), bias = 0.
    static func initializeFresh(_ entry: ParameterLayout.Entry, index: Int, arena: Tensor, std: Float, random: SeededRandom) {
        let destination = arena.data + entry.offset
        if entry.name.hasSuffix(".bias") {
            destination.update(repeating: 0, count: entry.count)
        } else {
            var stream = random.stream(.initialization, UInt64(index))
            stream.fillNormal(destination, count: entry.count, mean: 0, std: std)
        }
    }

    /// The model must have been built for this configuration: same entry names and shapes, same label count.
    func checkModelMatchesConfig(entries: [ParameterLayout.Entry], numLabels: Int) throws {
        let expected = ParameterLayout(config: config).entries
        guard numLabels == config.numLabels else {
            throw EncoderError.configMismatch(
                file: configFile, reason: "the model has \(numLabels) labels, the configuration \(config.numLabels)")
        }
        guard entries.count == expected.count else {
            throw EncoderError.configMismatch(
                file: configFile, reason: "the model has \(entries.count) parameter tensors, the configuration implies \(expected.count)")
        }
        for (have, want) in zip(entries, expected) where have.name != want.name || have.shape != want.shape {
            throw EncoderError.configMismatch(
                file: configFile,
                reason: "the model's parameter \(have.name) \(have.shape) differs from the configuration's \(want.name) \(want.shape)")
        }
    }

    /// An unknown tensor inside the encoder's own namespaces means a different architecture or configuration.
    func rejectIfInEncoderNamespace(_ name: String) throws {
        let plain = name.hasPrefix("bert.") ? String(name.dropFirst(5)) : name
        let parts = plain.split(separator: ".")
        if parts.count > 2, parts[0] == "encoder", parts[1] == "layer", let layer = Int(parts[2]), layer >= config.layers {
            throw EncoderError.configMismatch(
                file: weightsFile,
                reason: "tensor '\(name)' belongs to layer \(layer), but \(configFile) has num_hidden_layers = \(config.layers)")
        }
        if ["embeddings", "encoder", "pooler", "classifier"].contains(parts.first.map(String.init) ?? "") {
            throw EncoderError.unexpectedTensor(file: weightsFile, tensor: name)
        }
    }
}
