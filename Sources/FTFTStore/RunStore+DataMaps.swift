import Foundation
import FTFTCartography
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

    static func matching(run: RunID, recordingMode: RecordingMode, options: DataMapOptions,
                         epochCount: Int) -> QueryInterfaceRequest<DataMapRecord> {
        filter(Column("run_id") == run.rawValue && Column("dynamics_mode") == recordingMode.storeCode
               && Column("ddof") == options.variabilityDDOF && Column("epochs_used") == epochCount
               && Column("include_ci") == options.includeConfidenceInterval)
    }
}

extension RunStore {
    /// Stores a data map of `run` and its N entries in one transaction; `exampleIndices` [N] are the entries'
    /// rows in the training file (distinct, ≥ 0). Throws `duplicate` if the run already has a map with the
    /// same key (see `StoredDataMap`; maps are derived data: look one up with `dataMap(run:…)` before computing).
    /// The map must say how many epochs it used (`epochCount`, which maps computed from dynamics do).
    @discardableResult
    public func saveDataMap(run: RunID, recordingMode: RecordingMode, exampleIndices: [Int], map: DataMap) throws -> DataMapID {
        let options = map.options
        let operation = "saveDataMap(\(run), ddof \(options.variabilityDDOF), \(map.epochCount.map(String.init) ?? "?") epochs)"
        let epochs = try validate(map, exampleIndices: exampleIndices, operation: operation)
        return try write(operation) { db in
            try requireRun(db, run, operation: operation)
            var record = DataMapRecord(
                id: nil, runID: run.rawValue, dynamicsMode: recordingMode.storeCode, ddof: options.variabilityDDOF,
                epochsUsed: epochs, includeCI: options.includeConfidenceInterval, exampleCount: map.exampleCount,
                hasForgetfulness: map.forgetfulness != nil, hasThresholdCloseness: true, createdAt: Date())
            try insertOrDuplicate(db, "a data map of \(run) (\(recordingMode), ddof \(options.variabilityDDOF), \(epochs) epochs)") {
                try record.insert(db)
            }
            guard let mapID = record.id else { throw StoreError.corrupt(path: path, what: "\(operation): no id") }
            let insert = try db.cachedStatement(sql: """
                INSERT INTO data_map_entry (data_map_id, example_index, example_id, confidence, variability,
                                            correctness, forgetfulness, threshold_closeness)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let closeness = map.thresholdCloseness
            for i in 0..<map.exampleCount {
                do {
                    try insert.execute(arguments: [
                        mapID, exampleIndices[i], map.exampleIDs[i], map.confidence[i], map.variability[i],
                        map.correctness[i], map.forgetfulness?[i], closeness[i],
                    ])
                } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                    throw invalid(operation, field: "exampleIndices", index: i,
                                  "example index \(exampleIndices[i]) appears more than once")
                }
            }
            return DataMapID(mapID)
        }
    }

    /// Checks what the cartography type does not (its initialiser has checked column lengths and finiteness);
    /// returns the number of epochs used.
    private func validate(_ map: DataMap, exampleIndices: [Int], operation: String) throws -> Int {
        guard let epochs = map.epochCount, epochs > 0 else {
            throw invalid(operation, field: "epochCount", "the map does not say how many epochs it used")
        }
        guard exampleIndices.count == map.exampleCount else {
            throw invalid(operation, field: "exampleIndices", "\(exampleIndices.count) indices for \(map.exampleCount) entries")
        }
        for i in 0..<map.exampleCount {
            guard exampleIndices[i] >= 0 else { throw invalid(operation, field: "exampleIndices", index: i, "negative") }
            guard (0...epochs).contains(map.correctness[i]) else {
                throw invalid(operation, field: "correctness", index: i, "\(map.correctness[i]) is not a count in 0...\(epochs)")
            }
        }
        return epochs
    }

    /// The run's data map with this key (entries in training-file order), or nil if none was saved.
    public func dataMap(run: RunID, recordingMode: RecordingMode = .trainingPass, options: DataMapOptions,
                        epochCount: Int) throws -> StoredDataMap? {
        try read("dataMap(\(run), ddof \(options.variabilityDDOF), \(epochCount) epochs)") { db in
            let request = DataMapRecord.matching(run: run, recordingMode: recordingMode, options: options, epochCount: epochCount)
            guard let record = try request.fetchOne(db) else { return nil }
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
        guard let mode = RecordingMode(storeCode: record.dynamicsMode) else {
            throw StoreError.corrupt(path: path, what: "data map \(id): unknown dynamics mode \(record.dynamicsMode)")
        }
        let n = record.exampleCount
        var indices: [Int] = [], ids: [String] = [], confidence: [Double] = [], variability: [Double] = []
        var correctness: [Int] = [], forgetfulness: [Int] = []
        indices.reserveCapacity(n)
        ids.reserveCapacity(n)
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT example_index, example_id, confidence, variability, correctness, forgetfulness
            FROM data_map_entry WHERE data_map_id = ? ORDER BY example_index
            """, arguments: [id])
        while let row = try cursor.next() {
            indices.append(row[0])
            ids.append(row[1])
            confidence.append(row[2])
            // A NULL variability (stores written before maps were the cartography type, which has none) reads
            // as NaN, which `DataMap` refuses below with the example's id.
            variability.append((row[3] as Double?) ?? .nan)
            correctness.append(row[4])
            if record.hasForgetfulness { forgetfulness.append(row[5]) }
        }
        guard indices.count == n else {
            throw StoreError.corrupt(path: path, what: "data map \(id): \(indices.count) entries, \(n) expected")
        }
        let options = DataMapOptions(variabilityDDOF: record.ddof, includeConfidenceInterval: record.includeCI)
        do {
            let map = try DataMap(exampleIDs: ids, goldLabels: nil, epochCount: record.epochsUsed, confidence: confidence,
                                  variability: variability, correctness: correctness,
                                  forgetfulness: record.hasForgetfulness ? forgetfulness : nil, options: options, ftft: nil)
            return StoredDataMap(id: DataMapID(id), run: RunID(record.runID), recordingMode: mode, exampleIndices: indices, map: map)
        } catch let error as CartographyError {
            throw StoreError.corrupt(path: path, what: "data map \(id): \(error)")
        }
    }
}
