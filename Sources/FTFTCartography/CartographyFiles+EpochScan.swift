import Foundation
import FTFTDeterminism
import FTFTIO

/// Parsing one epoch file held in memory, and the id table the merge uses.
extension CartographyFiles {
    /// An epoch file's records plus, when every id is a decimal integer, the ids as integers (fast lookups).
    struct ScannedEpoch {
        var records: EpochRecords
        var integerIDs: [Int64]?
    }

    /// Parses a whole epoch file held in memory (see `readEpochFile`).
    static func scanEpochFile(path: String, epoch: Int, classCount: Int?) throws -> ScannedEpoch {
        let bytes = try fileBytes(path)
        let logitsKey = Array("logits_epoch_\(epoch)".utf8), logitsField = "logits_epoch_\(epoch)"
        let guidKey = Array("guid".utf8), goldKey = Array("gold".utf8)
        let logitsPrefix = Array("logits_epoch_".utf8)
        var records = EpochRecords(file: path, epoch: epoch, classCount: classCount ?? 0)
        var integerIDs: [Int64]? = []
        var expectedClasses = classCount
        var scratch: [Float] = []
        scratch.reserveCapacity(16)
        var scanner = JSONLineScanner(file: path)
        try forEachLine(bytes) { line, lineNumber in
            var id: String?, key: Int64?, gold: Int?
            var sawLogits = false
            scratch.removeAll(keepingCapacity: true)
            scanner.reset(line, line: lineNumber)
            var location: SourceLocation { SourceLocation(file: path, line: lineNumber) }
            if let fast = scanner.pandasDynamicsRecord(logitsKey: logitsKey, into: &scratch) {
                (id, key, gold, sawLogits) = (fast.id, fast.integer, fast.gold, true)
            } else {
                scratch.removeAll(keepingCapacity: true)
                scanner.reset(line, line: lineNumber)
                // A field read twice is an error: the logits would otherwise be appended twice (doubling the
                // class count), and first-wins and last-wins readers would disagree on guid and gold.
                func once(_ seen: Bool, _ field: String) throws {
                    if seen { throw CartographyError.badJSON(location, reason: "field '\(field)' appears twice") }
                }
                try scanner.object { name, s in
                    if bytesEqual(name, guidKey) {
                        try once(id != nil, "guid")
                        (id, key) = try s.identifierAndInteger(field: "guid")
                    } else if bytesEqual(name, goldKey) {
                        try once(gold != nil, "gold")
                        gold = try s.integer(field: "gold")
                    } else if bytesEqual(name, logitsKey) {
                        try once(sawLogits, logitsField)
                        _ = try s.floatArray(field: logitsField, into: &scratch)
                        sawLogits = true
                    } else if name.count > logitsPrefix.count,
                              bytesEqual(UnsafeBufferPointer(rebasing: name[0..<logitsPrefix.count]), logitsPrefix) {
                        throw CartographyError.epochKeyMismatch(location, expected: logitsField, found: String(decoding: name, as: UTF8.self))
                    } else {
                        try s.skipValue()
                    }
                }
            }
            guard let id else { throw CartographyError.missingField(location, field: "guid") }
            guard sawLogits else { throw CartographyError.missingField(location, field: logitsField) }
            guard let gold else { throw CartographyError.missingField(location, field: "gold") }
            let c = expectedClasses ?? scratch.count
            guard scratch.count == c, c > 0 else {
                throw CartographyError.classCountMismatch(location, id: id, expected: c, found: scratch.count)
            }
            expectedClasses = c
            if let bad = scratch.firstIndex(where: { !$0.isFinite }) {
                throw CartographyError.nonFiniteLogit(location, id: id, classIndex: bad)
            }
            guard gold >= 0, gold < c else { throw CartographyError.goldOutOfRange(location, id: id, gold: gold, classCount: c) }
            records.ids.append(id)
            records.golds.append(gold)
            records.logits.append(contentsOf: scratch)
            records.lines.append(lineNumber)
            if let key { integerIDs?.append(key) } else { integerIDs = nil }
        }
        records = EpochRecords(file: path, epoch: epoch, classCount: expectedClasses ?? 0, ids: records.ids,
                               golds: records.golds, logits: records.logits, lines: records.lines)
        return ScannedEpoch(records: records, integerIDs: integerIDs)
    }

