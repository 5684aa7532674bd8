import FTFTEncoder

/// One tokenized training or evaluation example.
public struct EncodedExample: Sendable, Equatable, Codable {
    /// [T] token ids, [CLS] … [SEP] (… [SEP]), unpadded.
    public var inputIds: [Int32]
    /// [T] segment ids (0 for the first sentence, 1 for the second), same length as `inputIds`.
    public var tokenTypeIds: [Int32]
    /// Gold class in 0..<K (or -1 when unknown, for prediction-only sets).
    public var label: Int32
    /// The example's row in its data set: the key of its training dynamics (FTFT's `data_idx`).
    public var index: Int

    public init(inputIds: [Int32], tokenTypeIds: [Int32]? = nil, label: Int32, index: Int) {
        self.inputIds = inputIds
        self.tokenTypeIds = tokenTypeIds ?? [Int32](repeating: 0, count: inputIds.count)
        self.label = label
        self.index = index
    }

    /// Checks what a batch relies on; `position` is the example's place in the list, for the message.
    func validate(numLabels: Int, allowUnlabelled: Bool) throws {
        guard !inputIds.isEmpty else { throw TrainingError.invalidExample(index: index, reason: "has no tokens") }
        guard tokenTypeIds.count == inputIds.count else {
            throw TrainingError.invalidExample(
                index: index, reason: "has \(inputIds.count) token ids but \(tokenTypeIds.count) token type ids")
        }
        guard inputIds.allSatisfy({ $0 >= 0 }) else {
            throw TrainingError.invalidExample(index: index, reason: "has a negative token id")
        }
        let labelOK = (0..<Int32(numLabels)).contains(label) || (allowUnlabelled && label == -1)
        guard labelOK else {
            throw TrainingError.invalidExample(index: index, reason: "label \(label) is outside 0..<\(numLabels)")
        }
    }
}

extension TokenBatch {
    /// Pads `examples` to the longest one (dynamic padding, as `DataCollatorWithPadding` in FTFT).
    public init<C: Collection>(examples: C, padTokenId: Int32) where C.Element == EncodedExample {
        self.init(sequences: examples.map(\.inputIds), tokenTypes: examples.map(\.tokenTypeIds),
                  labels: examples.map(\.label), exampleIndices: examples.map(\.index), padTokenId: padTokenId)
    }
}
