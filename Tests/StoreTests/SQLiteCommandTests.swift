import Foundation
import Testing
@testable import FTFTStore
import FTFTTestSupport

/// The store as other tools see it: the `sqlite3` command reads the schema, the long-form dynamics view, the
/// float32 BLOBs and the JSON columns. Reported as skipped when `sqlite3` is not installed (a failure under CI).
@Suite(.enabled(if: StoreFixtures.sqlite3IsAvailable, Comment(rawValue: StoreFixtures.sqlite3SkipMessage)))
struct SQLiteCommandTests {
    static func sqlite3(_ path: String, _ sql: String, readOnly: Bool = true) throws -> String? {
        let sqlite3 = try StoreFixtures.requireExecutable("sqlite3")
        let (status, output) = try StoreFixtures.run(sqlite3, (readOnly ? ["-readonly"] : []) + [path, sql])
        #expect(status == 0, "sqlite3 failed on: \(sql)")
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Lowercase hex of float32 little-endian bytes, as `hex()` would show a BLOB written by `FloatBlob`.
    static func littleEndianHex(_ values: [Float]) -> String {
        values.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * UInt32($0))) } }
            .map { String(format: "%02X", $0) }.joined()
    }

    @Test func theCommandLineToolReadsEveryPartOfAStore() throws {
        let (store, _, run) = try StoreFixtures.storeWithRun("cli")
        let n = 40
        for epoch in 0..<3 { try store.appendEpoch(run: run, epoch: epoch, rows: StoreFixtures.epochRows(epoch: epoch, count: n)) }
        try store.recordEvaluation(run: run, step: 180, checkpoint: 1, results: [
            EvaluationResult(dataset: "cad", split: .dev, metric: "macro_f1", exactValue: 2.0 / 3.0, exampleCount: 7),
        ])
        guard let mode = try Self.sqlite3(store.path, "PRAGMA journal_mode") else { return }
        #expect(mode == "wal")
        #expect(try Self.sqlite3(store.path, "PRAGMA integrity_check") == "ok")
        #expect(try Self.sqlite3(store.path, "PRAGMA foreign_key_check") == "")

        let perEpoch = try Self.sqlite3(store.path, "SELECT epoch, count(*) FROM dynamics_long WHERE run_id = \(run.rawValue) GROUP BY epoch ORDER BY epoch")
        #expect(perEpoch == (0..<3).map { "\($0)|\(n)" }.joined(separator: "\n"))
        let row = try Self.sqlite3(store.path, """
            SELECT example_id, gold, classes, hex(logits) FROM dynamics_long
            WHERE run_id = \(run.rawValue) AND epoch = 2 AND example_index = 11
            """)
        let logits = (0..<3).map { StoreFixtures.logit(epoch: 2, example: 11, class: $0) }
        #expect(row == "ex-11|\(11 % 3)|3|\(Self.littleEndianHex(logits))")
        // The processing order is there for a JSONL export in cartography's line order.
        let firstProcessed = try Self.sqlite3(store.path, """
            SELECT example_index FROM dynamics_long WHERE run_id = \(run.rawValue) AND epoch = 1 ORDER BY position LIMIT 1
            """)
        #expect(firstProcessed == "\(StoreFixtures.epochRows(epoch: 1, count: n).exampleIndices[0])")

        let configuration = try Self.sqlite3(store.path, "SELECT json_extract(configuration_json, '$.model'), status FROM run WHERE id = \(run.rawValue)")
        #expect(configuration == "tiny|running")
        let evaluation = try Self.sqlite3(store.path, "SELECT dataset, split, metric, printf('%.4f', value), value = round(value, 4) FROM evaluation")
        #expect(evaluation == "cad|dev|macro_f1|\(String(format: "%.4f", 2.0 / 3.0))|1")
        #expect(try Self.sqlite3(store.path, "SELECT identifier FROM grdb_migrations") == RunStore.knownMigrations.joined(separator: "\n"))
    }

    /// A store that a newer ftft has migrated further: this build refuses to write it (it would not know the
    /// new tables' rules) but still reads it.
    @Test func aStoreFromANewerBuildIsReadButNotWritten() throws {
        let (store, directory, run) = try StoreFixtures.storeWithRun("newer")
        try store.appendEpoch(run: run, epoch: 0, rows: StoreFixtures.epochRows(epoch: 0, count: 5))
        guard try Self.sqlite3(store.path, "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')", readOnly: false) != nil else { return }
        #expect(throws: StoreError.newerSchema(path: store.path, unknownMigrations: ["v99-from-the-future"])) {
            try RunStore.open(directory: directory.path)
        }
        let reader = try RunStore.open(directory: directory.path, access: .readOnly)
        #expect(try reader.dynamicsRowCount(run: run) == 5)
    }

    /// A store written before the ledger's time split (only v1-initial-schema applied): a reader asks for the
    /// upgrade, a writer applies v2-ledger-time-split in place, and the old ledger rows read back with the new
    /// fields nil.
    @Test func aStoreFromBeforeTheTimeSplitIsUpgradedInPlace() throws {
        let directory = try PackagePaths.temporaryDirectory("ftft-v1-store")
        let path = directory.appendingPathComponent(RunStore.fileName).path
        // (The SQL must not start with "-", which sqlite3 would read as an option: the schema starts with a comment.)
        let v1 = "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);\n" + StoreSchema.v1 + """
            INSERT INTO grdb_migrations VALUES ('v1-initial-schema');
            INSERT INTO run VALUES (1, 'old', 'erm', 'main', 0, 'tiny', '{}', 'abc', '{}', 'finished', NULL, NULL,
                                    '2024-01-01 00:00:00.000', NULL);
            INSERT INTO compute_entry VALUES (1, 'train', 10, 60, 70, 70, 5, 0, 1.5, 0.5, 3, 96, 40, 32);
            """
        try #require(try Self.sqlite3(path, v1, readOnly: false) != nil, "sqlite3 could not write the v1 store")
        #expect(throws: StoreError.outdatedSchema(path: path, missingMigrations: ["v2-ledger-time-split", "v2-store-shards"])) {
            try RunStore.open(directory: directory.path, access: .readOnly)
        }
        let store = try RunStore.open(directory: directory.path)
        #expect(try store.appliedMigrations() == RunStore.knownMigrations)
        let entry = try #require(try store.ledger(run: RunID(1)).first)
        #expect(entry.countedTrainingFLOPs == 70 && entry.tokensWithPadding == 96 && entry.trainingWallSeconds == 1.5)
        #expect(entry.phaseWallSeconds == nil && entry.evaluationTokensWithPadding == nil && entry.dataPreparationWallSeconds == nil)
    }
}
