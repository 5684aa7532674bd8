import Foundation
import FTFTText
import FuzzSupport

/// Text → encode, with MiniLM's real tokenizer from ../shared/models (or `$FTFT_SHARED/models`) when present,
/// else a small generated vocabulary. The input is UTF-8 (invalid sequences decoded as U+FFFD, as a file reader
/// would refuse them); a tab splits it into a pair. Beyond `TokenizerChecks`: a whitespace boundary splits the
/// tokens, so tokenize(a + " " + b) = tokenize(a) + tokenize(b).
@main enum FuzzTokenizer {
    static func main() {
        let tokenizer = loadTokenizer()
        Fuzzer.run { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            let parts = text.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let pair = parts.count == 2 ? parts[1] : nil
            let maxLength = Int(bytes.first ?? 0) % 40
            TokenizerChecks.check(tokenizer, parts[0], pair: pair, maxLength: maxLength)
            if let pair {
                let joined = tokenizer.tokenize(parts[0] + " " + pair)
                Fuzzer.check(joined == tokenizer.tokenize(parts[0]) + tokenizer.tokenize(pair),
                             "a space between two texts does not split their tokens: \(parts)")
            }
        }
    }

    static func loadTokenizer() -> WordPieceTokenizer {
        let shared = ProcessInfo.processInfo.environment["FTFT_SHARED"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("shared")
        let model = shared.appendingPathComponent("models/minilm-l6-h384")
        if FileManager.default.fileExists(atPath: model.appendingPathComponent("tokenizer.json").path) {
            do {
                let tokenizer = try WordPieceTokenizer.load(path: model.path)
                print("fuzz-tokenizer: MiniLM's tokenizer from \(model.path) (\(tokenizer.vocabulary.count) tokens)")
                return tokenizer
            } catch {
                Fuzzer.fail("cannot load \(model.path): \(error)")
            }
        }
        print("fuzz-tokenizer: \(model.path) is absent; using a small generated vocabulary")
        var tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        for word in ["the", "a", "un", "aff", "able", "hello", "world", "cafe", "中", "文"] {
            tokens += [word, "##" + word]
        }
        tokens += (33...126).map { String(UnicodeScalar(UInt8($0))) }
        do {
            return try WordPieceTokenizer(vocabulary: try Vocabulary(tokens: tokens))
        } catch {
            Fuzzer.fail("the generated vocabulary does not load: \(error)")
        }
    }
}
