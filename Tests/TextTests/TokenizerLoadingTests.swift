import Foundation
import FTFTIO
import FTFTTestSupport
import Testing
@testable import FTFTText

/// Loading vocab.txt / tokenizer.json / model directories, and the typed errors for bad files.
@Suite struct TokenizerLoadingTests {
    static let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "Hello", "!", "##s"]

    /// A temporary directory with the given files (name → bytes); removed by `remove()`.
    struct Folder {
        let url: URL
        init(_ files: [String: [UInt8]]) throws {
            url = try PackagePaths.temporaryDirectory("ftft-text")
            for (name, bytes) in files { try Data(bytes).write(to: url.appendingPathComponent(name)) }
        }
        func path(_ name: String) -> String { url.appendingPathComponent(name).path }
        func remove() { try? FileManager.default.removeItem(at: url) }
    }

    static func vocabTxt(_ tokens: [String] = tokens) -> [UInt8] { Array((tokens.joined(separator: "\n") + "\n").utf8) }

    /// A minimal BERT tokenizer.json over `tokens`, with the given normalizer object (JSON text).
    static func tokenizerJSON(normalizer: String = #"{"type": "BertNormalizer", "lowercase": false}"#,
                              extraAdded: String = "") -> [UInt8] {
        let vocab = tokens.enumerated().map { "\"\($0.element)\": \($0.offset)" }.joined(separator: ", ")
        let added = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].enumerated().map {
            #"{"id": \#($0.offset), "content": "\#($0.element)", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}"#
        }.joined(separator: ", ") + extraAdded
        return Array("""
            {"version": "1.0", "added_tokens": [\(added)], "normalizer": \(normalizer),
             "pre_tokenizer": {"type": "BertPreTokenizer"},
             "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]},
             "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                       "max_input_chars_per_word": 100, "vocab": {\(vocab)}}}
            """.utf8)
    }

    static func error(_ body: () throws -> Any) -> TokenizerError? {
        do { _ = try body() } catch { return error as? TokenizerError }
        return nil
    }

    @Test func vocabTxtIdsAreLineNumbers() throws {
        let folder = try Folder(["vocab.txt": Self.vocabTxt()])
        defer { folder.remove() }
        let vocabulary = try Vocabulary.load(vocabTxt: folder.path("vocab.txt"))
        #expect(vocabulary.count == Self.tokens.count)
        for (index, token) in Self.tokens.enumerated() {
            #expect(vocabulary.id(token) == Int32(index))
            #expect(vocabulary.token(Int32(index)) == token)
        }
    }

    @Test func badVocabTxtGivesTypedErrorsWithLines() throws {
        let folder = try Folder([
            "dup.txt": Array("[PAD]\nhello\n[UNK]\nhello\n".utf8), "empty.txt": [],
            "blank.txt": Array("[PAD]\n\nhello\n".utf8), "utf8.txt": [0x61, 0x0A, 0x62, 0x0A, 0xC3, 0x28, 0x0A],
            "nocls.txt": Array("[PAD]\n[UNK]\n[SEP]\nhello\n".utf8),
        ])
        defer { folder.remove() }
        #expect(Self.error { try Vocabulary.load(vocabTxt: folder.path("dup.txt")) }
                == .duplicateToken(path: folder.path("dup.txt"), token: "hello", firstLine: 2, line: 4))
        #expect(Self.error { try Vocabulary.load(vocabTxt: folder.path("empty.txt")) } == .emptyVocabulary(path: folder.path("empty.txt")))
        #expect(Self.error { try Vocabulary.load(vocabTxt: folder.path("blank.txt")) } == .emptyToken(path: folder.path("blank.txt"), line: 2))
        #expect(Self.error { try Vocabulary.load(vocabTxt: folder.path("utf8.txt")) } == .invalidUTF8(path: folder.path("utf8.txt"), line: 3))
        let missing = Self.error { try WordPieceTokenizer.load(vocabTxt: folder.path("nocls.txt")) }
        #expect(missing == .missingSpecialToken(path: folder.path("nocls.txt"), role: "classifier ([CLS])", token: "[CLS]"))
        guard case .io(.cannotOpen)? = Self.error({ try WordPieceTokenizer.load(path: folder.path("absent.txt")) }) else {
            Issue.record("a missing file must be TokenizerError.io(.cannotOpen)")
            return
        }
    }

    @Test func modelDirectoryPrefersTokenizerJSONThenVocabWithConfig() throws {
        // tokenizer.json says cased; tokenizer_config.json says uncased: which one was read shows in the ids.
        let both = try Folder(["vocab.txt": Self.vocabTxt(), "tokenizer.json": Self.tokenizerJSON(),
                               "tokenizer_config.json": Array(#"{"do_lower_case": true}"#.utf8)])
        let vocabOnly = try Folder(["vocab.txt": Self.vocabTxt(),
                                    "tokenizer_config.json": Array(#"{"do_lower_case": false, "cls_token": {"content": "[CLS]"}}"#.utf8)])
        let bare = try Folder(["vocab.txt": Self.vocabTxt()])
        defer { [both, vocabOnly, bare].forEach { $0.remove() } }
        let hello = Self.tokens.firstIndex(of: "Hello").map(Int32.init), lower = Self.tokens.firstIndex(of: "hello").map(Int32.init)
        #expect(try WordPieceTokenizer.load(path: both.url.path).tokenize("Hello") == [hello].compactMap { $0 })
        #expect(try WordPieceTokenizer.load(path: both.path("vocab.txt")).tokenize("Hello") == [lower].compactMap { $0 })
        #expect(try WordPieceTokenizer.load(path: vocabOnly.url.path).tokenize("Hello") == [hello].compactMap { $0 })
        #expect(try WordPieceTokenizer.load(path: bare.url.path).tokenize("Hello") == [lower].compactMap { $0 })
        #expect(try WordPieceTokenizer.load(path: both.url.path).tokenize("Hello [MASK]!") == [7, 4, 8])
    }

    /// Found by fuzzing: a special token renamed by tokenizer_config.json but absent from vocab.txt was reported
    /// against vocab.txt only; the config's field is what to fix.
    @Test func configSpecialTokenMissingFromTheVocabularyNamesTheConfigField() throws {
        let folder = try Folder(["vocab.txt": Self.vocabTxt(),
                                 "tokenizer_config.json": Array(#"{"cls_token": {"content": "[CLS]"}, "sep_token": "[SER]"}"#.utf8)])
        defer { folder.remove() }
        #expect(Self.error { try WordPieceTokenizer.load(vocabTxt: folder.path("vocab.txt")) }
                == .invalidField(path: folder.path("tokenizer_config.json"), field: "sep_token",
                                 reason: "'[SER]' is not in the vocabulary \(folder.path("vocab.txt"))"))
        // Without the renaming, a vocabulary lacking a default special token is still the vocabulary's error.
        let bare = try Folder(["vocab.txt": Self.vocabTxt(Self.tokens.filter { $0 != "[SEP]" }),
                               "tokenizer_config.json": Array(#"{"do_lower_case": true}"#.utf8)])
        defer { bare.remove() }
        #expect(Self.error { try WordPieceTokenizer.load(vocabTxt: bare.path("vocab.txt")) }
                == .missingSpecialToken(path: bare.path("vocab.txt"), role: "separator ([SEP])", token: "[SEP]"))
    }

    /// Ids beyond Int32 (or negative) in the post-processor or the added tokens used to trap in the conversion to
    /// Int32; they are a typed error naming the field.
    @Test func outOfRangeIdsInTokenizerJSONAreErrors() throws {
        func json(_ cls: String, added: String = "") -> [UInt8] {
            Array(String(decoding: Self.tokenizerJSON(extraAdded: added), as: UTF8.self)
                .replacingOccurrences(of: #""cls": ["[CLS]", 2]"#, with: #""cls": ["[CLS]", \#(cls)]"#).utf8)
        }
        let folder = try Folder(["big.json": json("99999999999"), "negative.json": json("-1"),
                                 "added.json": json("2", added: #", {"id": 4294967296, "content": "<x>"}"#)])
        defer { folder.remove() }
        #expect(Self.error { try WordPieceTokenizer.load(path: folder.path("big.json")) }
                == .invalidField(path: folder.path("big.json"), field: "post_processor.cls[1]",
                                 reason: "99999999999 is not an id in 0…2147483647"))
        #expect(Self.error { try WordPieceTokenizer.load(path: folder.path("negative.json")) }
                == .invalidField(path: folder.path("negative.json"), field: "post_processor.cls[1]",
                                 reason: "-1 is not an id in 0…2147483647"))
        #expect(Self.error { try WordPieceTokenizer.load(path: folder.path("added.json")) }
                == .invalidField(path: folder.path("added.json"), field: "added_tokens[5].id",
                                 reason: "4294967296 is not an id in 0…2147483647"))
    }

    /// Found by fuzzing: a pair template without $A and $B loaded and silently dropped both texts. Each text
    /// must appear exactly once in its template (Hugging Face's TemplateProcessing builder rule for pairs).
    @Test func templatesMustUseEachTextOnce() throws {
        func json(single: String, pair: String) -> [UInt8] {
            let template = #""post_processor": {"type": "TemplateProcessing", "single": [\#(single)], "pair": [\#(pair)], "special_tokens": {}}"#
            return Array(String(decoding: Self.tokenizerJSON(), as: UTF8.self)
                .replacingOccurrences(of: #""post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]}"#,
                                      with: template).utf8)
        }
        let a = #"{"Sequence": {"id": "A", "type_id": 0}}"#, b = #"{"Sequence": {"id": "B", "type_id": 1}}"#
        let cls = #"{"SpecialToken": {"id": "[CLS]", "type_id": 0}}"#
        let folder = try Folder(["ok.json": json(single: "\(cls), \(a)", pair: "\(cls), \(a), \(b)"),
                                 "nopair.json": json(single: "\(cls), \(a)", pair: cls),
                                 "twice.json": json(single: "\(a), \(a)", pair: "\(a), \(b)"),
                                 "singleb.json": json(single: b, pair: "\(a), \(b)")])
        defer { folder.remove() }
        #expect(try WordPieceTokenizer.load(path: folder.path("ok.json")).encode("hello", pair: "world").inputIds == [2, 5, 6])
        #expect(Self.error { try WordPieceTokenizer.load(path: folder.path("nopair.json")) }
                == .invalidField(path: folder.path("nopair.json"), field: "post_processor.pair", reason: "must use $A and $B exactly once each"))
        for name in ["twice.json", "singleb.json"] {
            #expect(Self.error { try WordPieceTokenizer.load(path: folder.path(name)) }
                    == .invalidField(path: folder.path(name), field: "post_processor.single", reason: "must use $A exactly once and not $B"))
        }
    }

    @Test func badTokenizerJSONGivesTypedErrors() throws {
        let folder = try Folder([
            "malformed.json": Array("{\n\"model\": {\"vocab\":\n {\"a\": 0,, }}}".utf8),
            "normalizer.json": Self.tokenizerJSON(normalizer: #"{"type": "Lowercase"}"#),
            "flag.json": Self.tokenizerJSON(normalizer: #"{"type": "BertNormalizer", "lowercase": "yes"}"#),
            "added.json": Self.tokenizerJSON(extraAdded: ###", {"id": 9, "content": "##s", "lstrip": false, "rstrip": false, "single_word": false, "normalized": true, "special": false}"###),
            "dupid.json": Array(#"{"model": {"type": "WordPiece", "vocab": {"a": 0, "b": 0}}}"#.utf8),
        ])
        defer { folder.remove() }
        guard case .malformedJSON(let path, let line, _)? = Self.error({ try WordPieceTokenizer.load(path: folder.path("malformed.json")) }) else {
            Issue.record("malformed JSON must be TokenizerError.malformedJSON")
            return
        }
        #expect(path == folder.path("malformed.json") && line == 3)
        #expect(Self.error { try WordPieceTokenizer.load(path: folder.path("normalizer.json")) }
                == .unsupported(path: folder.path("normalizer.json"), field: "normalizer.type", value: "Lowercase"))
        #expect(Self.error { try WordPieceTokenizer.load(path: folder.path("flag.json")) }
                == .invalidField(path: folder.path("flag.json"), field: "normalizer.lowercase", reason: "expected true, false or null"))
        #expect(Self.error { try WordPieceTokenizer.load(path: folder.path("added.json")) }
                == .unsupported(path: folder.path("added.json"), field: "added_tokens[5].normalized", value: "true (##s)"))
        #expect(Self.error { try WordPieceTokenizer.load(path: folder.path("dupid.json")) }
                == .duplicateID(path: folder.path("dupid.json"), id: 0, tokens: ["a", "b"]))
    }

    @Test func maxLengthBelowTheSpecialTokensIsAnError() throws {
        let tokenizer = try WordPieceTokenizer(vocabulary: Vocabulary(tokens: Self.tokens))
        #expect(Self.error { try tokenizer.encode("hello", pair: "world", maxLength: 2) }
                == .maxLengthTooSmall(maxLength: 2, specialTokens: 3))
        #expect(try tokenizer.encode("hello", pair: "world", maxLength: 3).inputIds == [2, 3, 3])
    }
}
