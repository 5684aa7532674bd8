import Foundation
import FTFTTensors
import FTFTIO

/// allenai/cartography's on-disk formats (method.md §9): training dynamics `dynamics_epoch_{e}.jsonl`, data-map
/// coordinates and `td_metrics.jsonl`. Readers accept plain or gzip files (through FTFTIO's `LineReader`).
public enum CartographyFiles {}

/// How to read a folder of `dynamics_epoch_{e}.jsonl` files.
public struct DynamicsReadOptions: Sendable {
    /// Read only epochs 0..<k (cartography's `--burn_out` reads only that many files).
    public var maxEpochs: Int?
    /// An example of epoch 0 missing from a later epoch makes the dynamics ragged. Cartography accepts that
    /// (each example then has its own number of epochs, `C:selection_utils.py L37-68`); ftft keeps dynamics
    /// rectangular, so the default rejects it, naming the example, and FTFT's rule drops an incomplete last
    /// epoch (method.md §2.1), which is the ragged case cartography itself produces (a partial final epoch).
    public var partialLastEpoch: PartialEpochRule

    public init(maxEpochs: Int? = nil, partialLastEpoch: PartialEpochRule = .reject) {
        self.maxEpochs = maxEpochs
        self.partialLastEpoch = partialLastEpoch
    }
}

/// The records of one `dynamics_epoch_{e}.jsonl` file, in file order.
public struct EpochRecords: Sendable, Equatable {
    public let file: String
    public let epoch: Int
    public let classCount: Int
    public var ids: [String] = []
    public var golds: [Int] = []
    /// [records, C] float32.
    public var logits: [Float] = []
    /// 1-based line of each record.
    public var lines: [Int] = []

    public var count: Int { ids.count }
}

