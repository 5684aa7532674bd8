/// The character classes of Hugging Face's BERT pipeline, on Unicode scalars (HF works on code points, never on
/// grapheme clusters).
///
/// `tokenizers` does not use one Unicode version: general categories come from the `unicode_categories` crate,
/// whose tables are Unicode 8.0; NFD comes from `unicode-normalization-alignments`, whose data are Unicode 9.0;
/// whitespace (`char::is_whitespace`) and lower-casing (`char::to_lowercase`) come from Rust's standard library,
/// which is current. Swift's `Unicode.Scalar.Properties` are current too, so the 8.0 and 9.0 behaviour is
/// rebuilt from them: a scalar assigned after that version (`properties.age`) is unassigned for HF, and the few
/// scalars whose category changed since 8.0 are listed in `categoryChangedSince8(_:)`. The test
/// `TextTests/BertUnicodeTests` checks every scalar U+0000…U+10FFFF against HF (golden/tokenizer_codepoints.jsonl.gz).
public enum BertUnicode {
    /// General category as in Unicode 8.0, for the categories the pipeline asks about.
    enum Category8: Equatable {
        case other          // Cc, Cf, Co, Cs: removed by clean_text
        case punctuation    // Pc, Pd, Ps, Pe, Pi, Pf, Po: split off by the pre-tokenizer
        case nonspacingMark // Mn: removed by strip_accents
        case unclassified   // anything else, and scalars not yet assigned in 8.0
    }

    /// The 8.0 class of the scalars whose general category changed between Unicode 8.0 and Swift's version (facts
    /// from the Unicode Character Database's category history); nil for every other scalar.
    @inline(__always)
    static func categoryChangedSince8(_ v: UInt32) -> Category8? {
        switch v {
        case 0x166D: return .punctuation      // CANADIAN SYLLABICS CHI SIGN: Po until 12.0, then So
        case 0x111C9: return .punctuation     // SHARADA SANDHI MARK: Po until 11.0, then Mn
        case 0x1734: return .nonspacingMark   // HANUNOO SIGN PAMUDPOD: Mn until 14.0, then Mc
        case 0x1171E: return .nonspacingMark  // AHOM CONSONANT SIGN MEDIAL RA: Mn until 14.0, then Mc
        case 0x1885, 0x1886: return .unclassified // MONGOLIAN LETTER ALI GALI (THREE) BALUDA: Lo until 9.0, then Mn
        case 0xA9BD: return .unclassified     // JAVANESE CONSONANT SIGN KERET: Mc until 12.0, then Mn
        default: return nil
        }
    }

    /// ASCII classes: bit 0 removed by clean_text, bit 1 whitespace, bit 2 punctuation.
    private static let asciiFlags: [UInt8] = (0..<128).map { v -> UInt8 in
        var flags: UInt8 = 0
        if v == 0 || (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || v == 0x7F { flags |= 1 }
        if v == 0x20 || (0x09...0x0D).contains(v) { flags |= 2 }
        // All ASCII non-alphanumerics count as punctuation ($, +, <, =, >, ^, `, |, ~ are symbols in Unicode).
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) {
            flags |= 4
        }
        return flags
    }

    static func category8(_ v: UInt32) -> Category8 {
        if let changed = categoryChangedSince8(v) { return changed }
        guard let scalar = Unicode.Scalar(v), let age = scalar.properties.age,
              age.major < 8 || (age.major == 8 && age.minor == 0) else { return .unclassified }
        switch scalar.properties.generalCategory {
        case .control, .format, .privateUse, .surrogate:
            return .other
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return .punctuation
        case .nonspacingMark:
            return .nonspacingMark
        default:
            return .unclassified
        }
    }

    /// clean_text drops NUL, U+FFFD and control characters (category C* as of 8.0, but not \t \n \r).
    @inline(__always)
    public static func isRemovedByCleaning(_ v: UInt32) -> Bool {
        if v < 0x80 { return asciiFlags[Int(v)] & 1 != 0 }
        return v == 0xFFFD || category8(v) == .other
    }

    /// The White_Space property (Rust's `char::is_whitespace`), which includes \t \n \r, U+0085, U+00A0, U+2028.
    @inline(__always)
    public static func isWhitespace(_ v: UInt32) -> Bool {
        if v < 0x80 { return asciiFlags[Int(v)] & 2 != 0 }
        return Unicode.Scalar(v)?.properties.isWhitespace ?? false
    }

    /// BERT punctuation: every ASCII non-alphanumeric symbol, and category P* (as of 8.0).
    @inline(__always)
    public static func isPunctuation(_ v: UInt32) -> Bool {
        if v < 0x80 { return asciiFlags[Int(v)] & 4 != 0 }
        return category8(v) == .punctuation
    }

    /// Mn as of Unicode 8.0: what strip_accents removes after NFD.
    @inline(__always)
    public static func isNonspacingMark(_ v: UInt32) -> Bool {
        if v < 0x300 { return false }
        return category8(v) == .nonspacingMark
    }

    /// The code-point ranges `tokenizers` surrounds with spaces (`is_chinese_char` in its BertNormalizer). Note
    /// U+2B820…U+2B91F is not among them, although the Python `BertTokenizer` includes it.
    @inline(__always)
    public static func isChineseCharacter(_ v: UInt32) -> Bool {
        if v < 0x3400 { return false }
        return (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xF900...0xFAFF).contains(v)
            || (0x20000...0x2A6DF).contains(v) || (0x2A700...0x2B73F).contains(v) || (0x2B740...0x2B81F).contains(v)
            || (0x2B920...0x2CEAF).contains(v) || (0x2F800...0x2FA1F).contains(v)
    }

    /// Appends the full lower-case mapping of `v` (e.g. U+0130 → "i̇", two scalars), per scalar and without
    /// context, as Rust's `char::to_lowercase` does (so a final capital sigma becomes σ, not ς).
    @inline(__always)
    public static func appendLowercase(_ v: UInt32, to out: inout [UInt32]) {
        if v < 0x80 {
            out.append((0x41...0x5A).contains(v) ? v + 0x20 : v)
            return
        }
        guard let scalar = Unicode.Scalar(v), scalar.properties.changesWhenLowercased else {
            out.append(v)
            return
        }
        for s in scalar.properties.lowercaseMapping.unicodeScalars { out.append(s.value) }
    }
}
