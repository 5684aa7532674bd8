import FTFTText
import FuzzSupport

/// vocab.txt: `Vocabulary.load` (ids are line numbers; empty, duplicate and non-UTF-8 lines refused by line)
/// and `WordPieceTokenizer.load(vocabTxt:)` (special tokens required). A vocabulary that loads must be a
/// bijection between ids 0..<V and its tokens; a tokenizer that loads must encode the sample texts soundly.
@main enum FuzzVocabulary {
    static func main() {
        let scratch = Scratch("vocabulary")
        Fuzzer.run { bytes in
            let path = scratch.write("vocab.txt", bytes)
            do {
                let vocabulary = try Vocabulary.load(vocabTxt: path)
                for id in 0..<Int32(vocabulary.count) {
                    guard let token = vocabulary.token(id) else { Fuzzer.fail("id \(id) of \(vocabulary.count) has no token") }
                    Fuzzer.check(vocabulary.id(token) == id, "token '\(token)' maps to \(vocabulary.id(token) ?? -1), not \(id)")
                }
            } catch {
                Fuzzer.expectRejection(error, TokenizerError.self, naming: path)
                return
            }
            do {
                let tokenizer = try WordPieceTokenizer.load(vocabTxt: path)
                for (text, pair) in TokenizerChecks.samples {
                    TokenizerChecks.check(tokenizer, text, pair: pair, maxLength: 7)
                }
            } catch {
                Fuzzer.expectRejection(error, TokenizerError.self, naming: path)
            }
        }
    }
}