extension CartographyFiles {
    /// The dynamics files of `folder`, index = epoch: names `dynamics_epoch_{e}.jsonl` or `.jsonl.gz`, numbered
    /// 0..<E without gaps. Other files are ignored (cartography counts every file in the folder as an epoch,
    /// method.md §8.9, so a stray file breaks it; here it cannot).
    public static func dynamicsFiles(folder: String) throws -> [String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            throw CartographyError.io(.cannotOpen(path: folder, reason: "cannot list the folder"))
        }
        var byEpoch: [Int: String] = [:]
        for name in names {
            guard name.hasPrefix("dynamics_epoch_") else { continue }
            var rest = name.dropFirst("dynamics_epoch_".count)
            if rest.hasSuffix(".jsonl.gz") { rest = rest.dropLast(".jsonl.gz".count) }
            else if rest.hasSuffix(".jsonl") { rest = rest.dropLast(".jsonl".count) }
            else { continue }
            guard let epoch = Int(rest), epoch >= 0, String(epoch) == rest else { continue }
            if let other = byEpoch[epoch] {
                throw CartographyError.invalidDynamics(reason: "\(folder) has two files for epoch \(epoch): \(other) and \(name)")
            }
            byEpoch[epoch] = name
        }
        guard !byEpoch.isEmpty else { throw CartographyError.noDynamicsFiles(folder: folder) }
        let last = byEpoch.keys.max() ?? 0
        return try (0...last).map { epoch in
            guard let name = byEpoch[epoch] else { throw CartographyError.missingEpochFile(folder: folder, epoch: epoch) }
            return (folder as NSString).appendingPathComponent(name)
        }
    }

    /// Reads one epoch file and checks each record on its own: the logits key names this epoch, the logits are
    /// finite and as many as the first record's (or `classCount`), gold is an integer in 0..<C.
    public static func readEpochFile(path: String, epoch: Int, classCount: Int? = nil) throws -> EpochRecords {
        try scanEpochFile(path: path, epoch: epoch, classCount: classCount).records
    }

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
                try scanner.object { name, s in
                    if bytesEqual(name, guidKey) {
                        (id, key) = try s.identifierAndInteger(field: "guid")
                    } else if bytesEqual(name, goldKey) {
                        gold = try s.integer(field: "gold")
                    } else if bytesEqual(name, logitsKey) {
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

extension CartographyFiles {
    /// Reads and merges a folder of `dynamics_epoch_{e}.jsonl` files with cartography's semantics
    /// (`C:selection_utils.py L37-68`, method.md §9.1), made strict:
    /// - epoch 0 defines the examples and their order (order of appearance, which is cartography's `index`);
    ///   an id first seen in a later epoch is an error, as cartography's assertion makes it;
    /// - an id twice in one epoch, a gold label that differs from epoch 0's, a class count that differs from
    ///   epoch 0's, a non-finite logit: errors naming file, line and example (cartography would silently
    ///   append, keep epoch 0's gold, or produce NaN statistics);
    /// - an example missing from a later epoch: see `DynamicsReadOptions.partialLastEpoch`.
    /// Epochs after 0 are parsed on `threads` workers; errors are reported in epoch order, and within one file
    /// a record's own problems (syntax, fields, values) before problems relative to epoch 0.
    public static func readDynamics(folder: String, options: DynamicsReadOptions = DynamicsReadOptions(),
                                    threads: Int = 2) throws -> TrainingDynamics {
        var files = try dynamicsFiles(folder: folder)
        if let k = options.maxEpochs {
            guard k >= 1 else { throw CartographyError.burnOutOutOfRange(burnOut: k, epochs: files.count) }
            files = Array(files.prefix(k))
        }
        // Epoch 0 defines the examples.
        let first = try scanEpochFile(path: files[0], epoch: 0, classCount: nil)
        let ids = first.records.ids, golds = first.records.golds, c = first.records.classCount, n = ids.count
        guard n > 0 else { throw CartographyError.invalidDynamics(reason: "\(files[0]) has no records") }
        var lookup = ExampleLookup(ids: ids, integerIDs: first.integerIDs)
        for i in 0..<n {
            if let previous = lookup.insert(i) {
                throw CartographyError.duplicateExample(SourceLocation(file: files[0], line: first.records.lines[i]),
                                                        id: ids[i], firstLine: first.records.lines[previous])
            }
        }
        // Later epochs: parse and place each on its own worker (each fills only its own slot; the lookup is only
        // read), then take the results in epoch order, so the first error in epoch order is the one reported.
        var merged = [Result<MergedEpoch, Error>?](repeating: nil, count: files.count)
        merged.withUnsafeMutableBufferPointer { slots in
            let shared = UncheckedSendable(slots)
            parallelFor(threads: threads, count: files.count - 1) { k in
                shared.value[k + 1] = Result {
                    try mergeEpoch(try scanEpochFile(path: files[k + 1], epoch: k + 1, classCount: c), lookup: lookup, golds: golds)
                }
            }
        }
        var logits = first.records.logits
        logits.reserveCapacity(files.count * n * c)
        var epochs = 1
        var dropped = false
        for epoch in 1..<files.count {
            guard let result = merged[epoch] else { continue }
            let block = try result.get()
            if let missing = block.firstMissing {
                if epoch == files.count - 1 && options.partialLastEpoch == .dropIncompleteLastEpoch {
                    dropped = true
                    break
                }
                throw CartographyError.missingExample(file: files[epoch], id: ids[missing], epoch: epoch)
            }
            logits.append(contentsOf: block.logits)
            epochs += 1
        }
        return TrainingDynamics(unchecked: ids, goldLabels: golds, classCount: c, epochCount: epochs, logits: logits,
                                metadata: DynamicsMetadata(mode: .unknown, source: "cartography files in \(folder)",
                                                           droppedPartialEpoch: dropped))
    }

    /// One later epoch placed in epoch-0 order: [N, C] logits and the first example it lacks, if any.
    struct MergedEpoch {
        var logits: [Float]
        var firstMissing: Int?
    }

    /// Places the records of a later epoch at their examples' positions, checking each against epoch 0: known
    /// id, not seen before in this epoch, same gold label.
    static func mergeEpoch(_ scanned: ScannedEpoch, lookup: ExampleLookup, golds: [Int]) throws -> MergedEpoch {
        let records = scanned.records, n = golds.count, c = records.classCount
        var block = [Float](repeating: 0, count: n * c)
        var seenLine = [Int32](repeating: 0, count: n)
        for r in 0..<records.count {
            let found = scanned.integerIDs.map { lookup.find(integer: $0[r]) } ?? lookup.find(records.ids[r], integer: nil)
            guard let i = found else {
                throw CartographyError.unknownExample(SourceLocation(file: records.file, line: records.lines[r]),
                                                      id: records.ids[r], epoch: records.epoch)
            }
            if seenLine[i] != 0 {
                throw CartographyError.duplicateExample(SourceLocation(file: records.file, line: records.lines[r]),
                                                        id: records.ids[r], firstLine: Int(seenLine[i]))
            }
            guard records.golds[r] == golds[i] else {
                throw CartographyError.goldChanged(SourceLocation(file: records.file, line: records.lines[r]),
                                                   id: records.ids[r], previous: golds[i], found: records.golds[r])
            }
            seenLine[i] = Int32(clamping: records.lines[r])
            for k in 0..<c { block[i * c + k] = records.logits[r * c + k] }
        }
        return MergedEpoch(logits: block, firstMissing: seenLine.firstIndex(of: 0))
    }

    /// One line of `dynamics_epoch_{e}.jsonl` exactly as cartography (pandas `to_json(orient="records",
    /// lines=True)`) writes it: `{"guid":…,"logits_epoch_{e}":[…],"gold":…}` and "\n", no spaces, floats with
    /// 10 decimals (`PandasJSONEncoding`). float32 logits are widened to float64 first, as `tolist()` does.
    public static func encodeDynamicsLine(id: String, epoch: Int, logits: some Collection<Float>, gold: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(96)
        out.append(0x7B)
        PandasJSONEncoding.appendKey("guid", to: &out)
        PandasJSONEncoding.appendIdentifier(id, to: &out)
        out.append(0x2C)
        PandasJSONEncoding.appendKey("logits_epoch_\(epoch)", to: &out)
        out.append(0x5B)
        for (k, value) in logits.enumerated() {
            if k > 0 { out.append(0x2C) }
            PandasJSONEncoding.appendDouble(Double(value), to: &out)
        }
        out.append(0x5D)
        out.append(0x2C)
        PandasJSONEncoding.appendKey("gold", to: &out)
        PandasJSONEncoding.appendInteger(gold, to: &out)
        out.append(contentsOf: [0x7D, 0x0A])
        return out
    }

    /// Writes `dynamics` as `folder/dynamics_epoch_{e}.jsonl`, one file per epoch, each atomically, examples in
    /// the dynamics' order (cartography writes each epoch in its shuffled processing order; order does not
    /// matter to any statistic). The folder is created if needed.
    public static func writeDynamics(_ dynamics: TrainingDynamics, folder: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw CartographyError.io(.writeFailed(path: folder, reason: "cannot create the folder"))
        }
        for epoch in 0..<dynamics.epochCount {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(dynamics.exampleCount * (16 + 14 * dynamics.classCount))
            for i in 0..<dynamics.exampleCount {
                bytes.append(contentsOf: encodeDynamicsLine(id: dynamics.exampleIDs[i], epoch: epoch,
                                                            logits: dynamics.logits(epoch: epoch, example: i),
                                                            gold: dynamics.goldLabels[i]))
            }
            let path = (folder as NSString).appendingPathComponent("dynamics_epoch_\(epoch).jsonl")
            do { try AtomicFile.write(Data(bytes), to: path) } catch let error as IOError { throw CartographyError.io(error) }
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
