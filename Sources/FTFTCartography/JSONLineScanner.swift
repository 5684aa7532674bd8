#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small strict JSON reader for one JSONL line holding one object, fast on the shapes cartography writes
/// (`{"guid":…,"logits_epoch_0":[…],"gold":…}`) without building a dictionary per line. Whitespace between
/// tokens is allowed; keys may come in any order; unknown keys are skipped. Every error names the file, line
/// and (where known) the field.
struct JSONLineScanner {
    private(set) var bytes: UnsafeBufferPointer<UInt8>
    let file: String
    private(set) var line: Int
    var position = 0

    /// A scanner for lines of `file`; `reset` points it at each line in turn (one scanner per file, so the
    /// file name is not copied per line).
    init(file: String) {
        self.bytes = UnsafeBufferPointer(start: nil, count: 0)
        self.file = file
        self.line = 0
    }

    init(_ bytes: UnsafeBufferPointer<UInt8>, location: SourceLocation) {
        self.bytes = bytes
        self.file = location.file
        self.line = location.line
    }

    mutating func reset(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
        self.bytes = bytes
        self.line = line
        position = 0
    }

    var location: SourceLocation { SourceLocation(file: file, line: line) }

    func fail(_ reason: String) -> CartographyError {
        .badJSON(location, reason: "\(reason) at column \(position + 1)")
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            let b = bytes[position]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { position += 1 } else { break }
        }
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8) throws {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else {
            throw fail("expected '\(Character(Unicode.Scalar(byte)))'")
        }
        position += 1
    }

    /// Walks `{ "key": value, … }`; `field(key, &self)` must consume the value (or call `skipValue`). Keys are
    /// passed as raw bytes (escapes left as written; cartography's keys have none). Checks the line ends after.
    mutating func object(_ field: (UnsafeBufferPointer<UInt8>, inout JSONLineScanner) throws -> Void) throws {
        try expect(0x7B)  // {
        skipWhitespace()
        if position < bytes.count, bytes[position] == 0x7D {
            position += 1
        } else {
            while true {
                let key = try rawString()
                try expect(0x3A)  // :
                skipWhitespace()
                try field(key, &self)
                skipWhitespace()
                guard position < bytes.count else { throw fail("unterminated object") }
                if bytes[position] == 0x2C { position += 1; continue }  // ,
                if bytes[position] == 0x7D { position += 1; break }     // }
                throw fail("expected ',' or '}'")
            }
        }
        skipWhitespace()
        guard position == bytes.count else { throw fail("unexpected text after the object") }
    }

    /// The bytes between the quotes of a string (escapes validated, not decoded; a lone surrogate escape passes,
    /// as in Python's json). Bytes beyond ASCII must be valid UTF-8: decoding would otherwise turn them into
    /// U+FFFD and silently change an id.
    mutating func rawString() throws -> UnsafeBufferPointer<UInt8> {
        try expect(0x22)
        let start = position
        var ascii = true
        while position < bytes.count {
            let b = bytes[position]
            if b == 0x22 {
                position += 1
                let raw = UnsafeBufferPointer(rebasing: bytes[start ..< position - 1])
                if !ascii && String(validating: raw, as: UTF8.self) == nil {
                    position = start
                    throw fail("invalid UTF-8 in a string")
                }
                return raw
            }
            if b == 0x5C {  // an escape: \" \\ \/ \b \f \n \r \t or \u and four hex digits
                guard position + 1 < bytes.count else { break }
                switch bytes[position + 1] {
                case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:
                    position += 2
                case 0x75:
                    guard position + 6 <= bytes.count, hexDigit(bytes[position + 2]) != nil, hexDigit(bytes[position + 3]) != nil,
                          hexDigit(bytes[position + 4]) != nil, hexDigit(bytes[position + 5]) != nil else {
                        throw fail("bad \\u escape in a string")
                    }
                    position += 6
                default:
                    throw fail("bad escape in a string")
                }
                continue
            }
            if b < 0x20 { throw fail("control character in a string") }
            if b >= 0x80 { ascii = false }
            position += 1
        }
        throw fail("unterminated string")
    }

    /// A string value, decoded (\" \\ \/ \b \f \n \r \t \uXXXX with surrogate pairs).
    mutating func string(field: String) throws -> String {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == 0x22 else {
            throw CartographyError.wrongFieldType(location, field: field, expected: "a string")
        }
        let raw = try rawString()
        if !raw.contains(0x5C) { return String(decoding: raw, as: UTF8.self) }
        var scalars = String.UnicodeScalarView()
        var i = 0
        var utf8: [UInt8] = []
        func flush() {
            if !utf8.isEmpty { scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars); utf8 = [] }
        }
        func hex4(_ at: Int) throws -> UInt32 {
            guard at + 4 <= raw.count else { throw fail("bad \\u escape in '\(field)'") }
            var v: UInt32 = 0
            for k in at ..< at + 4 {
                guard let d = hexDigit(raw[k]) else { throw fail("bad \\u escape in '\(field)'") }
                v = v << 4 | d
            }
            return v
        }
        while i < raw.count {
            let b = raw[i]
            if b != 0x5C { utf8.append(b); i += 1; continue }
            flush()
            guard i + 1 < raw.count else { throw fail("bad escape in '\(field)'") }
            let e = raw[i + 1]
            i += 2
            let simple: [UInt8: UInt8] = [0x22: 0x22, 0x5C: 0x5C, 0x2F: 0x2F, 0x62: 0x08, 0x66: 0x0C, 0x6E: 0x0A, 0x72: 0x0D, 0x74: 0x09]
            if let s = simple[e] { utf8.append(s); continue }
            guard e == 0x75 else { throw fail("bad escape in '\(field)'") }
            var code = try hex4(i)
            i += 4
            if code >= 0xD800 && code < 0xDC00, i + 6 <= raw.count, raw[i] == 0x5C, raw[i + 1] == 0x75 {
                let low = try hex4(i + 2)
                if low >= 0xDC00 && low < 0xE000 {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
            }
            guard let scalar = Unicode.Scalar(code) else { throw fail("invalid code point in '\(field)'") }
            scalars.append(scalar)
        }
        flush()
        return String(scalars)
    }

    /// Skips any JSON value (for unknown keys).
    mutating func skipValue() throws {
        skipWhitespace()
        guard position < bytes.count else { throw fail("value expected") }
        switch bytes[position] {
        case 0x22: _ = try rawString()
        case 0x7B, 0x5B:
            let close: UInt8 = bytes[position] == 0x7B ? 0x7D : 0x5D
            let isObject = close == 0x7D
            position += 1
            skipWhitespace()
            if position < bytes.count, bytes[position] == close { position += 1; return }
            while true {
                if isObject { _ = try rawString(); try expect(0x3A) }
                try skipValue()
                skipWhitespace()
                guard position < bytes.count else { throw fail("unterminated value") }
                if bytes[position] == 0x2C { position += 1; skipWhitespace(); continue }
                if bytes[position] == close { position += 1; return }
                throw fail("expected ',' or a closing bracket")
            }
        case 0x74: try literal("true")
        case 0x66: try literal("false")
        case 0x6E: try literal("null")
        default: _ = try numberToken(field: "value")
        }
    }

    mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard position + n <= bytes.count, memcmp(bytes.baseAddress! + position, word.utf8Start, n) == 0 else {
            throw fail("invalid literal")
        }
        position += n
    }
}

@inline(__always) func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

func hexDigit(_ b: UInt8) -> UInt32? {
    switch b {
    case 0x30...0x39: return UInt32(b - 0x30)
    case 0x41...0x46: return UInt32(b - 0x41 + 10)
    case 0x61...0x66: return UInt32(b - 0x61 + 10)
    default: return nil
    }
}

/// Whether two byte strings are equal (keys against constants).
@inline(__always)
func bytesEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    for i in 0..<a.count where a[i] != b[i] { return false }
    return true
}
