import CZlib

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams the lines of a text file, gzip-compressed or not (zlib's gzread passes plain files through), so
/// every reader in ftft accepts `x.jsonl` and `x.jsonl.gz` alike.
///
/// Lines are split on "\n"; a trailing "\r" is removed; the final line need not end with a newline. Each line
/// is validated as UTF-8. A gzip stream that ends early raises `IOError.truncatedGzip` instead of silently
/// returning a prefix of the data.
public final class LineReader: Sequence, IteratorProtocol {
    public let path: String
    /// 1-based number of the line most recently returned.
    public private(set) var lineNumber = 0
    /// Whether the line most recently returned ended in "\r\n" (its "\r" was removed). A CSV reader needs it to
    /// keep a line break inside a quoted field exactly as written.
    public private(set) var lastLineEndedWithCarriageReturn = false
    private var file: gzFile?
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var bufferStart = 0
    private var bufferEnd = 0
    private var finished = false
    private var error: IOError?

    public init(path: String) throws {
        self.path = path
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw IOError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw IOError.cannotOpen(path: path, reason: "not a regular file")
        }
        guard let handle = gzopen(path, "rb") else {
            throw IOError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        gzbuffer(handle, 1 << 17)
        file = handle
    }

    deinit {
        if let file { gzclose_r(file) }
    }

    /// The next line, or nil at the end of the file. Throws on read errors, truncated gzip and invalid UTF-8.
    public func nextLine() throws -> String? {
        if let error { throw error }
        guard let bytes = try nextLineBytes() else { return nil }
        guard let line = String(validating: bytes, as: UTF8.self) else {
            let e = IOError.invalidUTF8(path: path, line: lineNumber)
            throw e
        }
        return line
    }

    /// The next line's bytes (without the newline), or nil at the end.
    public func nextLineBytes() throws -> [UInt8]? {
        if let error { throw error }
        var line: [UInt8] = []
        while true {
            if bufferStart == bufferEnd {
                if finished {
                    if line.isEmpty { return nil }
                    break
                }
                try refill()
                continue
            }
            // Scan for a newline in the buffered bytes.
            var i = bufferStart
            while i < bufferEnd && buffer[i] != 0x0A { i += 1 }
            line.append(contentsOf: buffer[bufferStart..<i])
            if i < bufferEnd {
                bufferStart = i + 1
                break
            }
            bufferStart = bufferEnd
        }
        lineNumber += 1
        lastLineEndedWithCarriageReturn = line.last == 0x0D
        if lastLineEndedWithCarriageReturn { line.removeLast() }
        return line
    }

    private func refill() throws {
        guard let file else { finished = true; return }
        let n = buffer.withUnsafeMutableBytes { raw in
            gzread(file, raw.baseAddress, UInt32(raw.count))
        }
        if n < 0 {
            var code: Int32 = 0
            let message = gzerror(file, &code).map { String(cString: $0) } ?? "unknown zlib error"
            let e: IOError = code == Z_BUF_ERROR
                ? .truncatedGzip(path: path, line: lineNumber + 1)
                : .readFailed(path: path, line: lineNumber + 1, reason: message)
            error = e
            throw e
        }
        if n == 0 {
            // gzread returns 0 at a clean end, and also when a gzip stream ends early; zlib reports the
            // latter through gzerror as Z_BUF_ERROR.
            var code: Int32 = 0
            _ = gzerror(file, &code)
            if code == Z_BUF_ERROR {
                let e = IOError.truncatedGzip(path: path, line: lineNumber + 1)
                error = e
                throw e
            }
            finished = true
        }
        bufferStart = 0
        bufferEnd = Int(Swift.max(n, 0))
    }

    /// Sequence conformance for convenience in tests; stops at the first error (use `nextLine()` to see it).
    public func next() -> String? { try? nextLine() }

    /// Reads every line of `path` (for small files such as vocabularies and configs).
    public static func readAll(path: String) throws -> [String] {
        let reader = try LineReader(path: path)
        var lines: [String] = []
        while let line = try reader.nextLine() { lines.append(line) }
        return lines
    }
}
