import Foundation

// Dimension letters used throughout the engine (defined once, here):
//   B batch size, T tokens per sequence (the longest in the batch), C hidden size (channels),
//   NH attention heads, HS head size = C / NH, F feed-forward (intermediate) size, L layers,
//   V vocabulary size, P maximum positions, TV token-type vocabulary size, K number of labels (classes).

/// The architecture of a BERT-family encoder classifier (Hugging Face `BertForSequenceClassification`).
/// Reads and writes Hugging Face's `config.json` keys.
public struct BertConfig: Codable, Equatable, Sendable {
    public var vocabSize: Int            // V
    public var hiddenSize: Int           // C
    public var layers: Int               // L
    public var heads: Int                // NH
    public var intermediateSize: Int     // F
    public var maxPositions: Int         // P
    public var typeVocabSize: Int        // TV
    public var hiddenDropout: Float
    public var attentionDropout: Float
    /// Dropout before the classifier; nil means `hiddenDropout`, as in Hugging Face.
    public var classifierDropout: Float?
    public var layerNormEps: Float
    public var initializerRange: Float
    public var numLabels: Int            // K
    public var padTokenId: Int
    /// Only "gelu" (exact, erf-based) is implemented; anything else is rejected at load time.
    public var hiddenAct: String

    public init(
        vocabSize: Int, hiddenSize: Int, layers: Int, heads: Int, intermediateSize: Int,
        maxPositions: Int = 512, typeVocabSize: Int = 2, hiddenDropout: Float = 0.1,
        attentionDropout: Float = 0.1, classifierDropout: Float? = nil, layerNormEps: Float = 1e-12,
        initializerRange: Float = 0.02, numLabels: Int = 2, padTokenId: Int = 0, hiddenAct: String = "gelu"
    ) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.heads = heads
        self.intermediateSize = intermediateSize
        self.maxPositions = maxPositions
        self.typeVocabSize = typeVocabSize
        self.hiddenDropout = hiddenDropout
        self.attentionDropout = attentionDropout
        self.classifierDropout = classifierDropout
        self.layerNormEps = layerNormEps
        self.initializerRange = initializerRange
        self.numLabels = numLabels
        self.padTokenId = padTokenId
        self.hiddenAct = hiddenAct
    }

    public var headSize: Int { hiddenSize / heads }  // HS
    public var effectiveClassifierDropout: Float { classifierDropout ?? hiddenDropout }

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size"
        case hiddenSize = "hidden_size"
        case layers = "num_hidden_layers"
        case heads = "num_attention_heads"
        case intermediateSize = "intermediate_size"
        case maxPositions = "max_position_embeddings"
        case typeVocabSize = "type_vocab_size"
        case hiddenDropout = "hidden_dropout_prob"
        case attentionDropout = "attention_probs_dropout_prob"
        case classifierDropout = "classifier_dropout"
        case layerNormEps = "layer_norm_eps"
        case initializerRange = "initializer_range"
        case numLabels = "num_labels"
        case padTokenId = "pad_token_id"
        case hiddenAct = "hidden_act"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        layers = try c.decode(Int.self, forKey: .layers)
        heads = try c.decode(Int.self, forKey: .heads)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        maxPositions = try c.decodeIfPresent(Int.self, forKey: .maxPositions) ?? 512
        typeVocabSize = try c.decodeIfPresent(Int.self, forKey: .typeVocabSize) ?? 2
        hiddenDropout = try c.decodeIfPresent(Float.self, forKey: .hiddenDropout) ?? 0.1
        attentionDropout = try c.decodeIfPresent(Float.self, forKey: .attentionDropout) ?? 0.1
        classifierDropout = try c.decodeIfPresent(Float.self, forKey: .classifierDropout)
        layerNormEps = try c.decodeIfPresent(Float.self, forKey: .layerNormEps) ?? 1e-12
        initializerRange = try c.decodeIfPresent(Float.self, forKey: .initializerRange) ?? 0.02
        // Hugging Face writes num_labels implicitly through id2label.
        if let n = try c.decodeIfPresent(Int.self, forKey: .numLabels) {
            numLabels = n
        } else if let id2label = try? decoder.container(keyedBy: AnyKey.self)
            .decodeIfPresent([String: String].self, forKey: AnyKey("id2label")) {
            numLabels = id2label.count
        } else {
            numLabels = 2
        }
        padTokenId = try c.decodeIfPresent(Int.self, forKey: .padTokenId) ?? 0
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? "gelu"
    }

    /// Checks that the dimensions are usable; names the offending field.
    public func validate() throws {
        func require(_ ok: Bool, _ field: String, _ why: String) throws {
            if !ok { throw EncoderError.invalidConfig(field: field, reason: why) }
        }
        try require(vocabSize > 0, "vocab_size", "must be positive")
        try require(hiddenSize > 0, "hidden_size", "must be positive")
        try require(layers >= 0, "num_hidden_layers", "must not be negative")
        try require(heads > 0 && hiddenSize % heads == 0, "num_attention_heads",
                    "must divide hidden_size (\(hiddenSize))")
        try require(intermediateSize > 0, "intermediate_size", "must be positive")
        try require(maxPositions > 0, "max_position_embeddings", "must be positive")
        try require(typeVocabSize > 0, "type_vocab_size", "must be positive")
        try require(numLabels > 0, "num_labels", "must be positive")
        for (name, p) in [("hidden_dropout_prob", hiddenDropout), ("attention_probs_dropout_prob", attentionDropout),
                          ("classifier_dropout", effectiveClassifierDropout)] {
            try require(p >= 0 && p < 1, name, "must be in [0, 1)")
        }
        try require(layerNormEps > 0, "layer_norm_eps", "must be positive")
        try require(hiddenAct == "gelu", "hidden_act",
                    "only exact (erf) \"gelu\" is implemented, got \"\(hiddenAct)\"")
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
