import Foundation
import FTFTData
import FTFTEncoder
import FTFTTensors
import FTFTTraining

/// A trained classifier ready to predict: a Hugging Face BERT classifier directory (config.json with
/// num_labels / id2label, model.safetensors, a tokenizer) or an ftft training checkpoint (one `.safetensors`
/// file written by `Trainer.saveCheckpoint`, whose metadata holds the model configuration).
public struct Predictor {
    public let model: BertClassifier
    /// Class names, by index (id2label, or "0"… when the model does not name them).
    public let labelNames: [String]
    public let encoder: ExampleEncoder
    public let maxLength: Int
    /// Parameters the checkpoint lacked and that were initialised fresh (a classifier head, typically): the
    /// predictions of such a model mean nothing, and the CLI says so.
    public let freshlyInitialized: [String]

    /// - Parameters:
    ///   - modelPath: a model directory or an ftft checkpoint file.
    ///   - tokenizer: a vocab.txt / tokenizer.json / model directory, or `embedded` for the embedded task's
    ///     vocabulary; default: the model directory (required for checkpoints).
    ///   - maxLength: truncation length; default the model's max_position_embeddings.
    public init(modelPath: String, tokenizer: String? = nil, maxLength: Int? = nil, labelNames: [String]? = nil) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: modelPath, isDirectory: &isDirectory) else {
            throw EncoderError.unreadableFile(file: modelPath, reason: "no such model directory or checkpoint file")
        }
        var names: [String]?
        var fresh: [String] = []
        if isDirectory.boolValue {
            let checkpoint = try PretrainedCheckpoint(directory: modelPath)
            model = try BertClassifier(config: checkpoint.config)
            fresh = try checkpoint.load(into: model, random: SeededRandom(seed: 0)).freshlyInitialized
            names = Self.id2label(configFile: checkpoint.configFile, count: checkpoint.config.numLabels)
        } else {
            model = try Self.loadTrainingCheckpoint(path: modelPath)
        }
        let tokenizerPath = tokenizer ?? (isDirectory.boolValue ? modelPath : nil)
        switch tokenizerPath {
        case "embedded"?: encoder = EmbeddedVocabularyEncoder()
        case let path?: encoder = try WordPieceEncoder(path: path)
        case nil:
            throw ExperimentError.unavailable(what: "a tokenizer for \(modelPath)",
                                              reason: "an ftft checkpoint needs --tokenizer (a vocab.txt, tokenizer.json, model directory, or embedded)")
        }
        guard encoder.vocabularySize <= model.config.vocabSize else {
            throw ExperimentError.unavailable(what: modelPath, reason: "the tokenizer has \(encoder.vocabularySize) tokens, the model \(model.config.vocabSize) embeddings")
        }
        let k = model.config.numLabels
        if let labelNames {
            guard labelNames.count == k else {
                throw ExperimentError.unavailable(what: modelPath, reason: "\(labelNames.count) label names given for a model with \(k) classes")
            }
            names = labelNames
        }
        self.labelNames = names ?? (0..<k).map(String.init)
        self.maxLength = min(maxLength ?? model.config.maxPositions, model.config.maxPositions)
        freshlyInitialized = fresh
    }

    /// `id2label` of a Hugging Face config.json, in index order; nil if absent or incomplete.
    static func id2label(configFile: String, count: Int) -> [String]? {
        guard let data = FileManager.default.contents(atPath: configFile),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let map = object["id2label"] as? [String: String] else { return nil }
        let names = (0..<count).compactMap { map[String($0)] }
        return names.count == count ? names : nil
    }

    /// A model from an ftft training checkpoint: its `model_config` metadata and its parameter tensors.
    static func loadTrainingCheckpoint(path: String) throws -> BertClassifier {
        let file = try SafetensorsFile(path: path)
        guard file.metadata["format"] == Trainer.checkpointFormat, let json = file.metadata["model_config"] else {
            throw TrainingError.invalidCheckpoint(file: path, reason: "neither a model directory nor an ftft checkpoint with a model configuration")
        }
        let config: BertConfig
        do {
            config = try JSONDecoder().decode(BertConfig.self, from: Data(json.utf8))
        } catch {
            throw TrainingError.invalidCheckpoint(file: path, reason: "its model_config cannot be read (\(error))")
        }
        let model = try BertClassifier(config: config)
        for entry in model.parameterEntries {
            guard let info = file.info(entry.name) else { throw EncoderError.missingTensor(file: path, tensor: entry.name) }
            guard info.shape == entry.shape else {
                throw EncoderError.shapeMismatch(file: path, tensor: entry.name, expected: entry.shape, actual: info.shape)
            }
            try file.readFloats(entry.name, into: model.parameters.data + entry.offset, count: entry.count)
        }
        return model
    }

    public struct Prediction: Sendable {
        public var id: String
        /// [K]
        public var logits: [Float]
        /// [K] softmax of the logits (computed in Double, rounded to Float).
        public var probabilities: [Float]
        public var predicted: Int
        /// The data set's gold label name, when it has one.
        public var gold: String?
    }

    /// Predictions for every example of `set`, in its order, in batches of `batchSize` padded to their longest.
    public func predict(_ set: LabeledDataset, batchSize: Int = 64, threads: Int = 1) throws -> [Prediction] {
        let examples = try encoder.encode(set, maxLength: maxLength).map { e -> EncodedExample in
            var e = e
            e.label = -1   // unlabelled for the model; gold labels are reported from the data set
            return e
        }
        let context = ComputeContext(flops: FLOPCounter(), backend: .blas, threads: threads)
        let logits = try predictLogits(model: model, examples: examples, batchSize: batchSize,
                                       padTokenId: encoder.padTokenId, context: context)
        let k = model.numLabels
        return set.examples.enumerated().map { i, example in
            let row = Array(logits[(i * k)..<((i + 1) * k)])
            let top = row.map(Double.init).max() ?? 0
            let exps = row.map { Foundation.exp(Double($0) - top) }
            let total = exps.reduce(0, +)
            return Prediction(id: example.id, logits: row, probabilities: exps.map { Float($0 / total) },
                              predicted: EvaluationSuite.argmax(row, classes: k)[0],
                              gold: set.labelNames.indices.contains(example.label) ? set.labelNames[example.label] : nil)
        }
    }

    /// One JSON line: id, predicted label (name and index), gold label when known, logits, probabilities.
    /// Floats are printed in Swift's shortest form that reads back to the same Float.
    public func jsonLine(_ p: Prediction) -> String {
        func string(_ s: String) -> String {
            let data = (try? JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
            return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
        }
        func floats(_ values: [Float]) -> String { "[" + values.map { "\($0)" }.joined(separator: ",") + "]" }
        var line = "{\"id\":\(string(p.id)),\"label\":\(string(labelNames[p.predicted])),\"label_index\":\(p.predicted)"
        if let gold = p.gold { line += ",\"gold\":\(string(gold))" }
        line += ",\"logits\":\(floats(p.logits)),\"probabilities\":\(floats(p.probabilities))}"
        return line
    }
}
