import FTFTCartography
import FTFTData
import FTFTDeterminism
import FTFTStore

/// Chooses the main model's training subset: from a reference run's data map (DM, FTFT) or at random
/// (Random DM). Positions are rows of the full training set, ascending (training-file order, as FTFT keeps it,
/// method.md §4.1); the main run trains on exactly those rows, without copies or reweighting.
enum SubsetSelection {
    struct Result {
        var indices: [Int]
        var ids: [String]
        var pool: Int
        var selection: SelectionID
        var dataMap: DataMapID?
    }

    /// The data map of `reference` (ddof as asked, statistics over every complete epoch it recorded) and the
    /// selection `method` asks for, both stored (or found, if already stored) under the reference run in `store`.
    /// The dynamics are read from `source` (the store itself, or — for a shard — wherever the reference run finished).
    ///
    /// Refuses, before anything is trained on it, a reference run whose training examples are not the main
    /// run's: the same ids with the same gold labels, row for row.
    static func fromDataMap(store: RunStore, dynamicsFrom source: RunStore? = nil, reference: RunID, train: LabeledDataset,
                            method: MethodSpec, threads: Int) throws -> Result {
        let (dynamics, exampleIndices) = try (source ?? store).trainingDynamics(run: reference, mode: .trainingPass)
        try checkSameExamples(dynamics, exampleIndices: exampleIndices, train: train, reference: reference, method: method.label)
        let epochs = dynamics.epochCount
        if epochs < method.ddof + 1 || (method.rule == .ftft && epochs < 2) {
            throw ExperimentError.unavailable(
                what: "a data map of \(reference) for \(method.label)",
                reason: "the reference run recorded \(epochs) complete epoch(s); variability with ddof \(method.ddof) and FTFT's rule need at least 2 (raise max_steps)")
        }
        let options = DataMapOptions(variabilityDDOF: method.ddof)
        let map = try DataMap.compute(from: dynamics, options: options, threads: threads)
        let mapID: DataMapID
        if let existing = try store.dataMap(run: reference, recordingMode: .trainingPass, options: options, epochCount: epochs) {
            mapID = existing.id
        } else {
            mapID = try store.saveDataMap(run: reference, recordingMode: .trainingPass, exampleIndices: exampleIndices, map: map)
        }
        let spec = SelectionSpec(mode: method.mode, rate: method.rate, rule: method.rule)
        if let existing = try store.selection(run: reference, spec: spec, dataMap: mapID) {
            return Result(indices: existing.exampleIndices, ids: existing.exampleIDs, pool: existing.poolCount,
                          selection: existing.id, dataMap: mapID)
        }
        guard let selection = try Selector.select(map, mode: method.mode, rates: [method.rate], rule: method.rule).first else {
            throw ExperimentError.unavailable(what: "a selection for \(method.label)", reason: "the selector returned none")
        }
        let indices = selection.indices.map { exampleIndices[$0] }
        let id = try store.saveSelection(run: reference, dataMap: mapID, spec: spec, poolCount: map.exampleCount,
                                         exampleIndices: indices, exampleIDs: selection.ids)
        return Result(indices: indices, ids: selection.ids, pool: map.exampleCount, selection: id, dataMap: mapID)
    }

    /// A uniformly random subset of the training set of the size `rule` gives for `rate` (FTFT's random
    /// baseline: floor(rate·N), `F:train.py L100-104`): the first k of a Fisher–Yates permutation drawn from
    /// `SeededRandom(seed).stream(.subsample, 0, 0)`, returned in file order.
    static func randomIndices(count n: Int, rate: Double, rule: SelectionRule, seed: UInt64) -> [Int] {
        let k = SelectionRules.randomCount(rule: rule, rate: rate, count: n)
        var stream = SeededRandom(seed: seed).stream(.subsample, 0, 0)
        return Array(stream.permutation(n).prefix(k)).sorted()
    }

    static func checkSameExamples(_ recorded: TrainingDynamics, exampleIndices: [Int], train: LabeledDataset,
                                  reference: RunID, method: String) throws {
        func mismatch(_ reason: String) -> ExperimentError {
            .referenceMismatch(reference: "\(reference)", main: method, reason: reason)
        }
        guard exampleIndices == Array(0..<train.count) else {
            throw mismatch("it recorded \(exampleIndices.count) examples, the main run's training set has \(train.count)")
        }
        for (i, example) in train.examples.enumerated() {
            guard recorded.exampleIDs[i] == example.id else {
                throw mismatch("training example \(i) is \"\(recorded.exampleIDs[i])\" there but \"\(example.id)\" here")
            }
            guard recorded.goldLabels[i] == example.label else {
                throw mismatch("training example \(example.id) has label \(recorded.goldLabels[i]) there but \(example.label) here")
            }
        }
    }
}
