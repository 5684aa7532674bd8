import Foundation
import FTFTCartography
internal import GRDB

extension RunStore {
    /// One stored epoch, rows in the order they were processed. Throws `notFound` if it was not recorded.
    public func epoch(run: RunID, epoch: Int, mode: RecordingMode = .trainingPass) throws -> RecordedEpoch {
        let operation = "epoch(\(run), \(epoch), \(mode.storeCode))"
        return try read(operation) { db in
            guard let record = try epochRecords(db, run: run, mode: mode).first(where: { $0.epoch == epoch }),
                  let epochID = record.id
            else { throw StoreError.notFound(path: path, what: "epoch \(epoch) (\(mode.storeCode)) of \(run)") }
            var rows = DynamicsRows(exampleIndices: [], exampleIDs: [], golds: [], classes: record.classes, logits: [])
            rows.exampleIndices.reserveCapacity(record.exampleCount)
            rows.exampleIDs.reserveCapacity(record.exampleCount)
            rows.golds.reserveCapacity(record.exampleCount)
            rows.logits.reserveCapacity(record.exampleCount * record.classes)
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT example_index, example_id, gold, logits FROM dynamics WHERE epoch_id = ? ORDER BY position
                """, arguments: [epochID])
            while let row = try cursor.next() {
                rows.exampleIndices.append(row[0])
                rows.exampleIDs.append(row[1])
                rows.golds.append(row[2])
                try appendLogits(row, column: 3, classes: record.classes, to: &rows.logits, run: run, epoch: epoch)
            }
            guard rows.count == record.exampleCount else {
                throw StoreError.corrupt(path: path, what: "\(run) epoch \(epoch): \(rows.count) rows, \(record.exampleCount) expected")
            }
            return RecordedEpoch(epoch: epoch, mode: mode, completedSteps: record.completedSteps, rows: rows)
        }
    }

    /// The run's dynamics (see `dynamics(run:mode:)`) as the cartography module's `TrainingDynamics`, examples
    /// in training-file order, with each example's row in the training file ([N], ascending).
    public func trainingDynamics(run: RunID, mode: RecordingMode = .trainingPass) throws
        -> (dynamics: TrainingDynamics, exampleIndices: [Int]) {
        let recorded = try dynamics(run: run, mode: mode)
        do {
            let dynamics = try TrainingDynamics(
                exampleIDs: recorded.exampleIDs, goldLabels: recorded.golds, classCount: recorded.classes,
                epochCount: recorded.epochs.count, logits: recorded.logits,
                metadata: DynamicsMetadata(mode: mode, source: "ftft run store \(path), \(run)"))
            return (dynamics, recorded.exampleIndices)
        } catch let error as CartographyError {
            throw StoreError.corrupt(path: path, what: "training dynamics of \(run): \(error)")
        }
    }

    /// All stored epochs of a run as one dense [E, N, C] array in training-file order, read in one snapshot
    /// (a concurrent writer's next epoch is either wholly in it or not at all).
    ///
    /// Every epoch must hold the same example indices; otherwise this throws `raggedDynamics` naming the first
    /// epoch that differs (read such runs with `epoch(run:…)`). Ids and golds are taken from the first epoch;
    /// `appendEpoch` has already refused any later epoch that contradicts them, so only indices and golds are
    /// re-compared here. Throws `notFound` if the run has no epochs in this mode.
    public func dynamics(run: RunID, mode: RecordingMode = .trainingPass) throws -> RecordedDynamics {
        let operation = "dynamics(\(run), \(mode.storeCode))"
        return try read(operation) { db in
            try requireRun(db, run, operation: operation)
            let records = try epochRecords(db, run: run, mode: mode)
            guard let first = records.first else {
                throw StoreError.notFound(path: path, what: "training dynamics (\(mode.storeCode)) of \(run)")
            }
            let n = first.exampleCount, c = first.classes
            var result = RecordedDynamics(mode: mode, epochs: records.map(\.epoch), exampleIndices: [], exampleIDs: [],
                                          golds: [], classes: c, logits: [])
            result.exampleIndices.reserveCapacity(n)
            result.exampleIDs.reserveCapacity(n)
            result.golds.reserveCapacity(n)
            result.logits.reserveCapacity(records.count * n * c)
            for record in records {
                guard let epochID = record.id else { continue }
                guard record.exampleCount == n, record.classes == c else {
                    throw StoreError.raggedDynamics(
                        path: path, run: run.rawValue, epoch: record.epoch,
                        reason: "\(record.exampleCount) examples × \(record.classes) classes, but epoch \(first.epoch) has \(n) × \(c)")
                }
                let isFirst = record.epoch == first.epoch
                let sql = isFirst
                    ? "SELECT example_index, gold, logits, example_id FROM dynamics WHERE epoch_id = ? ORDER BY example_index"
                    : "SELECT example_index, gold, logits FROM dynamics WHERE epoch_id = ? ORDER BY example_index"
                let cursor = try Row.fetchCursor(db, sql: sql, arguments: [epochID])
                var slot = 0
                while let row = try cursor.next() {
                    let index: Int = row[0], gold: Int = row[1]
                    if isFirst {
                        result.exampleIndices.append(index)
                        result.golds.append(gold)
                        result.exampleIDs.append(row[3])
                    } else if slot >= n || result.exampleIndices[slot] != index || result.golds[slot] != gold {
                        throw StoreError.raggedDynamics(
                            path: path, run: run.rawValue, epoch: record.epoch,
                            reason: "example slot \(slot) is index \(index) (gold \(gold)), not as in epoch \(first.epoch)")
                    }
                    try appendLogits(row, column: 2, classes: c, to: &result.logits, run: run, epoch: record.epoch)
                    slot += 1
                }
                guard slot == n else {
                    throw StoreError.corrupt(path: path, what: "\(run) epoch \(record.epoch): \(slot) rows, \(n) expected")
                }
            }
            return result
        }
    }

    /// Appends the C floats of a logits BLOB column, or throws `corrupt` if it does not hold C floats.
    func appendLogits(_ row: Row, column: Int, classes: Int, to output: inout [Float], run: RunID, epoch: Int) throws {
        let ok = try row.withUnsafeData(atIndex: column) { data in
            guard let data else { return false }
            return FloatBlob.append(data, expectedCount: classes, to: &output)
        }
        guard ok else {
            throw StoreError.corrupt(path: path, what: "\(run) epoch \(epoch): a logits BLOB is not \(classes) float32 values")
        }
    }
}

extension RunStore {
    /// The number of dynamics rows actually stored for a run and mode (counted in the `dynamics` table, not
    /// taken from the epoch records): a progress figure for a reader watching a run train. Because each epoch
    /// is one transaction, it is always a sum of whole epochs.
    public func dynamicsRowCount(run: RunID, mode: RecordingMode = .trainingPass) throws -> Int {
        try read("dynamicsRowCount(\(run), \(mode.storeCode))") { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM dynamics WHERE epoch_id IN (SELECT id FROM dynamics_epoch WHERE run_id = ? AND mode = ?)
                """, arguments: [run.rawValue, mode.storeCode]) ?? 0
        }
    }
}
