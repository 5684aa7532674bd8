import Foundation
import FTFTTensors

/// A Hugging Face BERT checkpoint directory: `config.json` + `model.safetensors`.
///
/// Loading fills any `SequenceClassifier` whose `parameterEntries` are `ParameterLayout(config:)`'s (Hugging Face
/// `BertForSequenceClassification` names, `bert.` prefix included), the way `from_pretrained` does:
/// - tensor names are accepted with or without the `bert.` prefix (`BertModel` files have none);
/// - a missing pooler or classifier is initialised fresh, as Hugging Face's `_init_weights` does for a new
///   `nn.Linear`: weight normal(0, initializer_range), bias zero — drawn from
///   `random.stream(.initialization, entryIndex)`, so the same seed always gives the same head;
/// - every other parameter must be present, with exactly the shape the configuration implies;
/// - the buffers `embeddings.position_ids` / `embeddings.token_type_ids` (int64 in older exports) are skipped;
/// - **unknown tensors**: those in the encoder's own namespaces (`embeddings.`, `encoder.`, `pooler.`,
///   `classifier.`) mean the weights were made for another architecture or configuration, so they are an
///   error; anything else (e.g. the `cls.*` pretraining heads of `bert-base-uncased`) is ignored and listed in
///   `PretrainedLoadReport.ignored`, as Hugging Face ignores it with a warning.
/// Everything is checked before anything is written into the model, so a failed load leaves it untouched.
public struct PretrainedCheckpoint {
    public let directory: String
    public let configFile: String
    public let weightsFile: String
    /// The configuration from `config.json`, with `num_labels` overridden when asked.
    public let config: BertConfig
    public let weights: SafetensorsFile

    /// Opens `directory`; `numLabels` replaces the file's `num_labels` (FTFT: 3 for NLI, 2 for HSD).
    public init(directory: String, numLabels: Int? = nil) throws {
        let folder = URL(fileURLWithPath: directory)
        self.directory = directory
        configFile = folder.appendingPathComponent("config.json").path
        weightsFile = folder.appendingPathComponent("model.safetensors").path
        config = try Self.readConfig(path: configFile, numLabels: numLabels)
        if !FileManager.default.fileExists(atPath: weightsFile),
           FileManager.default.fileExists(atPath: folder.appendingPathComponent("pytorch_model.bin").path) {
            throw EncoderError.unreadableFile(
                file: weightsFile, reason: "missing; the folder has pytorch_model.bin, but ftft reads only safetensors")
        }
        weights = try SafetensorsFile(path: weightsFile)
    }

    /// Reads and validates a Hugging Face `config.json` for a BERT model; errors name the file and the field.
    public static func readConfig(path: String, numLabels: Int? = nil) throws -> BertConfig {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw EncoderError.unreadableConfig(file: path, reason: "cannot read the file (\(error.localizedDescription))")
        }
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: data) } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
            throw EncoderError.unreadableConfig(file: path, reason: "not valid JSON (\(reason))")
        }
        guard let raw = parsed as? [String: Any] else { throw EncoderError.unreadableConfig(file: path, reason: "not a JSON object") }
        if let type = raw["model_type"] as? String, type != "bert" {
            throw EncoderError.unreadableConfig(file: path, reason: "model_type \"\(type)\" is not \"bert\"")
        }
        if let positions = raw["position_embedding_type"] as? String, positions != "absolute" {
            throw EncoderError.unreadableConfig(
                file: path, reason: "position_embedding_type \"\(positions)\": only \"absolute\" is implemented")
        }
        var config: BertConfig
        do {
            config = try JSONDecoder().decode(BertConfig.self, from: data)
        } catch let error as DecodingError {
            throw EncoderError.unreadableConfig(file: path, reason: Self.describe(error))
        }
        if let numLabels { config.numLabels = numLabels }
        do { try config.validate() } catch EncoderError.invalidConfig(let field, let reason) {
            throw EncoderError.unreadableConfig(file: path, reason: "\(field) \(reason)")
        }
        return config
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, _): return "required key \(key.stringValue) is missing"
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            return "\(path(c).isEmpty ? "the file" : path(c)): \(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// What a load did, entry by entry (model names, with the `bert.` prefix; file names for `ignored`/`skipped`).
public struct PretrainedLoadReport: Sendable, Equatable {
    /// Model entries filled from the file.
    public var loaded: [String] = []
    /// Model entries the file lacks that were initialised fresh (pooler, classifier).
    public var freshlyInitialized: [String] = []
    /// File tensors outside the encoder's namespaces, not used (Hugging Face warns about these).
    public var ignored: [String] = []
    /// Known non-parameter buffers (`position_ids`, `token_type_ids`).
    public var skippedBuffers: [String] = []
}
