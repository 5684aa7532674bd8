import Foundation

/// Number formatting of pandas' `DataFrame.to_json` (its bundled ujson encoder, default `double_precision=10`),
/// which is how every cartography JSONL file was written (method.md §9.1). Re-encoding a parsed cartography
/// line with these rules reproduces it byte for byte.
enum PandasJSONEncoding {
    /// Appends `value` as pandas writes a float64 with 10 decimals:
    /// - |v| > 1e16 − 1, or 0 < |v| < 1e-15: C's `%.10g`.
    /// - otherwise fixed point: w = trunc(|v|), t = (|v| − w)·10¹⁰ in float64, f = trunc(t), d = t − f;
    ///   f += 1 if d > 0.5 (carrying into w when f reaches 10¹⁰), or if d == 0.5 and f is odd or zero;
    ///   then "w.f" with f's trailing zeros removed, or "w.0" when f is 0; a "-" for negative v (so tiny
    ///   negatives print "-0.0").
    /// Note the rounding is ujson's, not correctly rounded decimal conversion: t is itself a rounded product.
    static func appendDouble(_ value: Double, to out: inout [UInt8]) {
        var v = value
        let negative = v < 0
        if negative { v = -v }
        if v > 1e16 - 1 || (v != 0 && v < 1e-15) {
            out.append(contentsOf: Array(String(format: "%.10g", value).utf8))
            return
        }
        var whole = UInt64(v)
        let scaled = (v - Double(whole)) * 1e10
        var fraction = UInt64(scaled)
        let remainder = scaled - Double(fraction)
        if remainder > 0.5 {
            fraction += 1
            if fraction >= 10_000_000_000 {
                fraction = 0
                whole += 1
            }
        } else if remainder == 0.5 && (fraction == 0 || fraction & 1 == 1) {
            fraction += 1
        }
        if negative { out.append(0x2D) }
        appendUnsigned(whole, to: &out)
        out.append(0x2E)
        if fraction == 0 {
            out.append(0x30)
            return
        }
        var digits = 10
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        // `fraction` now has at most `digits` digits; write exactly that many, leading zeros included.
        let start = out.count
        for _ in 0..<digits { out.append(0x30) }
        var k = start + digits - 1
        while fraction > 0 {
            out[k] = 0x30 + UInt8(fraction % 10)
            fraction /= 10
            k -= 1
        }
    }

    static func appendUnsigned(_ value: UInt64, to out: inout [UInt8]) {
        if value == 0 { out.append(0x30); return }
        var length = 0
        var v = value
        while v > 0 { length += 1; v /= 10 }
        let start = out.count
        for _ in 0..<length { out.append(0x30) }
        v = value
        var k = start + length - 1
        while v > 0 { out[k] = 0x30 + UInt8(v % 10); v /= 10; k -= 1 }
    }

    static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(0x2D) }
        appendUnsigned(value.magnitude.toUInt64, to: &out)
    }

    /// An id as cartography's `guid`: a JSON integer when it is a canonical decimal integer, otherwise a JSON
    /// string (cartography's reader only uses guids as dictionary keys, so strings work there too).
    static func appendIdentifier(_ id: String, to out: inout [UInt8]) {
        if canonicalInteger(id) != nil {
            out.append(contentsOf: id.utf8)
        } else {
            appendString(id, to: &out)
        }
    }

    /// A JSON string, escaping quotes, backslashes and control characters (pandas/ujson also escapes "/";
    /// only ids are strings here and ours are compared after decoding, so plain escaping suffices).
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(0x22)
        for b in text.utf8 {
            switch b {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: out.append(contentsOf: [0x5C, 0x72])
            case 0x09: out.append(contentsOf: [0x5C, 0x74])
            case 0..<0x20: out.append(contentsOf: Array(String(format: "\\u%04x", b).utf8))
            default: out.append(b)
            }
        }
        out.append(0x22)
    }

    /// `"key":` with the key's bytes as given.
    static func appendKey(_ key: String, to out: inout [UInt8]) {
        out.append(0x22)
        out.append(contentsOf: key.utf8)
        out.append(contentsOf: [0x22, 0x3A])
    }
}

extension UInt {
    fileprivate var toUInt64: UInt64 { UInt64(self) }
}
