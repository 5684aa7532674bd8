import FTFTCartography
import FuzzSupport

/// allenai/cartography's JSONL files through ftft's own JSON scanner: the input as `dynamics_epoch_0.jsonl`
/// (`readEpochFile`, then `readDynamics` on the folder) and as a data-map coordinates file (`readDataMap`).
/// Beyond "reads or throws a CartographyError naming the file":
/// - every record the scanner accepts is valid JSON to Foundation, with the same guid, gold and float32 logits
///   (skipped for a line whose two Foundation decodings differ, i.e. one with a repeated key);
/// - the same records as epoch 1 (the logits key renamed) merge into two identical epochs.
@main enum FuzzCartography {
    static func main() {
        let scratch = Scratch("cartography")
        let folder = scratch.makeFolder("dynamics")
        Fuzzer.run { bytes in
            scratch.remove("dynamics/dynamics_epoch_1.jsonl")
            let epoch0 = scratch.write("dynamics/dynamics_epoch_0.jsonl", bytes)
            do {
                let records = try CartographyFiles.readEpochFile(path: epoch0, epoch: 0)
                checkRecords(records, input: Array(bytes))
                checkTwoEpochs(records, input: Array(bytes), scratch: scratch, folder: folder)
            } catch {
                Fuzzer.expectRejection(error, CartographyError.self, naming: epoch0)
            }
            let coordinates = scratch.write("coordinates.jsonl", bytes)
            do {
                let map = try CartographyFiles.readDataMap(path: coordinates)
                Fuzzer.check(Set(map.exampleIDs).count == map.exampleIDs.count, "duplicate ids in a data map that read")
                Fuzzer.check(map.confidence.allSatisfy { $0 >= 0 && $0 <= 1 } && map.variability.allSatisfy { $0 >= 0 && $0.isFinite },
                             "a data map that read has out-of-range coordinates")
            } catch {
                Fuzzer.expectRejection(error, CartographyError.self, naming: coordinates)
            }
        }
    }

    /// The lines `forEachLine` hands to the scanner: split on "\n", a trailing "\r" dropped, lines of only
    /// spaces and tabs skipped (but counted).
    static func lines(_ input: [UInt8]) -> [(number: Int, bytes: [UInt8])] {
        var out: [(Int, [UInt8])] = []
        var number = 0
        for var line in input.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init) {
            number += 1
            if line.last == 0x0D { line.removeLast() }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            out.append((number, line))
        }
        return out
    }

    static func checkRecords(_ records: EpochRecords, input: [UInt8]) {
        let c = records.classCount
        Fuzzer.check(records.golds.count == records.count && records.lines.count == records.count
                     && records.logits.count == records.count * c, "record arrays disagree in length")
        Fuzzer.check(records.logits.allSatisfy(\.isFinite) && records.golds.allSatisfy { $0 >= 0 && $0 < c },
                     "an accepted record has a non-finite logit or a gold label outside 0..<\(c)")
        let byNumber = Dictionary(lines(input).map { ($0.number, $0.bytes) }, uniquingKeysWith: { a, _ in a })
        for r in 0..<records.count {
            guard let line = byNumber[records.lines[r]] else { Fuzzer.fail("record \(r) claims line \(records.lines[r]), which is blank or absent") }
            let (first, last) = FuzzJSON.decodeBoth(line)
            if first == nil || last == nil, hasSurrogateEscape(line) || hasHugeNumber(line) { continue }  // see below
            guard let first, let last else {
                Fuzzer.fail("line \(records.lines[r]) was accepted but Foundation refuses it: \(String(decoding: line, as: UTF8.self))")
            }
            guard first == last else { continue }  // a repeated key: first-wins and last-wins readers differ
            let logits = Array(records.logits[r * c ..< (r + 1) * c])
            Fuzzer.check(matches(first, id: records.ids[r], gold: records.golds[r], logits: logits),
                         "line \(records.lines[r]): the scanner read guid \(records.ids[r]), gold \(records.golds[r]), logits \(logits); Foundation reads \(first)")
        }
    }

    /// Whether the line holds a \uD800…\uDFFF escape. Foundation refuses a lone surrogate; Python's json (and
    /// so cartography) accepts one, and ftft's scanner skips it inside fields it does not read (it refuses one in
    /// a guid, which a Swift string cannot hold). Such lines are left out of the differential check.
    static func hasSurrogateEscape(_ line: [UInt8]) -> Bool {
        guard line.count >= 4 else { return false }
        for i in 0 ..< line.count - 3 where line[i] == 0x5C && line[i + 1] == 0x75 && (line[i + 2] | 0x20) == 0x64 {
            if [0x38, 0x39, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66].contains(line[i + 3] | 0x20) { return true }
        }
        return false
    }

    /// Whether the line holds a number beyond Double's range (an exponent of 3+ digits, or 300+ digits in a
    /// row): Foundation refuses the line, Python's json reads ±inf or 0, and ftft skips such a number in a field
    /// it does not read (in one it reads, it is out of range or non-finite and refused).
    static func hasHugeNumber(_ line: [UInt8]) -> Bool {
        var run = 0, afterExponent = false
        for b in line {
            if b >= 0x30 && b <= 0x39 {
                run += 1
                if run >= 300 || (afterExponent && run >= 3) { return true }
            } else {
                afterExponent = (b == 0x65 || b == 0x45) || (afterExponent && run == 0 && (b == 0x2B || b == 0x2D))
                run = 0
            }
        }
        return false
    }

    static func matches(_ json: FuzzJSON, id: String, gold: Int, logits: [Float]) -> Bool {
        switch json["guid"] {
        case .string(let text)?: guard text == id else { return false }
        case .integer(let value)?: guard Int64(id) == value else { return false }
        default: return false
        }
        switch json["gold"] {
        case .integer(let value)?: guard value == Int64(gold) else { return false }
        default: return false
        }
        guard case .array(let items)? = json["logits_epoch_0"], items.count == logits.count else { return false }
        for (item, logit) in zip(items, logits) {
            switch item {
            case .integer(let v): guard Float(Double(v)) == logit else { return false }
            case .number(let v): guard Float(v) == logit else { return false }
            default: return false
            }
        }
        return true
    }

    /// The same records again as epoch 1 must merge: same examples, same gold labels, epoch 1 = epoch 0.
    static func checkTwoEpochs(_ records: EpochRecords, input: [UInt8], scratch: Scratch, folder: String) {
        let key = Array("logits_epoch_0".utf8)
        var occurrences = 0, renamed = input, i = 0
        while i + key.count <= renamed.count {
            if Array(renamed[i ..< i + key.count]) == key { renamed[i + key.count - 1] = 0x31; occurrences += 1; i += key.count } else { i += 1 }
        }
        // No records (readDynamics refuses an empty epoch 0), or the key text also occurs elsewhere: no clean rename.
        guard records.count > 0, occurrences == records.count else { return }
        renamed.withUnsafeBytes { _ = scratch.write("dynamics/dynamics_epoch_1.jsonl", $0) }
        do {
            let dynamics = try CartographyFiles.readDynamics(folder: folder)
            Fuzzer.check(dynamics.epochCount == 2 && dynamics.exampleCount == records.count, "two epochs expected")
            let n = records.count * records.classCount
            Fuzzer.check(Array(dynamics.logits[0 ..< n]) == Array(dynamics.logits[n ..< 2 * n]), "epoch 1 differs from epoch 0")
        } catch CartographyError.duplicateExample {
            return  // a repeated id: epoch 0 alone already reads it as a duplicate
        } catch {
            Fuzzer.fail("the same records as epoch 1 do not merge: \(error)")
        }
    }
}
