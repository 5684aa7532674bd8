import Foundation

/// Reading a Hugging Face `tokenizer.json` (the `tokenizers` serialization) of a BERT-family model.
///
/// Read: `model` (WordPiece: `vocab`, `unk_token`, `continuing_subword_prefix`, `max_input_chars_per_word`),
/// `normalizer` (BertNormalizer flags, or null for none), `pre_tokenizer` (BertPreTokenizer), `post_processor`
/// (TemplateProcessing or BertProcessing), `added_tokens` and `padding.pad_token`. Ignored on purpose: `decoder`,
/// and the `truncation`/`padding` settings (ftft truncates per call and pads per batch). Anything else that would
/// change the tokens (another model, normalizer or pre-tokenizer; added tokens that are normalized or strip
/// whitespace) is rejected with `TokenizerError.unsupported` rather than tokenized differently from HF.
extension WordPieceTokenizer {
    public static func load(tokenizerJSON path: String) throws -> WordPieceTokenizer {
        let file = try JSONFile(path: path)
        let root = try file.object(file.root, "(top level)")

        let model = try file.object(root["model"], "model")
        if let type = model["type"] as? String, type != "WordPiece" {
            throw TokenizerError.unsupported(path: path, field: "model.type", value: type)
        }
        let vocabObject = try file.object(model["vocab"], "model.vocab")
        var tokenIDs: [String: Int] = [:]
        tokenIDs.reserveCapacity(vocabObject.count)
        for (token, value) in vocabObject { tokenIDs[token] = try file.int(value, "model.vocab[\"\(token)\"]") }
        let vocabulary = try Vocabulary(tokenIDs: tokenIDs, source: path)
        let unknown = model["unk_token"] == nil ? "[UNK]" : try file.string(model["unk_token"], "model.unk_token")
        let prefix = model["continuing_subword_prefix"] == nil
            ? "##" : try file.string(model["continuing_subword_prefix"], "model.continuing_subword_prefix")
        let maxCharacters = model["max_input_chars_per_word"] == nil
            ? 100 : try file.int(model["max_input_chars_per_word"], "model.max_input_chars_per_word")

        let normalizer = try readNormalizer(root["normalizer"], file)
        guard let preTokenizer = root["pre_tokenizer"] as? [String: Any],
              preTokenizer["type"] as? String == "BertPreTokenizer" else {
            let type = (root["pre_tokenizer"] as? [String: Any])?["type"] as? String ?? "null"
            throw TokenizerError.unsupported(path: path, field: "pre_tokenizer.type", value: type)
        }
        let postProcessor = try readPostProcessor(root["post_processor"], file, vocabulary)
        let addedTokens = try readAddedTokens(root["added_tokens"], file)
        var special = SpecialTokens(unknown: unknown)
        if let padding = root["padding"] as? [String: Any], let pad = padding["pad_token"] as? String { special.pad = pad }
        return try WordPieceTokenizer(vocabulary: vocabulary, normalizer: normalizer, specialTokens: special,
                                      continuingSubwordPrefix: prefix, maxInputCharactersPerWord: maxCharacters,
                                      addedTokens: addedTokens, postProcessor: postProcessor)
    }

    private static func readNormalizer(_ value: Any?, _ file: JSONFile) throws -> BertNormalizer {
        guard let value, !(value is NSNull) else {
            return BertNormalizer(cleanText: false, handleChineseCharacters: false, stripAccents: false, lowercase: false)
        }
        let object = try file.object(value, "normalizer")
        let type = try file.string(object["type"], "normalizer.type")
        guard type == "BertNormalizer" else {
            throw TokenizerError.unsupported(path: file.path, field: "normalizer.type", value: type)
        }
        return BertNormalizer(
            cleanText: try file.bool(object["clean_text"], "normalizer.clean_text") ?? true,
            handleChineseCharacters: try file.bool(object["handle_chinese_chars"], "normalizer.handle_chinese_chars") ?? true,
            stripAccents: try file.bool(object["strip_accents"], "normalizer.strip_accents"),
            lowercase: try file.bool(object["lowercase"], "normalizer.lowercase") ?? true)
    }

