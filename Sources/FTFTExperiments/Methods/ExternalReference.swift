import Foundation
import FTFTCartography
import FTFTData
import FTFTIO

/// A DM or FTFT subset chosen outside this experiment — FTFT's point: a cheap reference trained anywhere (another
/// trainer, a GPU), the expensive main run here. Two sources:
/// - `subset_file:` ids, one per line, as `ftft select` writes them (blank lines and `#` comments ignored);
/// - `reference_dynamics:` a folder of cartography `dynamics_epoch_{e}.jsonl` files (allenai/cartography's format,
///   what `integrations/cartography_callback.py` writes from a Hugging Face `Trainer`), mapped and selected here
///   with the method's mode, rate, rule and ddof.
/// Every id must be a training example (an unknown or repeated id is an error naming the file and the line) and the
/// subset must not be empty. The subset's SHA-256 (of its ids in training order) is part of the main run's
/// identity. A cost, when the source states one, is added to the method's compute and marked as external: in a
/// subset file the comment lines `# training_flops: <number>` and `# wall_seconds: <number>`; beside dynamics a
/// `reference_cost.json` with `training_flops` and `wall_seconds`.
public struct ExternalReference: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case subsetFile = "subset_file"
        case dynamics = "reference_dynamics"
    }

    public var kind: Kind
    /// The file or folder (absolute).
    public var path: String
    /// SHA-256 of the selected ids in training order, one per line.
    public var subsetSHA256: String
    public var selectedCount: Int
    /// The reference's training cost as its source states it (nil: not given, so not counted).
    public var trainingFLOPs: Double?
    public var wallSeconds: Double?

    /// The name of the cost file beside external dynamics.
    public static let costFileName = "reference_cost.json"
}

/// An external subset, resolved against the training set.
struct ExternalSubset {
    var record: ExternalReference
    /// Rows of the training set, ascending.
    var indices: [Int]
    var pool: Int

    /// The subset a method names (`subset_file` or `reference_dynamics`); nil for a method with a reference model.
    static func load(_ method: MethodSpec, train: LabeledDataset, threads: Int) throws -> ExternalSubset? {
        if let path = method.subsetFile { return try fromIDsFile(path: path, train: train) }
        if let folder = method.referenceDynamics { return try fromDynamics(folder: folder, train: train, method: method, threads: threads) }
        return nil
    }

    static func failure(_ file: String, _ line: Int?, _ reason: String) -> ExperimentError {
        .externalReference(file: file, line: line, reason: reason)
    }

    /// Training-set row of each id.
    static func rows(_ train: LabeledDataset) -> [String: Int] {
        var rows: [String: Int] = [:]
        for (i, example) in train.examples.enumerated() { rows[example.id] = i }
        return rows
    }

