import Testing
@testable import FTFTText

/// `Truncation.longestFirst` against an independent oracle, and WordPiece's greedy longest match on a toy
/// vocabulary (the golden parity tests cover the real one).
@Suite struct TruncationAndWordPieceTests {
    /// One token at a time from the longer sequence; on a tie from the one that was the shorter at the start (the
    /// first if they started equal). This is what tokenizers' closed form amounts to: the sequence that started
    /// longer (the second on a tie) ends with the odd token.
    static func oneAtATime(first: Int, second: Int, budget: Int) -> (Int, Int) {
        var (a, b) = (first, second)
        while a + b > budget {
            if a > b || (a == b && first <= second) { a -= 1 } else { b -= 1 }
        }
        return (a, b)
    }

    @Test func longestFirstMatchesTheOneAtATimeOracle() {
        for first in 0...24 {
            for second in 0...24 {
                for budget in 0...40 {
                    let (a, b) = Truncation.longestFirst(first: first, second: second, budget: budget)
                    let (oa, ob) = Self.oneAtATime(first: first, second: second, budget: budget)
                    #expect(a == oa && b == ob, "\(first)+\(second) into \(budget): \(a)+\(b), oracle \(oa)+\(ob)")
                    #expect(a + b == min(first + second, budget) && a <= first && b <= second)
                }
            }
        }
    }

    static let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "una", "a", "##a", "##aa",
                         "é", "##b"]
    static func ids(_ pieces: [String]) -> [Int32] { pieces.map { Int32(tokens.firstIndex(of: $0) ?? -1) } }

    @Test func greedyLongestMatchFirst() throws {
        let tokenizer = try WordPieceTokenizer(vocabulary: Vocabulary(tokens: Self.tokens),
                                               normalizer: BertNormalizer(lowercase: false))
        // "una" is the longest first piece, then nothing matches "ffable" with ##: the whole word is [UNK]
        // (greedy, no backtracking to "un" + "##aff" + "##able").
        #expect(tokenizer.tokenize("unaffable") == Self.ids(["[UNK]"]))
        #expect(tokenizer.tokenize("aaaaa") == Self.ids(["a", "##aa", "##aa"]))
        #expect(tokenizer.tokenize("aab ab") == Self.ids(["a", "##a", "##b", "a", "##b"]))
        // Accents are kept when the normalizer does not strip them; é is one scalar here (NFC input).
        #expect(tokenizer.tokenize("éb") == Self.ids(["é", "##b"]))
    }

    /// Hugging Face looks a continuation up as prefix + rest (tokenizers, `models/wordpiece/mod.rs`), so with an
    /// empty `continuing_subword_prefix` every vocabulary entry continues a word: "unaffable" → un, aff, able
    /// (checked with tokenizers 0.23.3, golden/requirements.txt). ftft used to give [UNK].
    @Test func emptyContinuationPrefixMakesEveryTokenAContinuation() throws {
        let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "aff", "able", "##aff"]
        let tokenizer = try WordPieceTokenizer(vocabulary: Vocabulary(tokens: tokens), normalizer: BertNormalizer(lowercase: false),
                                               continuingSubwordPrefix: "")
        #expect(tokenizer.tokenize("unaffable") == [4, 5, 6])
        #expect(tokenizer.tokenize("affun") == [5, 4])
    }

    @Test func wordsOverTheScalarLimitAreUnknown() throws {
        let tokenizer = try WordPieceTokenizer(vocabulary: Vocabulary(tokens: Self.tokens),
                                               normalizer: BertNormalizer(lowercase: false), maxInputCharactersPerWord: 4)
        #expect(tokenizer.tokenize("aaaa") == Self.ids(["a", "##aa", "##a"]))
        #expect(tokenizer.tokenize("aaaaa") == Self.ids(["[UNK]"]))
        // "é" + "b" as e + U+0301 + b is 3 scalars but 2 grapheme clusters: scalars are what count.
        let limited = try WordPieceTokenizer(vocabulary: Vocabulary(tokens: Self.tokens),
                                             normalizer: BertNormalizer(lowercase: false), maxInputCharactersPerWord: 2)
        #expect(limited.tokenize("e\u{301}b") == Self.ids(["[UNK]"]))
        #expect(limited.tokenize("\u{E9}b") == Self.ids(["é", "##b"]))
    }
}
