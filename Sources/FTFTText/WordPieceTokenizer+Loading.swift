import Foundation
import FTFTIO

/// Loading a tokenizer from what a Hugging Face model ships.
extension WordPieceTokenizer {
    /// Loads from a model directory (its tokenizer.json if there is one, else its vocab.txt with the settings of
    /// tokenizer_config.json), from a tokenizer.json file, or from a vocab.txt file (with a tokenizer_config.json
    /// beside it if there is one; uncased BERT defaults otherwise).
    public static func load(path: String) throws -> WordPieceTokenizer {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TokenizerError.io(.cannotOpen(path: path, reason: "no such file or directory"))
        }
        let url = URL(fileURLWithPath: path)
        if isDirectory.boolValue {
            let json = url.appendingPathComponent("tokenizer.json").path
            if FileManager.default.fileExists(atPath: json) { return try load(tokenizerJSON: json) }
            let vocab = url.appendingPathComponent("vocab.txt").path
            guard FileManager.default.fileExists(atPath: vocab) else {
                throw TokenizerError.notATokenizer(path: path, reason: "the directory has neither tokenizer.json nor vocab.txt")
            }
            return try load(vocabTxt: vocab)
        }
        if url.pathExtension.lowercased() == "json" { return try load(tokenizerJSON: path) }
        return try load(vocabTxt: path)
    }

    /// vocab.txt, with `do_lower_case`, `strip_accents`, `tokenize_chinese_chars` and the special tokens of a
    /// tokenizer_config.json in the same directory when present (transformers' `BertTokenizer` defaults otherwise).
    public static func load(vocabTxt path: String) throws -> WordPieceTokenizer {
        let vocabulary = try Vocabulary.load(vocabTxt: path)
        let configPath = URL(fileURLWithPath: path).deletingLastPathComponent()
            .appendingPathComponent("tokenizer_config.json").path
        guard FileManager.default.fileExists(atPath: configPath) else {
            return try WordPieceTokenizer(vocabulary: vocabulary)
        }
        let config = try JSONFile(path: configPath)
        let root = try config.object(config.root, "(top level)")
        let lowercase = try config.bool(root["do_lower_case"], "do_lower_case") ?? true
        let strip = try config.bool(root["strip_accents"], "strip_accents")
        let chinese = try config.bool(root["tokenize_chinese_chars"], "tokenize_chinese_chars") ?? true
        let defaults = SpecialTokens()
        let special = SpecialTokens(
            cls: try config.tokenName(root["cls_token"], "cls_token") ?? defaults.cls,
            sep: try config.tokenName(root["sep_token"], "sep_token") ?? defaults.sep,
            pad: try config.tokenName(root["pad_token"], "pad_token") ?? defaults.pad,
            unknown: try config.tokenName(root["unk_token"], "unk_token") ?? defaults.unknown,
            mask: try config.tokenName(root["mask_token"], "mask_token") ?? defaults.mask)
        // A required token the config renames but the vocabulary lacks is the config's fault: name its field.
        for (field, token) in [("cls_token", special.cls), ("sep_token", special.sep), ("pad_token", special.pad),
                               ("unk_token", special.unknown)]
        where root[field] != nil && !(root[field] is NSNull) && vocabulary.id(token) == nil {
            throw config.fail(field, "'\(token)' is not in the vocabulary \(path)")
        }
        return try WordPieceTokenizer(
            vocabulary: vocabulary,
            normalizer: BertNormalizer(cleanText: true, handleChineseCharacters: chinese, stripAccents: strip,
                                       lowercase: lowercase),
            specialTokens: special)
    }
}

/// A parsed JSON file with typed accessors whose errors name the file and the field.
struct JSONFile {
    let path: String
    let root: Any

    init(path: String) throws {
        self.path = path
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw TokenizerError.io(.cannotOpen(path: path, reason: error.localizedDescription))
        }
        guard String(data: data, encoding: .utf8) != nil else {
            throw TokenizerError.invalidUTF8(path: path, line: Self.firstInvalidUTF8Line(data))
        }
        do {
            root = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw TokenizerError.malformedJSON(path: path, line: Self.line(ofReason: reason, in: data), reason: reason)
        }
    }

    /// The 1-based line in Foundation's message: "… around line L, column C." (Darwin) or "… around character N."
    /// (Linux, a byte offset), if it has either.
    static func line(ofReason reason: String, in data: Data) -> Int? {
        if let range = reason.range(of: "line "), let line = Int(reason[range.upperBound...].prefix { $0.isNumber }) {
            return line
        }
        guard let range = reason.range(of: "character ") else { return nil }
        let digits = reason[range.upperBound...].prefix { $0.isNumber }
        guard let offset = Int(digits), offset <= data.count else { return nil }
        return 1 + data.prefix(offset).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    /// 1-based line of the first byte sequence that is not UTF-8.
    static func firstInvalidUTF8Line(_ data: Data) -> Int {
        var line = 1
        var start = data.startIndex
        while start < data.endIndex {
            let end = data[start...].firstIndex(of: 0x0A) ?? data.endIndex
            if String(data: data[start..<end], encoding: .utf8) == nil { return line }
            line += 1
            start = end < data.endIndex ? data.index(after: end) : end
        }
        return line
    }

    func fail(_ field: String, _ reason: String) -> TokenizerError {
        TokenizerError.invalidField(path: path, field: field, reason: reason)
    }

    func object(_ value: Any?, _ field: String) throws -> [String: Any] {
        guard let object = value as? [String: Any] else { throw fail(field, "expected a JSON object") }
        return object
    }

    func string(_ value: Any?, _ field: String) throws -> String {
        guard let string = value as? String else { throw fail(field, "expected a string") }
        return string
    }

    func array(_ value: Any?, _ field: String) throws -> [Any] {
        guard let array = value as? [Any] else { throw fail(field, "expected an array") }
        return array
    }

    /// An optional boolean: absent or null gives nil.
    func bool(_ value: Any?, _ field: String) throws -> Bool? {
        guard let value, !(value is NSNull) else { return nil }
        guard let number = value as? NSNumber, Self.isBoolean(number) else {
            throw fail(field, "expected true, false or null")
        }
        return number.boolValue
    }

    func int(_ value: Any?, _ field: String) throws -> Int {
        guard let number = value as? NSNumber, !Self.isBoolean(number),
              let int = Int(exactly: number.doubleValue) else { throw fail(field, "expected an integer") }
        return int
    }

    /// A token or token-type id: an integer in 0…Int32.max (ftft's id type; Hugging Face's is u32). Larger
    /// values are an error here rather than a trap at the conversion.
    func id(_ value: Any?, _ field: String) throws -> Int32 {
        let number = try int(value, field)
        guard let id = Int32(exactly: number), id >= 0 else { throw fail(field, "\(number) is not an id in 0…\(Int32.max)") }
        return id
    }

    /// JSONSerialization gives booleans as NSNumber too, of a distinct class (on Darwin and Linux alike).
    static func isBoolean(_ number: NSNumber) -> Bool {
        type(of: number) == type(of: NSNumber(value: true))
    }

    /// A special token given as a string or as an AddedToken object ({"content": "[CLS]", …}); nil if absent.
    func tokenName(_ value: Any?, _ field: String) throws -> String? {
        guard let value, !(value is NSNull) else { return nil }
        if let name = value as? String { return name }
        return try string(try object(value, field)["content"], "\(field).content")
    }
}