    static func fromIDsFile(path: String, train: LabeledDataset) throws -> ExternalSubset {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw failure(path, nil, "cannot read the subset file")
        }
        guard let text = String(validating: data, as: UTF8.self) else { throw failure(path, nil, "not UTF-8 text") }
        let rows = rows(train)
        var firstLine: [Int: Int] = [:]
        var flops: Double?, seconds: Double?
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = number + 1
            let content = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if content.isEmpty { continue }
            if content.hasPrefix("#") {
                let comment = content.dropFirst().trimmingCharacters(in: .whitespaces)
                for (key, target) in [("training_flops:", 0), ("wall_seconds:", 1)] where comment.hasPrefix(key) {
                    guard let value = Double(comment.dropFirst(key.count).trimmingCharacters(in: .whitespaces)), value >= 0, value.isFinite else {
                        throw failure(path, line, "\(key) must be a number ≥ 0")
                    }
                    if target == 0 { flops = value } else { seconds = value }
                }
                continue
            }
            guard let row = rows[content] else {
                throw failure(path, line, "id \"\(content)\" is not in the training set (\(train.count) examples, ids from its id field)")
            }
            if let first = firstLine[row] { throw failure(path, line, "id \"\(content)\" appears again (first on line \(first))") }
            firstLine[row] = line
        }
        guard !firstLine.isEmpty else { throw failure(path, nil, "the subset is empty: no id in the file") }
        return make(.subsetFile, path: path, indices: firstLine.keys.sorted(), train: train, flops: flops, seconds: seconds)
    }

    static func fromDynamics(folder: String, train: LabeledDataset, method: MethodSpec, threads: Int) throws -> ExternalSubset {
        let dynamics = try CartographyFiles.readDynamics(folder: folder, options: DynamicsReadOptions(partialLastEpoch: .dropIncompleteLastEpoch))
        let file = URL(fileURLWithPath: folder).appendingPathComponent("dynamics_epoch_0.jsonl").path
        let rows = rows(train)
        var seen = [Bool](repeating: false, count: train.count)
        for (i, id) in dynamics.exampleIDs.enumerated() {
            guard let row = rows[id] else {
                throw failure(file, nil, "example \"\(id)\" (the \(i + 1). of the dynamics) is not in the training set")
            }
            seen[row] = true
            let gold = dynamics.goldLabels[i]
            if gold != train.examples[row].label {
                let names = train.labelNames
                let theirs = names.indices.contains(gold) ? "\(gold) (\(names[gold]) here)" : "\(gold)"
                throw failure(file, nil, "example \"\(id)\" has gold \(theirs) in the dynamics but \(train.examples[row].label) (\(names[train.examples[row].label])) here: are the classes in the same order (\(names.joined(separator: ", ")))?")
            }
        }
        if let missing = seen.firstIndex(of: false) {
            throw failure(folder, nil, "\(seen.filter { !$0 }.count) training examples have no dynamics (the first: \"\(train.examples[missing].id)\"); the reference must have trained on the whole training set")
        }
        guard dynamics.epochCount >= max(2, method.ddof + 1) else {
            throw failure(folder, nil, "\(dynamics.epochCount) epoch(s) of dynamics; a data map with ddof \(method.ddof) needs at least 2")
        }
        let map = try DataMap.compute(from: dynamics, options: FTFTCartography.DataMapOptions(variabilityDDOF: method.ddof),
                                      threads: threads)
        guard let selection = try Selector.select(map, mode: method.mode, rates: [method.rate],
                                                  rule: method.rule).first else {
            throw failure(folder, nil, "the selector returned no selection")
        }
        let indices = selection.ids.compactMap { rows[$0] }.sorted()
        guard !indices.isEmpty else { throw failure(folder, nil, "the selection is empty (rate \(method.rate) of \(train.count))") }
        var flops: Double?, seconds: Double?
        let costPath = URL(fileURLWithPath: folder).appendingPathComponent(ExternalReference.costFileName).path
        if let data = FileManager.default.contents(atPath: costPath) {
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw failure(costPath, nil, "not a JSON object")
            }
            // Other keys (e.g. "source", a note for people) are ignored.
            for key in ["training_flops", "wall_seconds"] {
                guard let value = object[key] else { continue }
                guard let number = value as? Double, number >= 0, number.isFinite else {
                    throw failure(costPath, nil, "\(key) must be a number ≥ 0")
                }
                if key == "training_flops" { flops = number } else { seconds = number }
            }
        }
        return make(.dynamics, path: folder, indices: indices, train: train, flops: flops, seconds: seconds)
    }

    static func make(_ kind: ExternalReference.Kind, path: String, indices: [Int], train: LabeledDataset, flops: Double?,
                     seconds: Double?) -> ExternalSubset {
        let ids = indices.map { train.examples[$0].id + "\n" }.joined()
        let record = ExternalReference(kind: kind, path: path, subsetSHA256: SHA256.hex(of: Array(ids.utf8)),
                                       selectedCount: indices.count, trainingFLOPs: flops, wallSeconds: seconds)
        return ExternalSubset(record: record, indices: indices, pool: train.count)
    }
}
