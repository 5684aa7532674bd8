/// Hugging Face's `BertNormalizer`, step by step and in its order:
/// 1. clean_text: drop NUL, U+FFFD and control characters; every whitespace character becomes a space;
/// 2. handle_chinese_chars: a space before and after every CJK ideograph;
/// 3. strip_accents: NFD, then drop non-spacing marks (Mn);
/// 4. lowercase: each scalar's full lower-case mapping.
/// It works on Unicode scalars (code points). `BertUnicode` says which scalar is in which class.
public struct BertNormalizer: Sendable, Equatable {
    public var cleanText: Bool
    public var handleChineseCharacters: Bool
    public var stripAccents: Bool
    public var lowercase: Bool

    /// `stripAccents: nil` follows `lowercase`, as in HF (`strip_accents = None`) and the original BERT.
    public init(cleanText: Bool = true, handleChineseCharacters: Bool = true, stripAccents: Bool? = nil,
                lowercase: Bool = true) {
        self.cleanText = cleanText
        self.handleChineseCharacters = handleChineseCharacters
        self.stripAccents = stripAccents ?? lowercase
        self.lowercase = lowercase
    }

    /// bert-base-uncased and every uncased BERT-family vocabulary (MiniLM included).
    public static let uncased = BertNormalizer()
    public static let cased = BertNormalizer(lowercase: false)

    /// Normalizes `text` into Unicode scalars.
    public func normalize(_ text: String) -> [UInt32] {
        var out: [UInt32] = []
        var copy = text
        copy.withUTF8 { normalize(utf8: $0, into: &out) }
        return out
    }

    /// Appends the normalized scalars of `utf8` (valid UTF-8) to `out`.
    ///
    /// ASCII is handled inline (clean, lower-case); only when a scalar ≥ U+00C0 occurs do the NFD and the
    /// non-ASCII lower-casing passes run, since nothing below U+00C0 decomposes or is a combining mark.
    func normalize(utf8: UnsafeBufferPointer<UInt8>, into out: inout [UInt32]) {
        let start = out.count
        var needsSecondPass = false
        var i = 0
        let n = utf8.count
        while i < n {
            let b0 = utf8[i]
            var v: UInt32
            if b0 < 0x80 {
                v = UInt32(b0)
                i += 1
                if cleanText {
                    if BertUnicode.isRemovedByCleaning(v) { continue }
                    if BertUnicode.isWhitespace(v) { v = 0x20 }
                }
                if lowercase && v >= 0x41 && v <= 0x5A { v += 0x20 }
                out.append(v)
                continue
            }
            (v, i) = Self.decodeMultibyte(utf8, at: i)
            if cleanText {
                if BertUnicode.isRemovedByCleaning(v) { continue }
                if BertUnicode.isWhitespace(v) {
                    out.append(0x20)
                    continue
                }
            }
            if v >= 0xC0 { needsSecondPass = true }
            if handleChineseCharacters && BertUnicode.isChineseCharacter(v) {
                out.append(0x20)
                out.append(v)
                out.append(0x20)
            } else {
                out.append(v)
            }
        }
        if needsSecondPass && (stripAccents || lowercase) {
            secondPass(&out, from: start)
        }
    }

    /// NFD + mark removal and the lower-casing of non-ASCII scalars, on `out[start...]`.
    private func secondPass(_ out: inout [UInt32], from start: Int) {
        var work: [UInt32] = []
        work.reserveCapacity(out.count - start + 8)
        if stripAccents {
            for v in out[start...] { BertUnicode.appendDecomposition(v, to: &work) }
            BertUnicode.canonicallyOrder(&work)
            work.removeAll { BertUnicode.isNonspacingMark($0) }
        } else {
            work.append(contentsOf: out[start...])
        }
        out.removeSubrange(start...)
        if lowercase {
            for v in work { BertUnicode.appendLowercase(v, to: &out) }
        } else {
            out.append(contentsOf: work)
        }
    }

    /// Decodes the multi-byte scalar starting at `i` of valid UTF-8; returns it and the next index.
    @inline(__always)
    static func decodeMultibyte(_ utf8: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
        let b0 = UInt32(utf8[i])
        if b0 < 0xE0 {
            return (((b0 & 0x1F) << 6) | (UInt32(utf8[i + 1]) & 0x3F), i + 2)
        }
        if b0 < 0xF0 {
            return (((b0 & 0x0F) << 12) | ((UInt32(utf8[i + 1]) & 0x3F) << 6) | (UInt32(utf8[i + 2]) & 0x3F), i + 3)
        }
        return (((b0 & 0x07) << 18) | ((UInt32(utf8[i + 1]) & 0x3F) << 12) | ((UInt32(utf8[i + 2]) & 0x3F) << 6)
                | (UInt32(utf8[i + 3]) & 0x3F), i + 4)
    }
}
