import FTFTText
import FuzzSupport

/// tokenizer.json (`WordPieceTokenizer.load(tokenizerJSON:)`), and the same bytes as the tokenizer_config.json
/// beside a valid vocab.txt. Either loads — and then encodes the sample texts soundly — or throws a
/// `TokenizerError` naming the file.
@main enum FuzzTokenizerJSON {
    static func main() {
        let scratch = Scratch("tokenizer-json")
        scratch.write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n<s>\nhello\n##lo\nworld\n,\n!\nun\n##aff\n##able\n")
        Fuzzer.run { bytes in
            let json = scratch.write("tokenizer.json", bytes)
            load(json) { try WordPieceTokenizer.load(tokenizerJSON: json) }
            let config = scratch.write("tokenizer_config.json", bytes)
            load(config) { try WordPieceTokenizer.load(vocabTxt: scratch.path("vocab.txt")) }
            scratch.remove("tokenizer_config.json")
        }
    }

    static func load(_ path: String, _ body: () throws -> WordPieceTokenizer) {
        do {
            let tokenizer = try body()
            for (text, pair) in TokenizerChecks.samples {
                TokenizerChecks.check(tokenizer, text, pair: pair, maxLength: 7)
            }
        } catch {
            Fuzzer.expectRejection(error, TokenizerError.self, naming: path)
        }
    }
}
