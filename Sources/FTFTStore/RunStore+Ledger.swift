import Foundation
internal import GRDB

/// Table `compute_entry`.
struct ComputeEntryRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "compute_entry"

    var runID: Int64
    var phase: String
    var parameterCount: Int64
    var kaplanTrainingFLOPs: Int64
    var preciseTrainingFLOPs: Int64
    var countedTrainingFLOPs: Int64
    var countedEvaluationFLOPs: Int64
    var countedDynamicsPassFLOPs: Int64
    var trainingWallSeconds: Double
    var evaluationWallSeconds: Double
    var steps: Int
    var tokensWithPadding: Int64
    var tokensWithoutPadding: Int64
    var examples: Int64
    // v2-ledger-time-split (NULL in rows recorded before it).
    var evaluationTokensWithPadding: Int64?
    var evaluationTokensWithoutPadding: Int64?
    var dataPreparationWallSeconds: Double?
    var checkpointWallSeconds: Double?
    var storeWriteWallSeconds: Double?
    var phaseWallSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case phase, steps, examples
        case runID = "run_id"
        case parameterCount = "parameter_count"
        case kaplanTrainingFLOPs = "kaplan_training_flops"
        case preciseTrainingFLOPs = "precise_training_flops"
        case countedTrainingFLOPs = "counted_training_flops"
        case countedEvaluationFLOPs = "counted_evaluation_flops"
        case countedDynamicsPassFLOPs = "counted_dynamics_pass_flops"
        case trainingWallSeconds = "training_wall_seconds"
        case evaluationWallSeconds = "evaluation_wall_seconds"
        case tokensWithPadding = "tokens_with_padding"
        case tokensWithoutPadding = "tokens_without_padding"
        case evaluationTokensWithPadding = "evaluation_tokens_with_padding"
        case evaluationTokensWithoutPadding = "evaluation_tokens_without_padding"
        case dataPreparationWallSeconds = "data_preparation_wall_seconds"
        case checkpointWallSeconds = "checkpoint_wall_seconds"
        case storeWriteWallSeconds = "store_write_wall_seconds"
        case phaseWallSeconds = "phase_wall_seconds"
    }

    init(_ e: ComputeEntry) {
        (runID, phase, parameterCount) = (e.run.rawValue, e.phase, e.parameterCount)
        (kaplanTrainingFLOPs, preciseTrainingFLOPs) = (e.kaplanTrainingFLOPs, e.preciseTrainingFLOPs)
        countedTrainingFLOPs = e.countedTrainingFLOPs
        (countedEvaluationFLOPs, countedDynamicsPassFLOPs) = (e.countedEvaluationFLOPs, e.countedDynamicsPassFLOPs)
        (trainingWallSeconds, evaluationWallSeconds, steps) = (e.trainingWallSeconds, e.evaluationWallSeconds, e.steps)
        (tokensWithPadding, tokensWithoutPadding, examples) = (e.tokensWithPadding, e.tokensWithoutPadding, e.examples)
        (evaluationTokensWithPadding, evaluationTokensWithoutPadding) = (e.evaluationTokensWithPadding, e.evaluationTokensWithoutPadding)
        (dataPreparationWallSeconds, checkpointWallSeconds) = (e.dataPreparationWallSeconds, e.checkpointWallSeconds)
        (storeWriteWallSeconds, phaseWallSeconds) = (e.storeWriteWallSeconds, e.phaseWallSeconds)
    }

    var entry: ComputeEntry {
        ComputeEntry(
            run: RunID(runID), phase: phase, parameterCount: parameterCount, kaplanTrainingFLOPs: kaplanTrainingFLOPs,
            preciseTrainingFLOPs: preciseTrainingFLOPs, countedTrainingFLOPs: countedTrainingFLOPs,
            countedEvaluationFLOPs: countedEvaluationFLOPs, countedDynamicsPassFLOPs: countedDynamicsPassFLOPs,
            trainingWallSeconds: trainingWallSeconds, evaluationWallSeconds: evaluationWallSeconds, steps: steps,
            tokensWithPadding: tokensWithPadding, tokensWithoutPadding: tokensWithoutPadding, examples: examples,
            evaluationTokensWithPadding: evaluationTokensWithPadding,
            evaluationTokensWithoutPadding: evaluationTokensWithoutPadding,
            dataPreparationWallSeconds: dataPreparationWallSeconds, checkpointWallSeconds: checkpointWallSeconds,
            storeWriteWallSeconds: storeWriteWallSeconds, phaseWallSeconds: phaseWallSeconds)
    }
}

/// Table `checkpoint`.
struct CheckpointRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "checkpoint"

    var runID: Int64
    var step: Int
    var path: String
    var sha256: String
    var byteCount: Int64
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case step, path, sha256
        case runID = "run_id"
        case byteCount = "byte_count"
        case createdAt = "created_at"
    }

    var checkpoint: Checkpoint {
        Checkpoint(run: RunID(runID), step: step, path: path, sha256: sha256, byteCount: byteCount)
    }
}

