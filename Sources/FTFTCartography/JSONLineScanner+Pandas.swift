/// The fast path for cartography's own files.
extension JSONLineScanner {
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
}
