/// A batch of tokenized examples, padded to the longest sequence in the batch (dynamic padding, as Hugging
/// Face's `DataCollatorWithPadding` does in the FTFT code).
///
/// Shapes: `inputIds`, `tokenTypeIds`, `attentionMask` are [B, T] row-major; `labels` and `exampleIndices` [B].
public struct TokenBatch: Sendable, Equatable {
    public let batchSize: Int        // B
    public let length: Int           // T, the longest sequence in this batch
    public var inputIds: [Int32]     // [B, T], `padTokenId` after each row's end
    public var tokenTypeIds: [Int32] // [B, T], 0 in padding
    public var attentionMask: [UInt8] // [B, T], 1 for real tokens, 0 for padding
    public var labels: [Int32]       // [B], gold class indices (or -1 when unknown, e.g. prediction)
    /// [B] row numbers of the examples in their data set, so training dynamics can be keyed by example.
    public var exampleIndices: [Int]

    public init(batchSize: Int, length: Int, inputIds: [Int32], tokenTypeIds: [Int32], attentionMask: [UInt8],
                labels: [Int32], exampleIndices: [Int]) {
        precondition(inputIds.count == batchSize * length && tokenTypeIds.count == batchSize * length
                     && attentionMask.count == batchSize * length && labels.count == batchSize
                     && exampleIndices.count == batchSize, "TokenBatch: inconsistent shapes")
        self.batchSize = batchSize
        self.length = length
        self.inputIds = inputIds
        self.tokenTypeIds = tokenTypeIds
        self.attentionMask = attentionMask
        self.labels = labels
        self.exampleIndices = exampleIndices
    }

    /// Pads `sequences` (token ids, with matching token types) to the longest one.
    public init(sequences: [[Int32]], tokenTypes: [[Int32]], labels: [Int32], exampleIndices: [Int], padTokenId: Int32 = 0) {
        precondition(sequences.count == tokenTypes.count && sequences.count == labels.count
                     && sequences.count == exampleIndices.count, "TokenBatch: inconsistent inputs")
        let B = sequences.count
        let T = sequences.map(\.count).max() ?? 0
        var ids = [Int32](repeating: padTokenId, count: B * T)
        var types = [Int32](repeating: 0, count: B * T)
        var mask = [UInt8](repeating: 0, count: B * T)
        for b in 0..<B {
            precondition(sequences[b].count == tokenTypes[b].count, "TokenBatch: ids and token types differ in length")
            for t in 0..<sequences[b].count {
                ids[b * T + t] = sequences[b][t]
                types[b * T + t] = tokenTypes[b][t]
                mask[b * T + t] = 1
            }
        }
        self.init(batchSize: B, length: T, inputIds: ids, tokenTypeIds: types, attentionMask: mask,
                  labels: labels, exampleIndices: exampleIndices)
    }

    /// Number of real (non-padding) tokens.
    public var realTokenCount: Int { attentionMask.reduce(0) { $0 + Int($1) } }
}
