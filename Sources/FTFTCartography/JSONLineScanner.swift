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

    /// The bytes between the quotes of a string (escapes validated, not decoded).
    mutating func rawString() throws -> UnsafeBufferPointer<UInt8> {
        try expect(0x22)
        let start = position
        while position < bytes.count {
            let b = bytes[position]
            if b == 0x22 {
                position += 1
                return UnsafeBufferPointer(rebasing: bytes[start ..< position - 1])
            }
            if b == 0x5C { position += 2; continue }  // backslash: skip the escaped byte
            if b < 0x20 { throw fail("control character in a string") }
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

    /// The extent of a JSON number token starting here (grammar checked).
    mutating func numberToken(field: String) throws -> Range<Int> {
        skipWhitespace()
        let start = position
        if position < bytes.count, bytes[position] == 0x2D { position += 1 }
        let intStart = position
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        let intDigits = position - intStart
        guard intDigits > 0 else {
            position = start
            throw CartographyError.wrongFieldType(location, field: field, expected: "a number")
        }
        if intDigits > 1 && bytes[intStart] == 0x30 { throw fail("leading zero in '\(field)'") }
        if position < bytes.count, bytes[position] == 0x2E {
            position += 1
            let fracStart = position
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            guard position > fracStart else { throw fail("digits expected after '.' in '\(field)'") }
        }
        if position < bytes.count, bytes[position] == 0x65 || bytes[position] == 0x45 {
            position += 1
            if position < bytes.count, bytes[position] == 0x2B || bytes[position] == 0x2D { position += 1 }
            let expStart = position
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            guard position > expStart else { throw fail("digits expected in the exponent of '\(field)'") }
        }
        return start ..< position
    }

    /// A number as Double, correctly rounded: one pass that checks the grammar and accumulates the digits;
    /// numbers the fast path of `parseDecimal` cannot take (exponents, more than 19 digits) go to it.
    mutating func double(field: String) throws -> Double {
        skipWhitespace()
        let start = position
        let negative = position < bytes.count && bytes[position] == 0x2D
        if negative { position += 1 }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var fast = true
        let intStart = position
        while position < bytes.count, isDigit(bytes[position]) {
            let d = UInt64(bytes[position] &- 0x30)
            if significant > 0 || d != 0 { significant += 1 }
            if significant <= 19 { mantissa = mantissa &* 10 &+ d } else { fast = false }
            position += 1
        }
        let intDigits = position - intStart
        guard intDigits > 0 else {
            position = start
            throw CartographyError.wrongFieldType(location, field: field, expected: "a number")
        }
        if intDigits > 1 && bytes[intStart] == 0x30 { throw fail("leading zero in '\(field)'") }
        if position < bytes.count, bytes[position] == 0x2E {
            position += 1
            let fracStart = position
            while position < bytes.count, isDigit(bytes[position]) {
                let d = UInt64(bytes[position] &- 0x30)
                if significant > 0 || d != 0 { significant += 1 }
                if significant <= 19 { mantissa = mantissa &* 10 &+ d; exponent -= 1 } else { fast = false }
                position += 1
            }
            guard position > fracStart else { throw fail("digits expected after '.' in '\(field)'") }
        }
        if position < bytes.count, bytes[position] == 0x65 || bytes[position] == 0x45 {
            fast = false
            position += 1
            if position < bytes.count, bytes[position] == 0x2B || bytes[position] == 0x2D { position += 1 }
            let expStart = position
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            guard position > expStart else { throw fail("digits expected in the exponent of '\(field)'") }
        }
        if fast && mantissa < (1 << 53) && exponent >= -22 {
            let value = Double(mantissa) / exactPowerOfTen(-exponent)
            return negative ? -value : value
        }
        return parseDecimal(UnsafeBufferPointer(rebasing: bytes[start ..< position]))
    }

    /// An integer-valued number (a JSON integer, or a number with an integral value such as 5.0) as Int.
    mutating func integer(field: String) throws -> Int {
        let token = try numberToken(field: field)
        let text = UnsafeBufferPointer(rebasing: bytes[token])
        if let exact = parseInteger(text) { return exact }
        let value = parseDecimal(text)
        guard value.rounded() == value, abs(value) < 9.0e15 else {
            throw CartographyError.wrongFieldType(location, field: field, expected: "an integer")
        }
        return Int(value)
    }

    /// An id: a JSON integer (kept verbatim as decimal text) or a JSON string.
    mutating func identifier(field: String) throws -> String {
        skipWhitespace()
        if position < bytes.count, bytes[position] == 0x22 { return try string(field: field) }
        let token = try numberToken(field: field)
        let text = UnsafeBufferPointer(rebasing: bytes[token])
        guard parseInteger(text) != nil else {
            throw CartographyError.wrongFieldType(location, field: field, expected: "an integer or a string")
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// `identifier`, plus its value when it was written as a JSON integer (nil for strings).
    mutating func identifierAndInteger(field: String) throws -> (String, Int64?) {
        skipWhitespace()
        if position < bytes.count, bytes[position] == 0x22 { return (try string(field: field), nil) }
        let token = try numberToken(field: field)
        let text = UnsafeBufferPointer(rebasing: bytes[token])
        guard let value = parseInteger(text) else {
            throw CartographyError.wrongFieldType(location, field: field, expected: "an integer or a string")
        }
        // The grammar check already excluded leading zeros; "-0" is the one non-canonical integer left.
        let canonical = !(value == 0 && text[0] == 0x2D)
        return (String(decoding: text, as: UTF8.self), canonical ? Int64(value) : nil)
    }

    /// The fast path for a line exactly as pandas writes it — `{"guid":<integer>,"<logitsKey>":[<numbers>],
    /// "gold":<integer>}`, no spaces — which is every line of a cartography file. Logits replace `logits`'s
    /// content. Returns nil at the first deviation (other key order, spaces, a string id, a syntax error…);
    /// the caller then parses the line with the general scanner, which accepts any layout and reports errors.
    mutating func pandasDynamicsRecord(logitsKey: [UInt8], into logits: inout [Float])
        -> (id: String, integer: Int64?, gold: Int)? {
        logits.removeAll(keepingCapacity: true)
        guard literal(Self.guidOpening) else { return nil }
        let idStart = position
        guard let guid = plainInteger() else { return nil }
        let idEnd = position
        guard literal(Self.comma), literal(Self.quote), literal(logitsKey), literal(Self.keyArrayOpening) else { return nil }
        while true {
            guard position < bytes.count, bytes[position] == 0x2D || isDigit(bytes[position]),
                  let value = try? double(field: "") else { return nil }
            logits.append(Float(value))
            guard position < bytes.count else { return nil }
            if bytes[position] == 0x2C { position += 1; continue }
            if bytes[position] == 0x5D { position += 1; break }
            return nil
        }
        guard literal(Self.goldOpening), let gold = plainInteger(), literal(Self.closing), position == bytes.count else { return nil }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[idStart ..< idEnd]), as: UTF8.self)
        let canonical = !(guid == 0 && bytes[idStart] == 0x2D)
        return (text, canonical ? Int64(guid) : nil, gold)
    }

    static let guidOpening = Array("{\"guid\":".utf8)
    static let comma: [UInt8] = [0x2C]
    static let quote: [UInt8] = [0x22]
    static let keyArrayOpening = Array("\":[".utf8)
    static let goldOpening = Array(",\"gold\":".utf8)
    static let closing: [UInt8] = [0x7D]

    /// Consumes `expected` if the bytes at the position equal it.
    @inline(__always)
    mutating func literal(_ expected: [UInt8]) -> Bool {
        guard position + expected.count <= bytes.count else { return false }
        for k in 0..<expected.count where bytes[position + k] != expected[k] { return false }
        position += expected.count
        return true
    }

    /// An optional "-" and 1…18 digits without a leading zero, as Int; nil (position unspecified) otherwise.
    @inline(__always)
    mutating func plainInteger() -> Int? {
        let negative = position < bytes.count && bytes[position] == 0x2D
        if negative { position += 1 }
        let start = position
        var value = 0
        while position < bytes.count, isDigit(bytes[position]), position - start < 18 {
            value = value * 10 + Int(bytes[position] &- 0x30)
            position += 1
        }
        let digits = position - start
        guard digits > 0, !(digits > 1 && bytes[start] == 0x30),
              position == bytes.count || !isDigit(bytes[position]) else { return nil }
        return negative ? -value : value
    }

    /// `[n, n, …]` of numbers appended to `out` as float32 (each parsed to Double first, then rounded, as
    /// Python's json + `torch.Tensor(list)` do). Returns the count.
    mutating func floatArray(field: String, into out: inout [Float]) throws -> Int {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == 0x5B else {
            throw CartographyError.wrongFieldType(location, field: field, expected: "an array of numbers")
        }
        position += 1
        skipWhitespace()
        var count = 0
        if position < bytes.count, bytes[position] == 0x5D { position += 1; return 0 }
        while true {
            skipWhitespace()
            if let special = nonFiniteLiteral() {
                out.append(special)
            } else {
                guard position < bytes.count, bytes[position] == 0x2D || isDigit(bytes[position]) else {
                    throw CartographyError.wrongFieldType(location, field: field, expected: "an array of numbers")
                }
                out.append(Float(try double(field: field)))
            }
            count += 1
            skipWhitespace()
            guard position < bytes.count else { throw fail("unterminated array in '\(field)'") }
            if bytes[position] == 0x2C { position += 1; continue }
            if bytes[position] == 0x5D { position += 1; return count }
            throw fail("expected ',' or ']' in '\(field)'")
        }
    }

    /// Writers' spellings of a missing or non-finite number inside an array — pandas' `null`, Python json's
    /// `NaN`, `Infinity`, `-Infinity` — read as NaN/±∞ so the caller reports a non-finite logit by name
    /// instead of a syntax error.
    @inline(__always)
    mutating func nonFiniteLiteral() -> Float? {
        guard position < bytes.count else { return nil }
        let first = bytes[position]
        let isCandidate = first == 0x6E || first == 0x4E || first == 0x49
            || (first == 0x2D && position + 1 < bytes.count && bytes[position + 1] == 0x49)
        guard isCandidate else { return nil }
        for (word, value) in [("null", Float.nan), ("NaN", .nan), ("Infinity", .infinity), ("-Infinity", -.infinity)] {
            let w = Array(word.utf8)
            if position + w.count <= bytes.count, bytesEqual(UnsafeBufferPointer(rebasing: bytes[position ..< position + w.count]), w) {
                position += w.count
                return value
            }
        }
        return nil
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

/// The value of an optional "-" followed by digits only, if it fits Int; nil for anything else.
func parseInteger(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
    var i = 0
    let negative = text.count > 0 && text[0] == 0x2D
    if negative { i = 1 }
    guard i < text.count, text.count - i <= 18 else { return nil }
    var value = 0
    while i < text.count {
        guard isDigit(text[i]) else { return nil }
        value = value * 10 + Int(text[i] - 0x30)
        i += 1
    }
    return negative ? -value : value
}

/// 10^k for 0 ≤ k ≤ 22, exact in float64 (a switch of literals: no lazily initialised global on the hot path).
@inline(__always)
func exactPowerOfTen(_ k: Int) -> Double {
    switch k {
    case 0: return 1e0
    case 1: return 1e1
    case 2: return 1e2
    case 3: return 1e3
    case 4: return 1e4
    case 5: return 1e5
    case 6: return 1e6
    case 7: return 1e7
    case 8: return 1e8
    case 9: return 1e9
    case 10: return 1e10
    case 11: return 1e11
    case 12: return 1e12
    case 13: return 1e13
    case 14: return 1e14
    case 15: return 1e15
    case 16: return 1e16
    case 17: return 1e17
    case 18: return 1e18
    case 19: return 1e19
    case 20: return 1e20
    case 21: return 1e21
    default: return 1e22
    }
}

/// A JSON number's text → the nearest Double (round-to-nearest-even), as Python's `float()`/`json.loads`.
/// Fast path (Clinger 1990): when the significant digits form an integer m < 2^53 and the decimal exponent d
/// has |d| ≤ 22, m and 10^|d| are exact doubles and one correctly rounded multiply or divide gives the
/// correctly rounded result. Cartography's 10-decimal logits always take it; anything else goes to strtod.
func parseDecimal(_ text: UnsafeBufferPointer<UInt8>) -> Double {
    var i = 0
    let negative = text[0] == 0x2D
    if negative { i = 1 }
    var mantissa: UInt64 = 0
    var significant = 0
    var exponent = 0
    var fast = true
    var inFraction = false
    while fast, i < text.count {
        let b = text[i]
        if b == 0x2E { inFraction = true; i += 1; continue }
        guard isDigit(b) else { fast = false; break }  // an exponent: leave it to strtod
        let d = UInt64(b - 0x30)
        if significant > 0 || d != 0 { significant += 1 }
        if significant > 19 { fast = false; break }
        mantissa = mantissa * 10 + d
        if inFraction { exponent -= 1 }
        i += 1
    }
    if fast && mantissa < (1 << 53) && exponent >= -22 {
        let value = Double(mantissa) / exactPowerOfTen(-exponent)
        return negative ? -value : value
    }
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { buffer in
        for k in 0..<text.count { buffer[k] = CChar(bitPattern: text[k]) }
        buffer[text.count] = 0
        return strtod(buffer.baseAddress!, nil)
    }
}