    /// The whole content of a plain or gzip file (gzip through FTFTIO's `LineReader`, lines rejoined).
    static func fileBytes(_ path: String) throws -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CartographyError.io(.cannotOpen(path: path, reason: "no such file or not readable"))
        }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.readToEnd() ?? Data() } catch {
            throw CartographyError.io(.readFailed(path: path, line: nil, reason: "\(error)"))
        }
        if data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B {
            var joined = Data()
            do {
                let reader = try LineReader(path: path)
                while let line = try reader.nextLineBytes() {
                    joined.append(contentsOf: line)
                    joined.append(0x0A)
                }
            } catch let error as IOError { throw CartographyError.io(error) }
            return joined
        }
        return data
    }

    /// Calls `body` with each line of `bytes` (without "\n" and a trailing "\r") and its 1-based number;
    /// lines of only spaces and tabs are skipped but counted.
    static func forEachLine(_ bytes: Data, _ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        try bytes.withUnsafeBytes { raw in
            let all = raw.bindMemory(to: UInt8.self)
            guard let base = all.baseAddress else { return }
            var start = 0, line = 0
            while start < all.count {
                line += 1
                var end = all.count
                if let hit = memchr(base + start, 0x0A, all.count - start) {
                    end = UnsafeRawPointer(hit).assumingMemoryBound(to: UInt8.self) - base
                }
                var stop = end
                if stop > start && all[stop - 1] == 0x0D { stop -= 1 }
                let text = UnsafeBufferPointer(rebasing: all[start..<stop])
                if !text.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    try body(text, line)
                }
                start = end + 1
            }
        }
    }
}

/// Example ids → positions in epoch 0. When every epoch-0 id is a decimal integer (cartography's guids) an
/// open-addressing table of Int64 keys is used: later epochs list examples in random order, so every lookup is
/// a cache miss, and one flat table costs one miss where a `Dictionary` costs several. Ids are still compared as
/// text, so a later `"123"` finds the example written as `123`.
struct ExampleLookup {
    let ids: [String]
    let integerIDs: [Int64]?
    private var slots: [Int64] = []      // key per slot
    private var positions: [Int32] = []  // position + 1 per slot; 0 = empty
    private var mask = 0
    private var byString: [String: Int] = [:]

    init(ids: [String], integerIDs: [Int64]?) {
        self.ids = ids
        self.integerIDs = integerIDs
        if integerIDs != nil {
            var capacity = 16
            while capacity < 2 * ids.count { capacity <<= 1 }
            slots = [Int64](repeating: 0, count: capacity)
            positions = [Int32](repeating: 0, count: capacity)
            mask = capacity - 1
        } else {
            byString.reserveCapacity(ids.count)
        }
    }

    /// Fibonacci hashing of the key to a slot.
    @inline(__always) private func slot(_ key: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask
    }

    /// Adds example i; returns the earlier position if its id is already present.
    mutating func insert(_ i: Int) -> Int? {
        guard let integerIDs else {
            if let previous = byString[ids[i]] { return previous }
            byString[ids[i]] = i
            return nil
        }
        let key = integerIDs[i]
        var s = slot(key)
        while positions[s] != 0 {
            if slots[s] == key { return Int(positions[s]) - 1 }
            s = (s + 1) & mask
        }
        slots[s] = key
        positions[s] = Int32(i + 1)
        return nil
    }

    func find(_ id: String, integer: Int64?) -> Int? {
        guard integerIDs != nil else { return byString[id] }
        guard let key = integer ?? canonicalInteger(id) else { return nil }
        return find(integer: key)
    }

    /// The position of an integer id (nil when the epoch-0 ids are not all integers).
    @inline(__always)
    func find(integer key: Int64) -> Int? {
        guard integerIDs != nil else { return byString[String(key)] }
        var s = slot(key)
        while positions[s] != 0 {
            if slots[s] == key { return Int(positions[s]) - 1 }
            s = (s + 1) & mask
        }
        return nil
    }
}
