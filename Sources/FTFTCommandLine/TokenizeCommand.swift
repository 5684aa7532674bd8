import ArgumentParser
import FTFTIO
import FTFTText

/// `ftft tokenize`: what a model will see. One JSON line per input line, in Hugging Face's key names.
public struct TokenizeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Tokenize texts (one per line, or a pair separated by a tab) as a BERT model sees them.",
        discussion: """
            Prints one JSON line per input line: {"input_ids":[…],"token_type_ids":[…],"attention_mask":[…]}. \
            The tokenizer is the model's tokenizer.json when --tokenizer is a model directory that has one, else its \
            vocab.txt with tokenizer_config.json. Input may be gzip-compressed.
            """)

    @Option(name: .long, help: "A vocab.txt, a tokenizer.json, or a model directory.")
    public var tokenizer: String?

    @Option(name: .customLong("vocab"), help: .hidden)
    public var vocab: String?

    @Option(name: .customLong("max-length"),
            help: "Truncate to this many tokens, special tokens included (longest_first for pairs).")
    public var maxLength: Int?

    @Option(name: .customLong("pad-to"), help: "Pad each encoding on the right to this length.")
    public var padTo: Int?

    @Option(name: .long, help: "The file to write (atomically) instead of standard output.")
    public var output: String?

    @Argument(help: "The input file: one text per line, or two texts separated by a tab.")
    public var file: String

    public init() {}

    public func validate() throws {
        if let maxLength, maxLength < 2 { throw ValidationError("--max-length must be at least 2 (for [CLS] and [SEP])") }
        if let padTo, padTo < 1 { throw ValidationError("--pad-to must be positive") }
        _ = try OptionSpelling.resolve(tokenizer, alias: vocab, required: true, name: "--tokenizer", aliasName: "--vocab")
    }

    public func run() throws {
        let path = try OptionSpelling.resolve(self.tokenizer, alias: vocab, required: true, name: "--tokenizer",
                                            aliasName: "--vocab") ?? ""
        let tokenizer = try WordPieceTokenizer.load(path: path)
        let reader = try LineReader(path: file)
        if let output {
            try AtomicFile.write(path: output) { fd in try encodeAll(reader, tokenizer, fd: fd, path: output) }
        } else {
            try encodeAll(reader, tokenizer, fd: 1, path: "(standard output)")
        }
    }

    /// Streams the encodings of every line of `reader` to `fd`, in blocks of about 64 KB.
    private func encodeAll(_ reader: LineReader, _ tokenizer: WordPieceTokenizer, fd: Int32, path: String) throws {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 17)
        func flush() throws {
            try buffer.withUnsafeBytes { try AtomicFile.writeAll(fd: fd, $0.baseAddress, $0.count, path: path) }
            buffer.removeAll(keepingCapacity: true)
        }
        while let line = try reader.nextLine() {
            let texts = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard texts.count <= 2 else {
                throw TokenizeInputError(path: file, line: reader.lineNumber,
                                         reason: "\(texts.count - 1) tabs; expected a text or a pair separated by one tab")
            }
            let encoding: TokenEncoding
            do {
                encoding = try tokenizer.encode(String(texts[0]), pair: texts.count == 2 ? String(texts[1]) : nil,
                                                maxLength: maxLength, padTo: padTo)
            } catch {
                throw TokenizeInputError(path: file, line: reader.lineNumber, reason: "\(error)")
            }
            Self.appendJSON(encoding, to: &buffer)
            if buffer.count >= 1 << 16 { try flush() }
        }
        try flush()
    }

    static func appendJSON(_ encoding: TokenEncoding, to buffer: inout [UInt8]) {
        func append(_ key: String, _ values: [Int32], last: Bool) {
            buffer.append(contentsOf: "\"\(key)\":[".utf8)
            for (i, v) in values.enumerated() {
                if i > 0 { buffer.append(UInt8(ascii: ",")) }
                buffer.append(contentsOf: String(v).utf8)
            }
            buffer.append(contentsOf: (last ? "]}\n" : "],").utf8)
        }
        buffer.append(UInt8(ascii: "{"))
        append("input_ids", encoding.inputIds, last: false)
        append("token_type_ids", encoding.tokenTypeIds, last: false)
        append("attention_mask", encoding.attentionMask, last: true)
    }
}

/// A line of `ftft tokenize`'s input that cannot be encoded.
struct TokenizeInputError: UserFacingError {
    let path: String
    let line: Int
    let reason: String

    var description: String { "\(path):\(line): \(reason)" }
    var exitStatus: ExitStatus { .badInput }
}
