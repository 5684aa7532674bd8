import Foundation
import FTFTCartography
internal import GRDB

/// Table `dynamics_epoch`. (The rows of table `dynamics` are written and read with prepared statements in
/// bulk, hundreds of thousands per epoch, so they have no per-row record type.)
struct DynamicsEpochRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "dynamics_epoch"

    var id: Int64?
    var runID: Int64
    var mode: String
    var epoch: Int
    var classes: Int
    var exampleCount: Int
    var completedSteps: Int?

    enum CodingKeys: String, CodingKey {
        case id, mode, epoch, classes
        case runID = "run_id"
        case exampleCount = "example_count"
        case completedSteps = "completed_steps"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    func summary(path: String) throws -> EpochSummary {
        guard let mode = RecordingMode(storeCode: mode) else {
            throw StoreError.corrupt(path: path, what: "run \(runID) epoch \(epoch): unknown dynamics mode \(mode)")
        }
        return EpochSummary(epoch: epoch, mode: mode, classes: classes, exampleCount: exampleCount, completedSteps: completedSteps)
    }
}

extension RunStore {
    /// Stores one epoch of training dynamics in ONE transaction: afterwards either all N rows are visible (to
    /// this and every other connection) or, if anything failed, none are. Epochs are append-only: recording
    /// an epoch that exists already throws `duplicateEpoch` (see `discard(run:afterStep:)` for resuming).
    ///
    /// Checked before anything is written: column lengths agree (logits N·C), 1 ≤ C, golds in 0..<C, indices
    /// ≥ 0, logits finite. Checked inside the transaction (rolling it back on failure): no example index twice,
    /// the same C as the run's other epochs, and each example's id and gold equal to those of the run's first
    /// recorded epoch (ragged epoch sets are allowed; contradictory ones are not).
    public func appendEpoch(
        run: RunID, epoch: Int, mode: RecordingMode = .trainingPass, completedSteps: Int? = nil, rows: DynamicsRows
    ) throws {
        let operation = "appendEpoch(\(run), epoch \(epoch), \(mode.storeCode))"
        try validate(rows, epoch: epoch, operation: operation)
        let n = rows.count, c = rows.classes
        // Insert in example-index order (ties by position, so of two rows with the same index the later one is
        // the one reported): the primary key then grows at its right edge, which keeps the B-tree appends
        // cheap; `position` keeps the processing order.
        let order = rows.exampleIndices.indices.sorted {
            (rows.exampleIndices[$0], $0) < (rows.exampleIndices[$1], $1)
        }
        try write(operation) { db in
            try requireRun(db, run, operation: operation)
            let siblings = try DynamicsEpochRecord
                .filter(Column("run_id") == run.rawValue && Column("mode") == mode.storeCode)
                .order(Column("epoch"))
                .fetchAll(db)
            if siblings.contains(where: { $0.epoch == epoch }) {
                throw StoreError.duplicateEpoch(path: path, run: run.rawValue, mode: mode.storeCode, epoch: epoch)
            }
            if let other = siblings.first, other.classes != c {
                throw invalid(operation, field: "classes", "\(c) classes, but epoch \(other.epoch) of this run has \(other.classes)")
            }
            var record = DynamicsEpochRecord(
                id: nil, runID: run.rawValue, mode: mode.storeCode, epoch: epoch, classes: c, exampleCount: n,
                completedSteps: completedSteps)
            try record.insert(db)
            guard let epochID = record.id else { throw StoreError.corrupt(path: path, what: "\(operation): no epoch id") }

            try insertRows(db, epochID: epochID, rows: rows, order: order, operation: operation)
            if let first = siblings.first, let firstID = first.id {
                try checkAgreement(db, epochID: epochID, with: firstID, firstEpoch: first.epoch, rows: rows, operation: operation)
            }
        }
    }

    /// Rows per INSERT statement. One statement per row spends most of its time in per-statement overhead;
    /// 128 rows × 6 values stays far below SQLite's limit of 32,766 parameters.
    static let rowsPerInsert = 128

