import Foundation
import FTFTIO
import FTFTText

/// A Hugging Face BERT tokenizer (`WordPieceTokenizer`, exact parity): `[CLS] a [SEP] b [SEP]`, token types,
/// `longest_first` truncation to `maxLength`.
public struct WordPieceEncoder: ExampleEncoder {
    public let tokenizer: WordPieceTokenizer
    public let identity: String
    /// The file or folder it was loaded from.
    public let path: String

    /// Loads a vocab.txt, a tokenizer.json or a model directory (see `WordPieceTokenizer.load(path:)`). The
    /// identity is the SHA-256 of the tokenizer files that exist there (tokenizer.json, vocab.txt,
    /// tokenizer_config.json), so the same tokenizer anywhere has the same identity.
    public init(path: String) throws {
        tokenizer = try WordPieceTokenizer.load(path: path)
        self.path = path
        var isDirectory: ObjCBool = false
        FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let folder = isDirectory.boolValue ? URL(fileURLWithPath: path) : URL(fileURLWithPath: path).deletingLastPathComponent()
        var files = isDirectory.boolValue ? [] : [path]
        for name in ["tokenizer.json", "vocab.txt", "tokenizer_config.json"] {
            let candidate = folder.appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: candidate), !files.contains(candidate) { files.append(candidate) }
        }
        identity = "wordpiece:" + (try translatingIO { try files.map { try FileHash.sha256(path: $0) } }).joined(separator: "+")
    }

    public var vocabularySize: Int { tokenizer.vocabulary.count }
    public var padTokenId: Int32 { tokenizer.padID }

    public func encode(_ example: TextExample, maxLength: Int) throws -> (ids: [Int32], tokenTypes: [Int32]) {
        let encoding = try tokenizer.encode(example.text, pair: example.textPair, maxLength: maxLength)
        return (encoding.inputIds, encoding.tokenTypeIds)
    }
}
