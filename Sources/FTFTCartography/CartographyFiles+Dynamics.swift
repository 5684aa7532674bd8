import Foundation
import FTFTDeterminism
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

}
