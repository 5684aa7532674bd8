/// Tokens matched in the raw text before normalization, as Hugging Face's `AddedVocabulary` does for special
/// tokens ("[CLS]", "[SEP]", "[MASK]", …, all `normalized: false`): "a [MASK] b" gives the id of [MASK], not the
/// pieces of "[", "mask", "]". Matching is leftmost-longest and case-sensitive ("[mask]" is ordinary text).
public struct AddedTokens: Sendable, Equatable {
    public struct Token: Sendable, Equatable {
        public let content: String
        public let id: Int32
        public init(content: String, id: Int32) {
            self.content = content
            self.id = id
        }
    }

    public let tokens: [Token]
    private let bytes: [[UInt8]]
    /// [256]: whether some token starts with this byte (a fast "nothing to split" check).
    private let isFirstByte: [Bool]

    public init(_ tokens: [Token]) {
        let kept = tokens.filter { !$0.content.isEmpty }
        self.tokens = kept
        bytes = kept.map { Array($0.content.utf8) }
        var first = [Bool](repeating: false, count: 256)
        for b in bytes { first[Int(b[0])] = true }
        isFirstByte = first
    }

    /// A piece of the raw text: ordinary text (a byte range of the UTF-8) or an added token's id.
    enum Segment: Equatable {
        case text(Range<Int>)
        case token(Int32)
    }

    /// Splits UTF-8 text into ordinary ranges and added tokens. A match starts on a scalar boundary because
    /// every token starts with an ASCII or lead byte, never with a continuation byte.
    func split(_ utf8: UnsafeBufferPointer<UInt8>) -> [Segment] {
        var segments: [Segment] = []
        var textStart = 0
        var i = 0
        while i < utf8.count {
            guard isFirstByte[Int(utf8[i])], let (length, id) = longestMatch(utf8, at: i) else {
                i += 1
                continue
            }
            if textStart < i { segments.append(.text(textStart..<i)) }
            segments.append(.token(id))
            i += length
            textStart = i
        }
        if textStart < utf8.count || segments.isEmpty { segments.append(.text(textStart..<utf8.count)) }
        return segments
    }

    private func longestMatch(_ utf8: UnsafeBufferPointer<UInt8>, at i: Int) -> (Int, Int32)? {
        var best: (Int, Int32)?
        for (k, token) in bytes.enumerated() where token.count <= utf8.count - i && token.count > (best?.0 ?? 0) {
            var matches = true
            for j in 0..<token.count where utf8[i + j] != token[j] {
                matches = false
                break
            }
            if matches { best = (token.count, tokens[k].id) }
        }
        return best
    }
}
