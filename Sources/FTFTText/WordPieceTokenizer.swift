/// BERT's tokenizer, token for token what Hugging Face `tokenizers` does with a BERT `tokenizer.json`:
/// added (special) tokens split out of the raw text → `BertNormalizer` → `BertPreTokenizer` (split on whitespace,
/// which is dropped, and around each punctuation scalar) → `WordPiece` → the post-processor template.
///
/// Immutable and `Sendable`: one instance can encode from several threads.
public struct WordPieceTokenizer: Sendable {
    /// The roles of BERT's special tokens, by their text in the vocabulary.
    public struct SpecialTokens: Sendable, Equatable {
        public var cls: String
        public var sep: String
        public var pad: String
        public var unknown: String
        public var mask: String?

        public init(cls: String = "[CLS]", sep: String = "[SEP]", pad: String = "[PAD]", unknown: String = "[UNK]",
                    mask: String? = "[MASK]") {
            self.cls = cls
            self.sep = sep
            self.pad = pad
            self.unknown = unknown
            self.mask = mask
        }
    }

    public let vocabulary: Vocabulary
    public let normalizer: BertNormalizer
    public let wordPiece: WordPiece
    public let addedTokens: AddedTokens
    public let postProcessor: PostProcessor
    public let specialTokens: SpecialTokens
    public let padID: Int32

    /// Assembles a tokenizer. Without `addedTokens`, the special tokens are the added tokens (as transformers
    /// does for a vocab.txt); without `postProcessor`, BERT's template.
    public init(vocabulary: Vocabulary, normalizer: BertNormalizer = .uncased, specialTokens: SpecialTokens = .init(),
                continuingSubwordPrefix: String = "##", maxInputCharactersPerWord: Int = 100,
                addedTokens: AddedTokens? = nil, postProcessor: PostProcessor? = nil) throws {
        func require(_ role: String, _ token: String) throws -> Int32 {
            guard let id = vocabulary.id(token) else {
                throw TokenizerError.missingSpecialToken(path: vocabulary.source, role: role, token: token)
            }
            return id
        }
        let cls = try require("classifier ([CLS])", specialTokens.cls)
        let sep = try require("separator ([SEP])", specialTokens.sep)
        padID = try require("padding ([PAD])", specialTokens.pad)
        let unknown = try require("unknown ([UNK])", specialTokens.unknown)
        self.vocabulary = vocabulary
        self.normalizer = normalizer
        self.specialTokens = specialTokens
        wordPiece = try WordPiece(vocabulary: vocabulary, unknownToken: specialTokens.unknown,
                                  continuingSubwordPrefix: continuingSubwordPrefix,
                                  maxInputCharactersPerWord: maxInputCharactersPerWord)
        if let addedTokens {
            self.addedTokens = addedTokens
        } else {
            var tokens = [(specialTokens.pad, padID), (specialTokens.unknown, unknown), (specialTokens.cls, cls),
                          (specialTokens.sep, sep)]
            if let mask = specialTokens.mask, let maskID = vocabulary.id(mask) { tokens.append((mask, maskID)) }
            self.addedTokens = AddedTokens(tokens.map { AddedTokens.Token(content: $0.0, id: $0.1) })
        }
        self.postProcessor = postProcessor ?? .bert(cls: cls, sep: sep)
    }

    /// The ids of `text` without special tokens around it (HF: `encode(text, add_special_tokens=False)`).
    public func tokenize(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        var scratch = Scratch()
        var copy = text
        copy.withUTF8 { appendIDs(utf8: $0, to: &ids, scratch: &scratch) }
        return ids
    }

    /// Encodes a text or a pair: template, `longest_first` truncation to `maxLength` (special tokens included),
    /// then right padding to `padTo` when the encoding is shorter. No padding by default (ftft pads per batch).
    public func encode(_ text: String, pair: String? = nil, maxLength: Int? = nil,
                       padTo: Int? = nil) throws -> TokenEncoding {
        var first = tokenize(text)
        var second = pair.map(tokenize)
        if let maxLength {
            let added = postProcessor.addedTokenCount(pair: second != nil)
            guard maxLength >= added else {
                throw TokenizerError.maxLengthTooSmall(maxLength: maxLength, specialTokens: added)
            }
            let budget = maxLength - added
            if var b = second {
                let (n1, n2) = Truncation.longestFirst(first: first.count, second: b.count, budget: budget)
                first.removeSubrange(n1...)
                b.removeSubrange(n2...)
                second = b
            } else if first.count > budget {
                first.removeSubrange(budget...)
            }
        }
        var encoding = postProcessor.apply(first: first, second: second)
        if let padTo { encoding.pad(to: padTo, padID: padID) }
        return encoding
    }

    /// Reusable buffers for one encoding call (scalars of the normalized text, UTF-8 of one word).
    struct Scratch {
        var scalars: [UInt32] = []
        var word: [UInt8] = []
    }

    /// Added tokens → normalize → pre-tokenize → WordPiece, appending to `ids`.
    func appendIDs(utf8: UnsafeBufferPointer<UInt8>, to ids: inout [Int32], scratch: inout Scratch) {
        for segment in addedTokens.split(utf8) {
            switch segment {
            case .token(let id):
                ids.append(id)
            case .text(let range):
                scratch.scalars.removeAll(keepingCapacity: true)
                normalizer.normalize(utf8: UnsafeBufferPointer(rebasing: utf8[range]), into: &scratch.scalars)
                appendWordIDs(scalars: scratch.scalars, to: &ids, word: &scratch.word)
            }
        }
    }

    /// BertPreTokenizer + WordPiece on normalized scalars: whitespace ends a word and is dropped; a punctuation
    /// scalar ends a word and is a word of its own.
    private func appendWordIDs(scalars: [UInt32], to ids: inout [Int32], word: inout [UInt8]) {
        var wordStart = -1
        var index = 0
        while index <= scalars.count {
            let v = index < scalars.count ? scalars[index] : 0x20
            let isWhitespace = BertUnicode.isWhitespace(v)
            let isPunctuation = !isWhitespace && BertUnicode.isPunctuation(v)
            if isWhitespace || isPunctuation {
                if wordStart >= 0 {
                    appendWordPieces(scalars[wordStart..<index], to: &ids, word: &word)
                    wordStart = -1
                }
                if isPunctuation { appendWordPieces(scalars[index..<index + 1], to: &ids, word: &word) }
            } else if wordStart < 0 {
                wordStart = index
            }
            index += 1
        }
    }

    private func appendWordPieces(_ scalars: ArraySlice<UInt32>, to ids: inout [Int32], word: inout [UInt8]) {
        word.removeAll(keepingCapacity: true)
        for v in scalars { Self.appendUTF8(v, to: &word) }
        word.withUnsafeBufferPointer { wordPiece.appendIDs(word: $0, scalarCount: scalars.count, to: &ids) }
    }

    @inline(__always)
    static func appendUTF8(_ v: UInt32, to bytes: inout [UInt8]) {
        if v < 0x80 {
            bytes.append(UInt8(v))
        } else if v < 0x800 {
            bytes.append(UInt8(0xC0 | (v >> 6)))
            bytes.append(UInt8(0x80 | (v & 0x3F)))
        } else if v < 0x10000 {
            bytes.append(UInt8(0xE0 | (v >> 12)))
            bytes.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (v & 0x3F)))
        } else {
            bytes.append(UInt8(0xF0 | (v >> 18)))
            bytes.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            bytes.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}
