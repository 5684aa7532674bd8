import Foundation
import FTFTData
import FTFTEncoder
import FTFTIO
import FTFTTensors

/// How to make a model of the experiment: its resolved architecture, tokenizer and identity. A fresh model
/// is built per run (each run starts from scratch or from the pretrained weights; nothing passes between runs).
public struct ModelRecipe: Sendable {
    public let spec: ModelSpec
    public let config: BertConfig
    public let encoder: ExampleEncoder
    public let identity: ModelIdentity
    let pretrainedDirectory: String?

    /// - Parameters:
    ///   - numLabels: K, the task's classes.
    ///   - maxLength: the task's truncation length; a scratch model gets exactly this many positions.
    public init(spec: ModelSpec, numLabels: Int, maxLength: Int) throws {
        self.spec = spec
        switch spec.source {
        case .scratch(let a):
            let encoder: ExampleEncoder = try spec.tokenizer.map { try WordPieceEncoder(path: $0) } ?? EmbeddedVocabularyEncoder()
            let dropout = Float(a.dropout)
            config = BertConfig(vocabSize: encoder.vocabularySize, hiddenSize: a.hidden, layers: a.layers, heads: a.heads,
                                intermediateSize: a.intermediate, maxPositions: maxLength, hiddenDropout: dropout,
                                attentionDropout: dropout, initializerRange: Float(a.initializerRange), numLabels: numLabels,
                                padTokenId: Int(encoder.padTokenId))
            try config.validate()
            self.encoder = encoder
            identity = ModelIdentity(scratch: a, vocabularySize: config.vocabSize, maxPositions: maxLength,
                                     configSHA256: nil, weightsSHA256: nil)
            pretrainedDirectory = nil
        case .pretrained(let directory):
            let checkpoint = try PretrainedCheckpoint(directory: directory, numLabels: numLabels)
            config = checkpoint.config
            let encoder = try WordPieceEncoder(path: spec.tokenizer ?? directory)
            guard encoder.vocabularySize <= config.vocabSize else {
                throw ExperimentError.unavailable(
                    what: "model \(spec.name)",
                    reason: "its tokenizer has \(encoder.vocabularySize) tokens but the model only \(config.vocabSize) embeddings")
            }
            guard maxLength <= config.maxPositions else {
                throw ExperimentError.unavailable(
                    what: "model \(spec.name)",
                    reason: "task.max_length \(maxLength) exceeds its max_position_embeddings \(config.maxPositions)")
            }
            self.encoder = encoder
            identity = ModelIdentity(scratch: nil, vocabularySize: config.vocabSize, maxPositions: config.maxPositions,
                                     configSHA256: try FileHash.sha256(path: checkpoint.configFile),
                                     weightsSHA256: try FileHash.sha256(path: checkpoint.weightsFile))
            pretrainedDirectory = directory
        }
    }

    /// A fresh model for a run with `seed`: Hugging Face initialisation from `SeededRandom(seed)` for a scratch
    /// model; the pretrained weights plus a seeded fresh pooler/classifier where the checkpoint lacks them.
    public func makeModel(seed: UInt64, kernelPath: BertClassifier.KernelPath = .fused) throws -> BertClassifier {
        let model = try BertClassifier(config: config)
        model.kernelPath = kernelPath
        let random = SeededRandom(seed: seed)
        if let pretrainedDirectory {
            let checkpoint = try PretrainedCheckpoint(directory: pretrainedDirectory, numLabels: config.numLabels)
            try checkpoint.load(into: model, random: random)
        } else {
            model.initializeRandomly(random)
        }
        return model
    }

    /// Every parameter of the model (embeddings included).
    public var totalParameterCount: Int64 { Int64(ParameterLayout(config: config).totalCount) }
}
