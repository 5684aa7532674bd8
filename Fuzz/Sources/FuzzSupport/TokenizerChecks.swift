import FTFTText

/// What every encoding must satisfy, whatever the tokenizer and the text.
public enum TokenizerChecks {
    /// Texts run through every tokenizer a fuzzed vocabulary or tokenizer.json produces: ASCII, punctuation,
    /// special tokens in the raw text, accents (precomposed and combining), CJK, controls, an overlong word.
    public static let samples: [(String, String?)] = [
        ("Hello, world!", nil),
        ("un affable [CLS] x [MASK] y[SEP]", "a ## b"),
        ("Café ÀÉ e\u{301} 中文字 ﬁ", "\u{0}\u{7}\u{FEFF}tab\there"),
        ("", ""),
        (String(repeating: "x", count: 120), "  "),
    ]

    /// Encodes `text` (and `pair`) plain, truncated to `maxLength` and padded, and checks:
    /// - ids, token types and mask have one entry per position; the mask is 1 on real tokens and 0 on padding;
    /// - every id is a vocabulary id, an added token's id or one of the template's special ids;
    /// - the plain encoding is the two tokenized texts plus the template's special tokens;
    /// - `longest_first` truncation gives exactly min(plain length, maxLength) positions, or refuses a maxLength
    ///   smaller than the special tokens;
    /// - padding adds `padID` positions with type 0 and mask 0 and changes nothing else.
    public static func check(_ tokenizer: WordPieceTokenizer, _ text: String, pair: String?, maxLength: Int) {
        let added = tokenizer.postProcessor.addedTokenCount(pair: pair != nil)
        let plain: TokenEncoding
        do { plain = try tokenizer.encode(text, pair: pair) } catch { Fuzzer.fail("encode without limits threw \(error)") }
        checkShape(plain, padded: 0)
        let first = tokenizer.tokenize(text), second = pair.map { tokenizer.tokenize($0) }
        Fuzzer.check(plain.count == first.count + (second?.count ?? 0) + added,
                     "\(plain.count) positions for \(first.count) + \(second?.count ?? 0) tokens and \(added) special")
        var allowed = Set(tokenizer.addedTokens.tokens.map(\.id))
        for piece in tokenizer.postProcessor.single + tokenizer.postProcessor.pair {
            if case .special(let ids, _) = piece { allowed.formUnion(ids) }
        }
        for id in plain.inputIds where tokenizer.vocabulary.token(id) == nil {
            Fuzzer.check(allowed.contains(id), "id \(id) is neither in the vocabulary nor a special or added token")
        }
        do {
            let cut = try tokenizer.encode(text, pair: pair, maxLength: maxLength)
            Fuzzer.check(maxLength >= added, "maxLength \(maxLength) < \(added) special tokens was accepted")
            Fuzzer.check(cut.count == min(plain.count, maxLength),
                         "truncation to \(maxLength) gave \(cut.count) positions (plain \(plain.count))")
            checkShape(cut, padded: 0)
        } catch TokenizerError.maxLengthTooSmall(let length, let special) {
            Fuzzer.check(length == maxLength && special == added && maxLength < added, "maxLengthTooSmall(\(length), \(special))")
        } catch {
            Fuzzer.fail("truncating encode threw \(error)")
        }
        do {
            let padded = try tokenizer.encode(text, pair: pair, padTo: plain.count + 3)
            checkShape(padded, padded: 3)
            Fuzzer.check(Array(padded.inputIds.prefix(plain.count)) == plain.inputIds
                         && padded.inputIds.suffix(3).allSatisfy { $0 == tokenizer.padID }
                         && Array(padded.tokenTypeIds.prefix(plain.count)) == plain.tokenTypeIds,
                         "padding changed the encoding")
        } catch {
            Fuzzer.fail("padding encode threw \(error)")
        }
    }

    static func checkShape(_ e: TokenEncoding, padded: Int) {
        Fuzzer.check(e.tokenTypeIds.count == e.count && e.attentionMask.count == e.count, "ids, types and mask differ in length")
        let real = e.count - padded
        Fuzzer.check(e.attentionMask.prefix(real).allSatisfy { $0 == 1 } && e.attentionMask.suffix(padded).allSatisfy { $0 == 0 }
                     && e.tokenTypeIds.suffix(padded).allSatisfy { $0 == 0 }, "mask or padding types wrong: \(e)")
    }
}