extension RunStore {
    /// Records (or replaces) the ledger entry of `entry.run` and `entry.phase`. Counts must be non-negative
    /// and times finite and non-negative.
    public func recordCompute(_ entry: ComputeEntry) throws {
        let operation = "recordCompute(\(entry.run), \(entry.phase))"
        let counts: [(String, Int64)] = [
            ("parameterCount", entry.parameterCount), ("kaplanTrainingFLOPs", entry.kaplanTrainingFLOPs),
            ("preciseTrainingFLOPs", entry.preciseTrainingFLOPs), ("countedTrainingFLOPs", entry.countedTrainingFLOPs),
            ("countedEvaluationFLOPs", entry.countedEvaluationFLOPs), ("countedDynamicsPassFLOPs", entry.countedDynamicsPassFLOPs),
            ("steps", Int64(entry.steps)), ("tokensWithPadding", entry.tokensWithPadding),
            ("tokensWithoutPadding", entry.tokensWithoutPadding), ("examples", entry.examples),
            ("evaluationTokensWithPadding", entry.evaluationTokensWithPadding ?? 0),
            ("evaluationTokensWithoutPadding", entry.evaluationTokensWithoutPadding ?? 0),
        ]
        if let (field, value) = counts.first(where: { $0.1 < 0 }) {
            throw invalid(operation, field: field, "negative (\(value))")
        }
        let times = [("trainingWallSeconds", entry.trainingWallSeconds), ("evaluationWallSeconds", entry.evaluationWallSeconds),
                     ("dataPreparationWallSeconds", entry.dataPreparationWallSeconds ?? 0),
                     ("checkpointWallSeconds", entry.checkpointWallSeconds ?? 0),
                     ("storeWriteWallSeconds", entry.storeWriteWallSeconds ?? 0), ("phaseWallSeconds", entry.phaseWallSeconds ?? 0)]
        for (field, seconds) in times {
            guard seconds.isFinite, seconds >= 0 else { throw invalid(operation, field: field, "\(seconds)") }
        }
        try write(operation) { db in
            try requireRun(db, entry.run, operation: operation)
            try ComputeEntryRecord(entry).save(db)
        }
    }

    /// The ledger of a run, by phase name.
    public func ledger(run: RunID) throws -> [ComputeEntry] {
        try read("ledger(\(run))") { db in
            try ComputeEntryRecord.filter(Column("run_id") == run.rawValue).order(Column("phase")).fetchAll(db).map(\.entry)
        }
    }

    /// Records a checkpoint file written (atomically, and before this call) at `step`. Throws `duplicate` if
    /// the run already has a checkpoint at that step.
    public func recordCheckpoint(run: RunID, step: Int, path checkpointPath: String, sha256: String, byteCount: Int64) throws {
        let operation = "recordCheckpoint(\(run), step \(step))"
        guard step >= 0 else { throw invalid(operation, field: "step", "negative") }
        guard sha256.count == 64, sha256.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw invalid(operation, field: "sha256", "not 64 lowercase hex digits: \(sha256)")
        }
        guard byteCount >= 0 else { throw invalid(operation, field: "byteCount", "negative") }
        try write(operation) { db in
            try requireRun(db, run, operation: operation)
            let record = CheckpointRecord(runID: run.rawValue, step: step, path: checkpointPath, sha256: sha256,
                                          byteCount: byteCount, createdAt: Date())
            try insertOrDuplicate(db, "a checkpoint of \(run) at step \(step)") { try record.insert(db) }
        }
    }

    /// The checkpoint with the highest step, or nil if the run has none.
    public func latestCheckpoint(run: RunID) throws -> Checkpoint? {
        try read("latestCheckpoint(\(run))") { db in
            try CheckpointRecord.filter(Column("run_id") == run.rawValue).order(Column("step").desc).fetchOne(db)?.checkpoint
        }
    }

    public func checkpoints(run: RunID) throws -> [Checkpoint] {
        try read("checkpoints(\(run))") { db in
            try CheckpointRecord.filter(Column("run_id") == run.rawValue).order(Column("step")).fetchAll(db).map(\.checkpoint)
        }
    }

    /// Resuming a run from its checkpoint at `step`: removes, in one transaction, everything recorded after
    /// it — evaluations (and their logits) and checkpoints with a later step, and dynamics epochs recorded
    /// with more completed steps — so the resumed run can record them again without duplicates. Epochs
    /// recorded without `completedSteps` are kept. Returns the number of rows removed.
    @discardableResult
    public func discard(run: RunID, afterStep step: Int) throws -> Int {
        let operation = "discard(\(run), after step \(step))"
        return try write(operation) { db in
            try requireRun(db, run, operation: operation)
            var removed = 0
            for sql in [
                "DELETE FROM evaluation WHERE run_id = ? AND step > ?",
                "DELETE FROM evaluation_logits WHERE run_id = ? AND step > ?",
                "DELETE FROM checkpoint WHERE run_id = ? AND step > ?",
                "DELETE FROM dynamics WHERE epoch_id IN (SELECT id FROM dynamics_epoch WHERE run_id = ? AND completed_steps > ?)",
                "DELETE FROM dynamics_epoch WHERE run_id = ? AND completed_steps > ?",
            ] {
                try db.execute(sql: sql, arguments: [run.rawValue, step])
                removed += db.changesCount
            }
            return removed
        }
    }
}
