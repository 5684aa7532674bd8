/// Where every parameter of a `BertConfig` lives in ftft's one parameter arena.
///
/// All parameters sit in one contiguous float32 buffer, in Hugging Face's `BertForSequenceClassification`
/// state-dict order; gradients and both AdamW moments use the same layout in buffers of the same size, so
/// one loop updates everything and a PyTorch dump maps onto it name by name.
public struct ParameterLayout: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// Hugging Face name, with the `bert.` prefix of `BertForSequenceClassification`.
        public let name: String
        public let shape: [Int]
        /// Offset in floats from the start of the arena.
        public let offset: Int
        public var count: Int { shape.reduce(1, *) }
        /// FTFT's weight-decay group: decay applies unless the name contains "bias" or "LayerNorm.weight"
        /// (method.md §1.2). FTFT's default decay is 0, so this matters only when a user sets one.
        public var decays: Bool { !(name.contains("bias") || name.contains("LayerNorm.weight")) }

        public init(name: String, shape: [Int], offset: Int) {
            self.name = name
            self.shape = shape
            self.offset = offset
        }
    }

    public let config: BertConfig
    public let entries: [Entry]
    public let totalCount: Int
    private let indexByName: [String: Int]

    public init(config: BertConfig) {
        self.config = config
        let C = config.hiddenSize, F = config.intermediateSize
        var shapes: [(String, [Int])] = [
            ("bert.embeddings.word_embeddings.weight", [config.vocabSize, C]),
            ("bert.embeddings.position_embeddings.weight", [config.maxPositions, C]),
            ("bert.embeddings.token_type_embeddings.weight", [config.typeVocabSize, C]),
            ("bert.embeddings.LayerNorm.weight", [C]),
            ("bert.embeddings.LayerNorm.bias", [C]),
        ]
        for l in 0..<config.layers {
            let p = "bert.encoder.layer.\(l)."
            shapes += [
                (p + "attention.self.query.weight", [C, C]), (p + "attention.self.query.bias", [C]),
                (p + "attention.self.key.weight", [C, C]), (p + "attention.self.key.bias", [C]),
                (p + "attention.self.value.weight", [C, C]), (p + "attention.self.value.bias", [C]),
                (p + "attention.output.dense.weight", [C, C]), (p + "attention.output.dense.bias", [C]),
                (p + "attention.output.LayerNorm.weight", [C]), (p + "attention.output.LayerNorm.bias", [C]),
                (p + "intermediate.dense.weight", [F, C]), (p + "intermediate.dense.bias", [F]),
                (p + "output.dense.weight", [C, F]), (p + "output.dense.bias", [C]),
                (p + "output.LayerNorm.weight", [C]), (p + "output.LayerNorm.bias", [C]),
            ]
        }
        shapes += [
            ("bert.pooler.dense.weight", [C, C]), ("bert.pooler.dense.bias", [C]),
            ("classifier.weight", [config.numLabels, C]), ("classifier.bias", [config.numLabels]),
        ]
        var entries: [Entry] = []
        var index: [String: Int] = [:]
        var offset = 0
        for (name, shape) in shapes {
            index[name] = entries.count
            entries.append(Entry(name: name, shape: shape, offset: offset))
            // Keep every tensor 16-float (64-byte) aligned so kernels can assume aligned rows.
            offset += (shape.reduce(1, *) + 15) / 16 * 16
        }
        self.entries = entries
        self.totalCount = offset
        self.indexByName = index
    }

    public func entry(_ name: String) -> Entry? { indexByName[name].map { entries[$0] } }
    public func index(of name: String) -> Int? { indexByName[name] }

    public static func == (a: ParameterLayout, b: ParameterLayout) -> Bool { a.config == b.config }

    /// Number of parameters (without alignment padding).
    public var parameterCount: Int { entries.reduce(0) { $0 + $1.count } }
}
