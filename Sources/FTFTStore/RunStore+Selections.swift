import Foundation
import FTFTCartography
internal import GRDB

/// Table `selection`. (Its members, table `selection_member`, are written and read in bulk.)
struct SelectionRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "selection"

    var id: Int64?
    var runID: Int64
    var dataMapID: Int64?
    var mode: String
    var rate: Double
    var rule: String
    var seed: Int64?
    var stratified: Bool
    var poolCount: Int
    var count: Int
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, mode, rate, rule, seed, stratified, count
        case runID = "run_id"
        case dataMapID = "data_map_id"
        case poolCount = "pool_count"
        case createdAt = "created_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    func spec(path: String) throws -> SelectionSpec {
        guard let mode = SelectionMode(rawValue: mode), let rule = SelectionRule(rawValue: rule) else {
            throw StoreError.corrupt(path: path, what: "selection \(id ?? -1): unknown mode \(mode) or rule \(rule)")
        }
        return SelectionSpec(mode: mode, rate: rate, rule: rule, stratified: stratified, seed: seed.map { UInt64(bitPattern: $0) })
    }
}

extension RunStore {
    /// Stores a selection and its members in one transaction. Members must be in training-file order
    /// (strictly ascending example indices) and come from a pool of `poolCount` examples. Throws `duplicate`
    /// if the run already has a selection with this specification from this data map.
    @discardableResult
    public func saveSelection(
        run: RunID, dataMap: DataMapID?, spec: SelectionSpec, poolCount: Int, exampleIndices: [Int], exampleIDs: [String]
    ) throws -> SelectionID {
        let operation = "saveSelection(\(run), \(spec.mode) \(spec.rate) \(spec.rule))"
        guard spec.rate > 0, spec.rate <= 1 else { throw invalid(operation, field: "rate", "\(spec.rate) is not in (0, 1]") }
        guard exampleIDs.count == exampleIndices.count else {
            throw invalid(operation, field: "exampleIDs", "\(exampleIDs.count) ids for \(exampleIndices.count) indices")
        }
        guard exampleIndices.count <= poolCount else {
            throw invalid(operation, field: "poolCount", "\(exampleIndices.count) members from a pool of \(poolCount)")
        }
        for i in exampleIndices.indices {
            guard exampleIndices[i] >= 0 else { throw invalid(operation, field: "exampleIndices", index: i, "negative") }
            guard i == 0 || exampleIndices[i - 1] < exampleIndices[i] else {
                throw invalid(operation, field: "exampleIndices", index: i,
                              "\(exampleIndices[i]) after \(exampleIndices[i - 1]): members must be in training-file order, "
                                  + "without repeats")
            }
        }
        return try write(operation) { db in
            try requireRun(db, run, operation: operation)
            if let dataMap {
                let exists = try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM data_map WHERE id = ?)", arguments: [dataMap.rawValue]) ?? false
                guard exists else { throw StoreError.notFound(path: path, what: "\(dataMap) (\(operation))") }
            }
            var record = SelectionRecord(
                id: nil, runID: run.rawValue, dataMapID: dataMap?.rawValue, mode: spec.mode.rawValue, rate: spec.rate,
                rule: spec.rule.rawValue,
                seed: spec.seed.map { Int64(bitPattern: $0) }, stratified: spec.stratified, poolCount: poolCount,
                count: exampleIndices.count, createdAt: Date())
            try insertOrDuplicate(db, "a selection of \(run) with \(spec)") { try record.insert(db) }
            guard let selectionID = record.id else { throw StoreError.corrupt(path: path, what: "\(operation): no id") }
            let insert = try db.cachedStatement(
                sql: "INSERT INTO selection_member (selection_id, example_index, example_id) VALUES (?, ?, ?)")
            for i in exampleIndices.indices {
                try insert.execute(arguments: [selectionID, exampleIndices[i], exampleIDs[i]])
            }
            return SelectionID(selectionID)
        }
    }

    /// The run's selection with this specification from this data map (nil for a random selection), or nil.
    public func selection(run: RunID, spec: SelectionSpec, dataMap: DataMapID?) throws -> StoredSelection? {
        try read("selection(\(run), \(spec))") { db in
            var request = SelectionRecord.filter(
                Column("run_id") == run.rawValue && Column("mode") == spec.mode.rawValue && Column("rate") == spec.rate
                    && Column("rule") == spec.rule.rawValue && Column("stratified") == spec.stratified)
            request = request.filter(spec.seed.map { Column("seed") == Int64(bitPattern: $0) } ?? (Column("seed") == nil))
            request = request.filter(dataMap.map { Column("data_map_id") == $0.rawValue } ?? (Column("data_map_id") == nil))
            guard let record = try request.fetchOne(db) else { return nil }
            return try storedSelection(db, record)
        }
    }

    /// A selection by id.
    public func selection(_ id: SelectionID) throws -> StoredSelection {
        try read("selection(\(id.rawValue))") { db in
            guard let record = try SelectionRecord.fetchOne(db, key: id.rawValue) else {
                throw StoreError.notFound(path: path, what: "\(id)")
            }
            return try storedSelection(db, record)
        }
    }

    /// All selections stored for a run, oldest first.
    public func selections(run: RunID) throws -> [StoredSelection] {
        try read("selections(\(run))") { db in
            try SelectionRecord.filter(Column("run_id") == run.rawValue).order(Column("id")).fetchAll(db)
                .map { try storedSelection(db, $0) }
        }
    }

    private func storedSelection(_ db: Database, _ record: SelectionRecord) throws -> StoredSelection {
        guard let id = record.id else { throw StoreError.corrupt(path: path, what: "a selection without id") }
        var indices: [Int] = [], ids: [String] = []
        indices.reserveCapacity(record.count)
        ids.reserveCapacity(record.count)
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT example_index, example_id FROM selection_member WHERE selection_id = ? ORDER BY example_index
            """, arguments: [id])
        while let row = try cursor.next() {
            indices.append(row[0])
            ids.append(row[1])
        }
        guard indices.count == record.count else {
            throw StoreError.corrupt(path: path, what: "selection \(id): \(indices.count) members, \(record.count) expected")
        }
        return StoredSelection(id: SelectionID(id), run: RunID(record.runID), dataMap: record.dataMapID.map(DataMapID.init),
                               spec: try record.spec(path: path), poolCount: record.poolCount, exampleIndices: indices, exampleIDs: ids)
    }
}
