import Foundation
internal import GRDB

/// Table `run`.
struct RunRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "run"

    var id: Int64?
    var experiment: String
    var method: String
    var role: String
    var seed: Int64
    var model: String
    var configurationJSON: String
    var configurationSHA256: String
    var provenanceJSON: String
    var status: String
    var statusMessage: String?
    var referenceRunID: Int64?
    var createdAt: Date
    var finishedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, experiment, method, role, seed, model, status
        case configurationJSON = "configuration_json"
        case configurationSHA256 = "configuration_sha256"
        case provenanceJSON = "provenance_json"
        case statusMessage = "status_message"
        case referenceRunID = "reference_run_id"
        case createdAt = "created_at"
        case finishedAt = "finished_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The public value; an enum value this build does not know is reported as corrupt content.
    func run(path: String) throws -> Run {
        guard let id else { throw StoreError.corrupt(path: path, what: "a run row without id") }
        guard let method = RunMethod(rawValue: method), let role = RunRole(rawValue: role),
              let status = RunStatus(rawValue: status)
        else {
            throw StoreError.corrupt(path: path, what: "run \(id): unknown method, role or status (\(method), \(role), \(status))")
        }
        return Run(
            id: RunID(id), experiment: experiment, method: method, role: role, seed: UInt64(bitPattern: seed),
            model: model, configurationJSON: configurationJSON, configurationSHA256: configurationSHA256,
            provenanceJSON: provenanceJSON, status: status, statusMessage: statusMessage,
            referenceRun: referenceRunID.map(RunID.init), createdAt: createdAt, finishedAt: finishedAt)
    }
}

extension RunStore {
    /// Creates a run with status `running`. Throws `invalidInput` if either JSON text is not valid JSON, and
    /// `notFound` if the reference run does not exist.
    @discardableResult
    public func createRun(_ new: NewRun) throws -> Run {
        let operation = "createRun(\(new.experiment), \(new.method.rawValue), \(new.role.rawValue), seed \(new.seed))"
        for (field, text) in [("configurationJSON", new.configurationJSON), ("provenanceJSON", new.provenanceJSON)] {
            guard (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil else {
                throw invalid(operation, field: field, "not valid JSON")
            }
        }
        return try write(operation) { db in
            if let reference = new.referenceRun { try requireRun(db, reference, operation: operation + " reference") }
            if let id = new.id, let taken = try RunRecord.fetchOne(db, key: id.rawValue) {
                throw StoreError.duplicate(path: path, what: "\(id) (configuration \(taken.configurationSHA256.prefix(16))…, asked for by \(operation))")
            }
            var record = RunRecord(
                id: new.id?.rawValue, experiment: new.experiment, method: new.method.rawValue, role: new.role.rawValue,
                seed: Int64(bitPattern: new.seed), model: new.model, configurationJSON: new.configurationJSON,
                configurationSHA256: Self.configurationSHA256(new.configurationJSON),
                provenanceJSON: new.provenanceJSON, status: RunStatus.running.rawValue, statusMessage: nil,
                referenceRunID: new.referenceRun?.rawValue, createdAt: Date(), finishedAt: nil)
            try record.insert(db)
            // Read back rather than return `record`: the stored timestamp has millisecond precision.
            guard let stored = try RunRecord.fetchOne(db, key: record.id) else {
                throw StoreError.corrupt(path: path, what: "\(operation): the new run cannot be read back")
            }
            return try stored.run(path: path)
        }
    }

    /// Sets a run's status. Leaving `running` stamps `finishedAt`; returning to `running` (a resumed run) clears it.
    public func updateStatus(run: RunID, to status: RunStatus, message: String? = nil) throws {
        let operation = "updateStatus(\(run), \(status.rawValue))"
        try write(operation) { db in
            guard var record = try RunRecord.fetchOne(db, key: run.rawValue) else {
                throw StoreError.notFound(path: path, what: "\(run) (\(operation))")
            }
            record.status = status.rawValue
            record.statusMessage = message
            record.finishedAt = status == .running ? nil : Date()
            try record.update(db)
        }
    }

    /// Replaces a run's provenance (e.g. when a run is continued under another evaluation policy). Throws
    /// `invalidInput` if it is not valid JSON.
    public func updateProvenance(run: RunID, provenanceJSON: String) throws {
        let operation = "updateProvenance(\(run))"
        guard (try? JSONSerialization.jsonObject(with: Data(provenanceJSON.utf8), options: [.fragmentsAllowed])) != nil else {
            throw invalid(operation, field: "provenanceJSON", "not valid JSON")
        }
        try write(operation) { db in
            guard var record = try RunRecord.fetchOne(db, key: run.rawValue) else {
                throw StoreError.notFound(path: path, what: "\(run) (\(operation))")
            }
            record.provenanceJSON = provenanceJSON
            try record.update(db)
        }
    }

    public func run(_ id: RunID) throws -> Run {
        try read("run(\(id.rawValue))") { db in
            guard let record = try RunRecord.fetchOne(db, key: id.rawValue) else {
                throw StoreError.notFound(path: path, what: "\(id)")
            }
            return try record.run(path: path)
        }
    }

    /// The runs of an experiment (all runs if `experiment` is nil), oldest first (ids derived from configurations
    /// say nothing about age).
    public func runs(experiment: String? = nil) throws -> [Run] {
        try read("runs(experiment: \(experiment ?? "any"))") { db in
            var request = RunRecord.order(Column("created_at"), Column("id"))
            if let experiment { request = request.filter(Column("experiment") == experiment) }
            return try request.fetchAll(db).map { try $0.run(path: path) }
        }
    }

    /// Every run with this configuration (by SHA-256 of its JSON), in any role and status, newest first.
    public func runs(configurationSHA256: String) throws -> [Run] {
        try read("runs(configuration \(configurationSHA256.prefix(12))…)") { db in
            try RunRecord
                .filter(Column("configuration_sha256") == configurationSHA256)
                .order(Column("id").desc)
                .fetchAll(db)
                .map { try $0.run(path: path) }
        }
    }

    /// The most recent run with this configuration (by SHA-256 of its JSON), role and status — how a
    /// finished reference run is found and reused instead of trained again.
    public func findRun(configurationSHA256: String, role: RunRole, status: RunStatus = .finished) throws -> Run? {
        try read("findRun(\(configurationSHA256.prefix(12))…, \(role.rawValue), \(status.rawValue))") { db in
            try RunRecord
                .filter(Column("configuration_sha256") == configurationSHA256)
                .filter(Column("role") == role.rawValue)
                .filter(Column("status") == status.rawValue)
                .order(Column("created_at").desc, Column("id").desc)
                .fetchOne(db)?
                .run(path: path)
        }
    }
}