    private static func readPostProcessor(_ value: Any?, _ file: JSONFile,
                                          _ vocabulary: Vocabulary) throws -> PostProcessor {
        guard let value, !(value is NSNull) else {
            throw TokenizerError.unsupported(path: file.path, field: "post_processor", value: "null")
        }
        let object = try file.object(value, "post_processor")
        let type = try file.string(object["type"], "post_processor.type")
        switch type {
        case "BertProcessing":
            let cls = try file.array(object["cls"], "post_processor.cls")
            let sep = try file.array(object["sep"], "post_processor.sep")
            guard cls.count == 2, sep.count == 2 else {
                throw file.fail("post_processor", "cls and sep must be [token, id] pairs")
            }
            return .bert(cls: try file.id(cls[1], "post_processor.cls[1]"),
                         sep: try file.id(sep[1], "post_processor.sep[1]"))
        case "TemplateProcessing":
            let specials = try file.object(object["special_tokens"] ?? [String: Any](), "post_processor.special_tokens")
            var idsByName: [String: [Int32]] = [:]
            for (name, entry) in specials {
                let field = "post_processor.special_tokens[\"\(name)\"]"
                let ids = try file.array(try file.object(entry, field)["ids"], "\(field).ids")
                idsByName[name] = try ids.map { try file.id($0, "\(field).ids") }
            }
            func pieces(_ key: String) throws -> [PostProcessor.Piece] {
                try file.array(object[key], "post_processor.\(key)").enumerated().map { index, item in
                    let field = "post_processor.\(key)[\(index)]"
                    let piece = try file.object(item, field)
                    if let special = piece["SpecialToken"] {
                        let s = try file.object(special, "\(field).SpecialToken")
                        let name = try file.string(s["id"], "\(field).SpecialToken.id")
                        guard let ids = idsByName[name] ?? vocabulary.id(name).map({ [$0] }) else {
                            throw file.fail("\(field).SpecialToken.id", "'\(name)' is neither in special_tokens nor in the vocabulary")
                        }
                        return .special(ids: ids, typeID: try file.id(s["type_id"], "\(field).SpecialToken.type_id"))
                    }
                    let s = try file.object(piece["Sequence"], "\(field).Sequence")
                    let id = try file.string(s["id"], "\(field).Sequence.id")
                    guard id == "A" || id == "B" else { throw file.fail("\(field).Sequence.id", "expected A or B") }
                    return .sequence(first: id == "A", typeID: try file.id(s["type_id"], "\(field).Sequence.type_id"))
                }
            }
            // Each text must appear exactly once: Hugging Face's TemplateProcessing builder refuses a pair
            // template without both sequences ("Template for `pair` must use both sequences"), its encoder panics
            // on $B in the single template, and a repeated sequence would break truncation's length promise.
            // (HF's deserializer skips these checks; ftft applies them to every file.)
            let single = try pieces("single"), pair = try pieces("pair")
            func uses(_ template: [PostProcessor.Piece], first wanted: Bool) -> Int {
                template.reduce(0) { count, piece in
                    if case .sequence(let isFirst, _) = piece, isFirst == wanted { return count + 1 }
                    return count
                }
            }
            guard uses(single, first: true) == 1, uses(single, first: false) == 0 else {
                throw file.fail("post_processor.single", "must use $A exactly once and not $B")
            }
            guard uses(pair, first: true) == 1, uses(pair, first: false) == 1 else {
                throw file.fail("post_processor.pair", "must use $A and $B exactly once each")
            }
            return PostProcessor(single: single, pair: pair)
        default:
            throw TokenizerError.unsupported(path: file.path, field: "post_processor.type", value: type)
        }
    }

    private static func readAddedTokens(_ value: Any?, _ file: JSONFile) throws -> AddedTokens {
        guard let value, !(value is NSNull) else { return AddedTokens([]) }
        var tokens: [AddedTokens.Token] = []
        for (index, item) in try file.array(value, "added_tokens").enumerated() {
            let field = "added_tokens[\(index)]"
            let object = try file.object(item, field)
            let content = try file.string(object["content"], "\(field).content")
            for flag in ["normalized", "lstrip", "rstrip", "single_word"] where try file.bool(object[flag], "\(field).\(flag)") == true {
                throw TokenizerError.unsupported(path: file.path, field: "\(field).\(flag)", value: "true (\(content))")
            }
            tokens.append(AddedTokens.Token(content: content, id: try file.id(object["id"], "\(field).id")))
        }
        return AddedTokens(tokens)
    }
}
