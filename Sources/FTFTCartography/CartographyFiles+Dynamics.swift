import Foundation
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
        var records: EpochRecords?
        try forEachDynamicsRecord(path: path, epoch: epoch, classCount: classCount) { record in
            if records == nil { records = EpochRecords(file: path, epoch: epoch, classCount: record.logits.count) }
            records?.ids.append(record.id)
            records?.golds.append(record.gold)
            records?.logits.append(contentsOf: record.logits)
            records?.lines.append(record.location.line)
        }
        return records ?? EpochRecords(file: path, epoch: epoch, classCount: classCount ?? 0)
    }

    /// One parsed dynamics line.
    struct DynamicsRecord {
        var id: String
        var gold: Int
        var logits: UnsafeBufferPointer<Float>
        var location: SourceLocation
    }

    /// Streams the records of one epoch file through `body`, validating each (see `readEpochFile`).
    static func forEachDynamicsRecord(path: String, epoch: Int, classCount: Int?,
                                      _ body: (DynamicsRecord) throws -> Void) throws {
        let reader: LineReader
        do { reader = try LineReader(path: path) } catch let error as IOError { throw CartographyError.io(error) }
        let logitsKey = Array("logits_epoch_\(epoch)".utf8)
        let guidKey = Array("guid".utf8), goldKey = Array("gold".utf8)
        let logitsPrefix = Array("logits_epoch_".utf8)
        var expectedClasses = classCount
        var scratch: [Float] = []
        scratch.reserveCapacity(16)
        while true {
            let bytes: [UInt8]?
            do { bytes = try reader.nextLineBytes() } catch let error as IOError { throw CartographyError.io(error) }
            guard let line = bytes else { break }
            let location = SourceLocation(file: path, line: reader.lineNumber)
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }  // blank lines (e.g. a trailing one)
            var id: String?
            var gold: Int?
            var sawLogits = false
            scratch.removeAll(keepingCapacity: true)
            try line.withUnsafeBufferPointer { buffer in
                var scanner = JSONLineScanner(buffer, location: location)
                try scanner.object { key, s in
                    if bytesEqual(key, guidKey) {
                        id = try s.identifier(field: "guid")
                    } else if bytesEqual(key, goldKey) {
                        gold = try s.integer(field: "gold")
                    } else if bytesEqual(key, logitsKey) {
                        _ = try s.floatArray(field: "logits_epoch_\(epoch)", into: &scratch)
                        sawLogits = true
                    } else if key.count > logitsPrefix.count,
                              bytesEqual(UnsafeBufferPointer(rebasing: key[0..<logitsPrefix.count]), logitsPrefix) {
                        throw CartographyError.epochKeyMismatch(location, expected: "logits_epoch_\(epoch)",
                                                                found: String(decoding: key, as: UTF8.self))
                    } else {
                        try s.skipValue()
                    }
                }
            }
            guard let id else { throw CartographyError.missingField(location, field: "guid") }
            guard sawLogits else { throw CartographyError.missingField(location, field: "logits_epoch_\(epoch)") }
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
            try scratch.withUnsafeBufferPointer { logits in
                try body(DynamicsRecord(id: id, gold: gold, logits: logits, location: location))
            }
        }
    }
}

extension CartographyFiles {
    /// Reads and merges a folder of `dynamics_epoch_{e}.jsonl` files with cartography's semantics
    /// (`C:selection_utils.py L37-68`, method.md §9.1), made strict:
    /// - epoch 0 defines the examples and their order (order of appearance, which is cartography's `index`);
    ///   an id first seen in a later epoch is an error, as cartography's assertion makes it;
    /// - an id twice in one epoch, a gold label that differs from epoch 0's, a class count that differs from the
    ///   first record's, a non-finite logit: errors naming file, line and example (cartography would silently
    ///   append, keep epoch 0's gold, or produce NaN statistics);
    /// - an example missing from a later epoch: see `DynamicsReadOptions.partialLastEpoch`.
    public static func readDynamics(folder: String, options: DynamicsReadOptions = DynamicsReadOptions()) throws -> TrainingDynamics {
        var files = try dynamicsFiles(folder: folder)
        if let k = options.maxEpochs {
            guard k >= 1 else { throw CartographyError.burnOutOutOfRange(burnOut: k, epochs: files.count) }
            files = Array(files.prefix(k))
        }
        var ids: [String] = []
        var golds: [Int] = []
        var index: [String: Int] = [:]
        var firstLine: [Int] = []
        var logits: [Float] = []
        var classCount = 0
        // Epoch 0 defines the examples.
        try forEachDynamicsRecord(path: files[0], epoch: 0, classCount: nil) { record in
            if let previous = index[record.id] {
                throw CartographyError.duplicateExample(record.location, id: record.id, firstLine: firstLine[previous])
            }
            classCount = record.logits.count
            index[record.id] = ids.count
            ids.append(record.id)
            golds.append(record.gold)
            firstLine.append(record.location.line)
            logits.append(contentsOf: record.logits)
        }
        guard !ids.isEmpty else { throw CartographyError.invalidDynamics(reason: "\(files[0]) has no records") }
        let n = ids.count, c = classCount
        var epochs = 1
        var dropped = false
        for epoch in 1..<files.count {
            var block = [Float](repeating: 0, count: n * c)
            var seenLine = [Int](repeating: 0, count: n)
            try forEachDynamicsRecord(path: files[epoch], epoch: epoch, classCount: c) { record in
                guard let i = index[record.id] else {
                    throw CartographyError.unknownExample(record.location, id: record.id, epoch: epoch)
                }
                if seenLine[i] != 0 {
                    throw CartographyError.duplicateExample(record.location, id: record.id, firstLine: seenLine[i])
                }
                guard record.gold == golds[i] else {
                    throw CartographyError.goldChanged(record.location, id: record.id, previous: golds[i], found: record.gold)
                }
                seenLine[i] = record.location.line
                for k in 0..<c { block[i * c + k] = record.logits[k] }
            }
            if let missing = seenLine.firstIndex(of: 0) {
                if epoch == files.count - 1 && options.partialLastEpoch == .dropIncompleteLastEpoch {
                    dropped = true
                    break
                }
                throw CartographyError.missingExample(file: files[epoch], id: ids[missing], epoch: epoch)
            }
            logits.append(contentsOf: block)
            epochs += 1
        }
        return TrainingDynamics(unchecked: ids, goldLabels: golds, classCount: c, epochCount: epochs, logits: logits,
                                metadata: DynamicsMetadata(mode: .unknown, source: "cartography files in \(folder)",
                                                           droppedPartialEpoch: dropped))
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
