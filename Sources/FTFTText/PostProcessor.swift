/// What Hugging Face's `TemplateProcessing` (or `BertProcessing`) adds around the tokenized sequences, with
/// their token-type ids. BERT: single `[CLS]:0 $A:0 [SEP]:0`, pair `[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1`.
public struct PostProcessor: Sendable, Equatable {
    public enum Piece: Sendable, Equatable {
        /// Special token ids inserted as they are.
        case special(ids: [Int32], typeID: Int32)
        /// The first ($A) or second ($B) tokenized sequence.
        case sequence(first: Bool, typeID: Int32)
    }

    public let single: [Piece]
    public let pair: [Piece]

    public init(single: [Piece], pair: [Piece]) {
        self.single = single
        self.pair = pair
    }

    /// BERT's template with the given [CLS] and [SEP] ids.
    public static func bert(cls: Int32, sep: Int32) -> PostProcessor {
        PostProcessor(
            single: [.special(ids: [cls], typeID: 0), .sequence(first: true, typeID: 0), .special(ids: [sep], typeID: 0)],
            pair: [.special(ids: [cls], typeID: 0), .sequence(first: true, typeID: 0), .special(ids: [sep], typeID: 0),
                   .sequence(first: false, typeID: 1), .special(ids: [sep], typeID: 1)])
    }

    /// How many special tokens the template adds (HF's `added_tokens(is_pair)`), which truncation leaves room for.
    public func addedTokenCount(pair isPair: Bool) -> Int {
        (isPair ? pair : single).reduce(0) { count, piece in
            if case .special(let ids, _) = piece { return count + ids.count }
            return count
        }
    }

    /// Lays out `first` and `second` (already truncated) with the template.
    func apply(first: [Int32], second: [Int32]?) -> TokenEncoding {
        let pieces = second == nil ? single : pair
        var ids: [Int32] = []
        var types: [Int32] = []
        ids.reserveCapacity(first.count + (second?.count ?? 0) + addedTokenCount(pair: second != nil))
        types.reserveCapacity(ids.capacity)
        for piece in pieces {
            switch piece {
            case .special(let specialIDs, let typeID):
                ids.append(contentsOf: specialIDs)
                types.append(contentsOf: repeatElement(typeID, count: specialIDs.count))
            case .sequence(let isFirst, let typeID):
                let sequence = isFirst ? first : (second ?? [])
                ids.append(contentsOf: sequence)
                types.append(contentsOf: repeatElement(typeID, count: sequence.count))
            }
        }
        return TokenEncoding(inputIds: ids, tokenTypeIds: types,
                             attentionMask: [Int32](repeating: 1, count: ids.count))
    }
}