    /// Inserts the rows in `order` (positions sorted by example index). SQLite's primary key is what refuses a
    /// repeated example index, mid-transaction; the error then names the repeated row.
    private func insertRows(_ db: Database, epochID: Int64, rows: DynamicsRows, order: [Int], operation: String) throws {
        let c = rows.classes
        func statement(rowCount: Int) throws -> Statement {
            try db.cachedStatement(sql: "INSERT INTO dynamics (epoch_id, example_index, position, example_id, gold, logits) VALUES "
                                   + repeatElement("(?, ?, ?, ?, ?, ?)", count: rowCount).joined(separator: ", "))
        }
        let fullBatch = try statement(rowCount: Self.rowsPerInsert)
        // Existentials rather than [DatabaseValue]: GRDB's initializer for the latter maps through a key path,
        // which (unspecialised across modules) costs more than the inserts themselves.
        var values: [(any DatabaseValueConvertible)?] = []
        values.reserveCapacity(6 * Self.rowsPerInsert)
        let epochValue = epochID
        try rows.logits.withUnsafeBufferPointer { logits in
            var start = 0
            while start < order.count {
                let end = min(start + Self.rowsPerInsert, order.count)
                values.removeAll(keepingCapacity: true)
                for position in order[start..<end] {
                    values.append(epochValue)
                    values.append(rows.exampleIndices[position])
                    values.append(position)
                    values.append(rows.exampleIDs[position])
                    values.append(rows.golds[position])
                    values.append(FloatBlob.encode(UnsafeBufferPointer(rebasing: logits[(position * c)..<((position + 1) * c)])))
                }
                let insert = end - start == Self.rowsPerInsert ? fullBatch : try statement(rowCount: end - start)
                do {
                    try insert.execute(arguments: StatementArguments(values))
                } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                    // Equal indices are adjacent in `order`; of two, the later position is the one reported.
                    let repeated = zip(order, order.dropFirst()).first { rows.exampleIndices[$0] == rows.exampleIndices[$1] }
                    let position = repeated?.1 ?? order[start]
                    throw invalid(operation, field: "exampleIndices", index: position,
                                  "example index \(rows.exampleIndices[position]) appears more than once")
                }
                start = end
            }
        }
    }

    private func validate(_ rows: DynamicsRows, epoch: Int, operation: String) throws {
        let n = rows.count, c = rows.classes
        guard epoch >= 0 else { throw invalid(operation, field: "epoch", "negative epoch \(epoch)") }
        guard n > 0 else { throw invalid(operation, field: "rows", "an epoch needs at least one example") }
        guard c >= 1 else { throw invalid(operation, field: "classes", "\(c) classes") }
        guard rows.exampleIDs.count == n, rows.golds.count == n else {
            throw invalid(operation, field: "rows", "\(n) example indices, \(rows.exampleIDs.count) ids, \(rows.golds.count) golds")
        }
        guard rows.logits.count == n * c else {
            throw invalid(operation, field: "logits", "\(rows.logits.count) values for \(n) examples × \(c) classes")
        }
        for i in 0..<n {
            guard rows.exampleIndices[i] >= 0 else {
                throw invalid(operation, field: "exampleIndices", index: i, "negative index \(rows.exampleIndices[i])")
            }
            guard (0..<c).contains(rows.golds[i]) else {
                throw invalid(operation, field: "golds", index: i,
                              "gold \(rows.golds[i]) of example \(rows.exampleIDs[i]) is not in 0..<\(c)")
            }
        }
        if let bad = rows.logits.firstIndex(where: { !$0.isFinite }) {
            let i = bad / c
            throw invalid(operation, field: "logits", index: i,
                          "non-finite logit \(rows.logits[bad]) for example \(rows.exampleIDs[i]) class \(bad % c)")
        }
    }

    /// Throws for the first example (if any) whose id or gold differs from the same example index in the run's
    /// first epoch.
    private func checkAgreement(
        _ db: Database, epochID: Int64, with firstID: Int64, firstEpoch: Int, rows: DynamicsRows, operation: String
    ) throws {
        let mismatch = try Row.fetchOne(db, sql: """
            SELECT new.position, new.example_index, new.example_id, new.gold, old.example_id, old.gold
            FROM dynamics AS new JOIN dynamics AS old ON old.epoch_id = ? AND old.example_index = new.example_index
            WHERE new.epoch_id = ? AND (new.gold <> old.gold OR new.example_id <> old.example_id)
            ORDER BY new.example_index LIMIT 1
            """, arguments: [firstID, epochID])
        guard let mismatch else { return }
        let position: Int = mismatch[0], index: Int = mismatch[1]
        let newID: String = mismatch[2], newGold: Int = mismatch[3], oldID: String = mismatch[4], oldGold: Int = mismatch[5]
        throw invalid(operation, field: newID == oldID ? "golds" : "exampleIDs", index: position,
                      "example index \(index) is (\(newID), gold \(newGold)) here but (\(oldID), gold \(oldGold)) in epoch \(firstEpoch)")
    }

    /// The epochs stored for a run and mode, ascending. Empty while the first epoch is still training.
    public func recordedEpochs(run: RunID, mode: RecordingMode = .trainingPass) throws -> [EpochSummary] {
        try read("recordedEpochs(\(run), \(mode.storeCode))") { db in
            try epochRecords(db, run: run, mode: mode).map { try $0.summary(path: path) }
        }
    }

    func epochRecords(_ db: Database, run: RunID, mode: RecordingMode) throws -> [DynamicsEpochRecord] {
        try DynamicsEpochRecord
            .filter(Column("run_id") == run.rawValue && Column("mode") == mode.storeCode)
            .order(Column("epoch"))
            .fetchAll(db)
    }
}
