import Foundation
import Testing
import FTFTDeterminism
@testable import FTFTCartography

private func pandas(_ value: Double) -> String {
    var out: [UInt8] = []
    PandasJSONEncoding.appendDouble(value, to: &out)
    return String(decoding: out, as: UTF8.self)
}

/// The rules of pandas' 10-decimal float format, one example each (method.md §9.1; the real files are the
/// byte-exact check, in the upstream and golden tests).
@Test func pandasFloatFormatRules() {
    #expect(pandas(1.0) == "1.0", "at least one decimal digit")
    #expect(pandas(0.5) == "0.5", "trailing zeros stripped")
    #expect(pandas(-0.196829319) == "-0.196829319")
    #expect(pandas(0.99999999999) == "1.0", "rounding carries into the integer part")
    #expect(pandas(-1e-12) == "-0.0", "tiny negatives keep their sign")
    #expect(pandas(-0.0) == "0.0", "negative zero is not negative")
    #expect(pandas(12.00000000004) == "12.0")
    #expect(pandas(0.00000000006) == "0.0000000001")
    #expect(pandas(1e-16) == "1e-16", "below 1e-15: %.10g")
    #expect(pandas(2e16) == "2e+16", "above 1e16 - 1: %.10g")
}

/// For doubles away from a rounding tie, the format equals correctly rounded "%.10f" with zeros stripped, and
/// parsing it back lands within half a unit of the 10th decimal.
@Test func pandasFormatAgreesWithCorrectRoundingAwayFromTies() {
    var stream = SeededRandom(seed: 11).stream(.testing)
    var checked = 0
    for _ in 0..<20_000 {
        // Magnitudes up to 10: |v|·1e10 then has an absolute error far below the 1e-3 tie margin.
        let magnitude = [1e-6, 1e-3, 1.0, 10.0][Int(stream.nextWord() % 4)]
        let v = (stream.nextUniformDouble() - 0.5) * 2 * magnitude
        let scaled = abs(v) * 1e10
        if abs(scaled - scaled.rounded(.down) - 0.5) < 1e-3 { continue }
        var reference = String(format: "%.10f", v)
        while reference.hasSuffix("0") { reference.removeLast() }
        if reference.hasSuffix(".") { reference += "0" }
        let text = pandas(v)
        #expect(text == reference, "\(v)")
        #expect(abs((Double(text) ?? .nan) - v) <= 0.5e-10 * (1 + 1e-6) + abs(v) * 1e-15)
        checked += 1
    }
    #expect(checked > 19_000)
}

/// The fast decimal parser gives Swift's correctly rounded `Double(String)` on every kind of JSON number.
@Test func decimalParserIsCorrectlyRounded() {
    var stream = SeededRandom(seed: 12).stream(.testing)
    var texts = ["0", "-0", "0.0", "1", "-1.5", "123456789012345678901234", "0.1", "0.30000000000000004",
                 "1e-320", "2.2250738585072014e-308", "1.7976931348623157e308", "9007199254740993",
                 "0.0000000000000000000000000001", "123.456e-7", "-4.9406564584124654E-324", "1E+2"]
    for _ in 0..<20_000 {
        let digits = (0..<Int(stream.nextWord() % 20 + 1)).map { _ in String(stream.nextWord() % 10) }.joined()
        let point = Int(stream.nextWord()) % (digits.count + 1)
        var text = String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
        if text.hasPrefix(".") { text = "0" + text }
        if text.hasSuffix(".") { text += "0" }
        while text.hasPrefix("0") && text.count > 1 && !text.hasPrefix("0.") { text.removeFirst() }
        texts.append((stream.nextWord() & 1 == 0 ? "-" : "") + text)
    }
    for text in texts {
        let bytes = Array(text.utf8)
        let parsed = bytes.withUnsafeBufferPointer { parseDecimal($0) }
        let expected = Double(text) ?? .nan
        #expect(parsed.bitPattern == expected.bitPattern, "\(text)")
        // The scanner's one-pass number reader (used for every JSON number) agrees too.
        let scanned = try? bytes.withUnsafeBufferPointer { buffer -> Double in
            var scanner = JSONLineScanner(buffer, location: SourceLocation(file: "test", line: 1))
            let value = try scanner.double(field: "x")
            return scanner.position == buffer.count ? value : .nan
        }
        #expect(scanned?.bitPattern == expected.bitPattern, "scanner: \(text)")
    }
}
