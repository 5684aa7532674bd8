#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Numbers: JSON number tokens, float arrays, integers and ids, with a correctly rounded decimal parser.
extension JSONLineScanner {
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
