import Foundation
internal import GRDB

/// Table `data_map`. (Its per-example rows, table `data_map_entry`, are written and read in bulk with
/// prepared statements.)
struct DataMapRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "data_map"

    var id: Int64?
    var runID: Int64
    var dynamicsMode: String
    var ddof: Int
    var epochsUsed: Int
    var includeCI: Bool
    var exampleCount: Int
    var hasForgetfulness: Bool
    var hasThresholdCloseness: Bool
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, ddof
        case runID = "run_id"
        case dynamicsMode = "dynamics_mode"
        case epochsUsed = "epochs_used"
        case includeCI = "include_ci"
        case exampleCount = "example_count"
        case hasForgetfulness = "has_forgetfulness"
        case hasThresholdCloseness = "has_threshold_closeness"
        case createdAt = "created_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    func options(path: String) throws -> DataMapOptions {
        guard let mode = DynamicsMode(rawValue: dynamicsMode) else {
            throw StoreError.corrupt(path: path, what: "data map \(id ?? -1): unknown dynamics mode \(dynamicsMode)")
        }
        return DataMapOptions(dynamicsMode: mode, ddof: ddof, epochsUsed: epochsUsed, includeCI: includeCI)
    }

    static func matching(run: RunID, _ options: DataMapOptions) -> QueryInterfaceRequest<DataMapRecord> {
        filter(Column("run_id") == run.rawValue && Column("dynamics_mode") == options.dynamicsMode.rawValue
               && Column("ddof") == options.ddof && Column("epochs_used") == options.epochsUsed
               && Column("include_ci") == options.includeCI)
    }
}

extension RunStore {
    /// Stores a data map and its N entries in one transaction. Throws `duplicate` if the run already has a map
    /// with these options (maps are derived data: look one up with `dataMap(run:options:)` before computing).
    /// Confidence and threshold closeness must be finite; variability may be NaN (stored as NULL).
    @discardableResult
    public func saveDataMap(run: RunID, options: DataMapOptions, entries: DataMapEntries) throws -> DataMapID {
        let operation = "saveDataMap(\(run), ddof \(options.ddof), \(options.epochsUsed) epochs)"
        try validate(entries, options: options, operation: operation)
        return try write(operation) { db in
            try requireRun(db, run, operation: operation)
            var record = DataMapRecord(
                id: nil, runID: run.rawValue, dynamicsMode: options.dynamicsMode.rawValue, ddof: options.ddof,
                epochsUsed: options.epochsUsed, includeCI: options.includeCI, exampleCount: entries.count,
                hasForgetfulness: entries.forgetfulness != nil, hasThresholdCloseness: entries.thresholdCloseness != nil,
                createdAt: Date())
            try insertOrDuplicate(db, "a data map of \(run) with \(options)") { try record.insert(db) }
            guard let mapID = record.id else { throw StoreError.corrupt(path: path, what: "\(operation): no id") }
            let insert = try db.cachedStatement(sql: """
                INSERT INTO data_map_entry (data_map_id, example_index, example_id, confidence, variability,
                                            correctness, forgetfulness, threshold_closeness)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for i in 0..<entries.count {
                let variability = entries.variability[i]
                do {
                    try insert.execute(arguments: [
                        mapID, entries.exampleIndices[i], entries.exampleIDs[i], entries.confidence[i],
                        variability.isNaN ? nil : variability, entries.correctness[i],
                        entries.forgetfulness?[i], entries.thresholdCloseness?[i],
                    ])
                } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                    throw invalid(operation, field: "exampleIndices", index: i,
                                  "example index \(entries.exampleIndices[i]) appears more than once")
                }
            }
            return DataMapID(mapID)
        }
    }

    private func validate(_ entries: DataMapEntries, options: DataMapOptions, operation: String) throws {
        let n = entries.count
        guard options.ddof == 0 || options.ddof == 1 else { throw invalid(operation, field: "ddof", "\(options.ddof) is not 0 or 1") }
        guard options.epochsUsed > 0 else { throw invalid(operation, field: "epochsUsed", "\(options.epochsUsed)") }
        let counts = [entries.exampleIDs.count, entries.confidence.count, entries.variability.count, entries.correctness.count,
                      entries.forgetfulness?.count ?? n, entries.thresholdCloseness?.count ?? n]
        guard counts.allSatisfy({ $0 == n }) else {
            throw invalid(operation, field: "entries", "column lengths \(counts) differ from \(n) example indices")
        }
        for i in 0..<n {
            guard entries.exampleIndices[i] >= 0 else {
                throw invalid(operation, field: "exampleIndices", index: i, "negative")
            }
            guard entries.confidence[i].isFinite else {
                throw invalid(operation, field: "confidence", index: i, "\(entries.confidence[i])")
            }
            guard !entries.variability[i].isInfinite else {
                throw invalid(operation, field: "variability", index: i, "infinite")
            }
            guard (0...options.epochsUsed).contains(entries.correctness[i]) else {
                throw invalid(operation, field: "correctness", index: i,
                              "\(entries.correctness[i]) is not a count in 0...\(options.epochsUsed)")
            }
            if let closeness = entries.thresholdCloseness?[i], !closeness.isFinite {
                throw invalid(operation, field: "thresholdCloseness", index: i, "\(closeness)")
            }
        }
    }

    /// The run's data map with these options (entries in training-file order), or nil if none was saved.
    public func dataMap(run: RunID, options: DataMapOptions) throws -> StoredDataMap? {
        try read("dataMap(\(run), \(options))") { db in
            guard let record = try DataMapRecord.matching(run: run, options).fetchOne(db) else { return nil }
            return try storedDataMap(db, record)
        }
    }

    /// All data maps of a run, oldest first.
    public func dataMaps(run: RunID) throws -> [StoredDataMap] {
        try read("dataMaps(\(run))") { db in
            try DataMapRecord.filter(Column("run_id") == run.rawValue).order(Column("id")).fetchAll(db)
                .map { try storedDataMap(db, $0) }
        }
    }

    private func storedDataMap(_ db: Database, _ record: DataMapRecord) throws -> StoredDataMap {
        guard let id = record.id else { throw StoreError.corrupt(path: path, what: "a data map without id") }
        let n = record.exampleCount
        var entries = DataMapEntries(exampleIndices: [], exampleIDs: [], confidence: [], variability: [], correctness: [],
                                     forgetfulness: record.hasForgetfulness ? [] : nil,
                                     thresholdCloseness: record.hasThresholdCloseness ? [] : nil)
        entries.exampleIndices.reserveCapacity(n)
        entries.exampleIDs.reserveCapacity(n)
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT example_index, example_id, confidence, variability, correctness, forgetfulness, threshold_closeness
            FROM data_map_entry WHERE data_map_id = ? ORDER BY example_index
            """, arguments: [id])
        while let row = try cursor.next() {
            entries.exampleIndices.append(row[0])
            entries.exampleIDs.append(row[1])
            entries.confidence.append(row[2])
            entries.variability.append((row[3] as Double?) ?? .nan)
            entries.correctness.append(row[4])
            if record.hasForgetfulness { entries.forgetfulness?.append(row[5]) }
            if record.hasThresholdCloseness { entries.thresholdCloseness?.append(row[6]) }
        }
        guard entries.count == n else {
            throw StoreError.corrupt(path: path, what: "data map \(id): \(entries.count) entries, \(n) expected")
        }
        return StoredDataMap(id: DataMapID(id), run: RunID(record.runID), options: try record.options(path: path), entries: entries)
    }
}
