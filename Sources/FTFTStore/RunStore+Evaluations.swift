import Foundation
internal import GRDB

/// Table `evaluation`.
struct EvaluationRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "evaluation"

    var id: Int64?
    var runID: Int64
    var step: Int
    var checkpoint: Int
    var split: String
    var dataset: String
    var metric: String
    var value: Double
    var exactValue: Double
    var exampleCount: Int

    enum CodingKeys: String, CodingKey {
        case id, step, checkpoint, split, dataset, metric, value
        case runID = "run_id"
        case exactValue = "exact_value"
        case exampleCount = "example_count"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    func evaluation(path: String) throws -> Evaluation {
        guard let split = EvaluationSplit(rawValue: split) else {
            throw StoreError.corrupt(path: path, what: "run \(runID) step \(step): unknown split \(split)")
        }
        return Evaluation(run: RunID(runID), step: step, checkpoint: checkpoint, dataset: dataset, split: split,
                          metric: metric, value: value, exactValue: exactValue, exampleCount: exampleCount)
    }
}

/// Table `evaluation_logits`.
struct EvaluationLogitsRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "evaluation_logits"

    var runID: Int64
    var step: Int
    var split: String
    var dataset: String
    var classes: Int
    var exampleCount: Int
    var logits: Data

    enum CodingKeys: String, CodingKey {
        case step, split, dataset, classes, logits
        case runID = "run_id"
        case exampleCount = "example_count"
    }
}

extension RunStore {
    /// Stores every result of one checkpoint in ONE transaction, so a reader (or early stopping after a
    /// crash) sees a checkpoint's evaluations complete or not at all. Throws `duplicate` if any (step, split,
    /// data set, metric) is already stored — nothing of the checkpoint is written then.
    public func recordEvaluation(run: RunID, step: Int, checkpoint: Int, results: [EvaluationResult]) throws {
        let operation = "recordEvaluation(\(run), step \(step))"
        guard step >= 0 else { throw invalid(operation, field: "step", "negative step \(step)") }
        guard checkpoint >= 0 else { throw invalid(operation, field: "checkpoint", "negative checkpoint \(checkpoint)") }
        for (i, result) in results.enumerated() {
            guard result.exactValue.isFinite else {
                throw invalid(operation, field: "exactValue", index: i, "\(result.dataset) \(result.metric) is \(result.exactValue)")
            }
            guard result.exampleCount >= 0 else { throw invalid(operation, field: "exampleCount", index: i, "negative") }
            if let logits = result.logits {
                guard logits.classes > 0, logits.values.count == logits.classes * result.exampleCount else {
                    throw invalid(operation, field: "logits", index: i,
                                  "\(logits.values.count) values for \(result.exampleCount) examples × \(logits.classes) classes")
                }
            }
        }
        try write(operation) { db in
            try requireRun(db, run, operation: operation)
            for (i, result) in results.enumerated() {
                var record = EvaluationRecord(
                    id: nil, runID: run.rawValue, step: step, checkpoint: checkpoint, split: result.split.rawValue,
                    dataset: result.dataset, metric: result.metric, value: Evaluation.ftftRounded(result.exactValue),
                    exactValue: result.exactValue, exampleCount: result.exampleCount)
                let name = "\(result.split.rawValue)/\(result.dataset)"
                try insertOrDuplicate(db, "evaluation \(name)/\(result.metric) of \(run) at step \(step) (result \(i))") {
                    try record.insert(db)
                }
                if let logits = result.logits {
                    let logitsRecord = EvaluationLogitsRecord(
                        runID: run.rawValue, step: step, split: result.split.rawValue, dataset: result.dataset,
                        classes: logits.classes, exampleCount: result.exampleCount, logits: FloatBlob.encode(logits.values))
                    try insertOrDuplicate(db, "logits of \(name) of \(run) at step \(step) (result \(i))") {
                        try logitsRecord.insert(db)
                    }
                }
            }
        }
    }

    /// Runs an insert, turning a primary-key or unique violation into `StoreError.duplicate(what)`.
    func insertOrDuplicate(_ db: Database, _ what: String, _ insert: () throws -> Void) throws {
        do {
            try insert()
        } catch let error as DatabaseError
            where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY || error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError.duplicate(path: path, what: what)
        }
    }

    /// A run's evaluations, by step and then in the order they were recorded (FTFT's data-set order).
    public func evaluations(run: RunID) throws -> [Evaluation] {
        try read("evaluations(\(run))") { db in
            try EvaluationRecord
                .filter(Column("run_id") == run.rawValue)
                .order(Column("step"), Column("id"))
                .fetchAll(db)
                .map { try $0.evaluation(path: path) }
        }
    }

    /// The logits stored with an evaluation, or nil if none were.
    public func evaluationLogits(run: RunID, step: Int, split: EvaluationSplit, dataset: String) throws -> EvaluationLogits? {
        try read("evaluationLogits(\(run), step \(step), \(split.rawValue)/\(dataset))") { db in
            guard let record = try EvaluationLogitsRecord.fetchOne(db, key: [
                "run_id": run.rawValue, "step": step, "split": split.rawValue, "dataset": dataset,
            ]) else { return nil }
            guard let values = FloatBlob.decode(record.logits, expectedCount: record.classes * record.exampleCount) else {
                throw StoreError.corrupt(path: path, what: "logits of \(run) step \(step) \(split.rawValue)/\(dataset)")
            }
            return EvaluationLogits(classes: record.classes, values: values)
        }
    }
}
