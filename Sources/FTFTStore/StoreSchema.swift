internal import GRDB

/// The schema, as named, append-only migrations. A migration that has shipped is never edited: a change is a
/// new migration appended below (`v2-…`), so every store ever written can be upgraded in place and a reader
/// can tell (`StoreError.outdatedSchema` / `.newerSchema`) when it and the file disagree.
///
/// Conventions: table names are singular; ids are `INTEGER PRIMARY KEY`; every child row names its parent
/// with a foreign key (`ON DELETE CASCADE` from the run down); float32 vectors are little-endian BLOBs (see
/// `FloatBlob`); seeds are UInt64 stored by bit pattern; timestamps are UTC text and metadata only.
enum StoreSchema {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial-schema") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2-store-shards") { db in
            try db.execute(sql: v2StoreShards)
        }
        // Registered after the shards' migration: a store made by either branch before they met migrates forward.
        migrator.registerMigration("v2-ledger-time-split") { db in
            try db.execute(sql: v2LedgerTimeSplit)
        }
        return migrator
    }()

    static let v1 = """
        -- One row per training phase: a reference run (the small model whose dynamics are recorded) or a main
        -- run (the model that is evaluated). A main run names the reference run whose selection it used.
        CREATE TABLE run (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            experiment TEXT NOT NULL,
            method TEXT NOT NULL,                   -- erm | erm_es | dm | random_dm | ftft
            role TEXT NOT NULL,                     -- reference | main
            seed INTEGER NOT NULL,
            model TEXT NOT NULL,
            configuration_json TEXT NOT NULL CHECK (json_valid(configuration_json)),
            configuration_sha256 TEXT NOT NULL,     -- of the exact configuration_json bytes: the cache key
            provenance_json TEXT NOT NULL CHECK (json_valid(provenance_json)),
            status TEXT NOT NULL,                   -- running | finished | failed | interrupted
            status_message TEXT,
            reference_run_id INTEGER REFERENCES run(id),
            created_at TEXT NOT NULL,
            finished_at TEXT
        );
        CREATE INDEX run_by_experiment ON run(experiment, seed);
        CREATE INDEX run_by_configuration ON run(configuration_sha256);
        CREATE INDEX run_by_reference ON run(reference_run_id);

        -- One metric of one data set at one checkpoint (method.md §1.6).
        CREATE TABLE evaluation (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
            step INTEGER NOT NULL CHECK (step >= 0),
            checkpoint INTEGER NOT NULL CHECK (checkpoint >= 0),
            split TEXT NOT NULL,                    -- dev | test
            dataset TEXT NOT NULL,
            metric TEXT NOT NULL,                   -- accuracy | macro_f1 | …
            value REAL NOT NULL,                    -- rounded to 4 decimals, as FTFT stores it
            exact_value REAL NOT NULL,
            example_count INTEGER NOT NULL CHECK (example_count >= 0),
            UNIQUE (run_id, step, split, dataset, metric)
        );

        -- The logits behind an evaluation, [example_count, classes] float32 in data-set order.
        CREATE TABLE evaluation_logits (
            run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
            step INTEGER NOT NULL CHECK (step >= 0),
            split TEXT NOT NULL,
            dataset TEXT NOT NULL,
            classes INTEGER NOT NULL CHECK (classes > 0),
            example_count INTEGER NOT NULL CHECK (example_count >= 0),
            logits BLOB NOT NULL CHECK (length(logits) = 4 * classes * example_count),
            PRIMARY KEY (run_id, step, split, dataset)
        );

        -- One recorded epoch of training dynamics. Its rows are written in the same transaction, so an
        -- epoch row exists exactly when all its dynamics rows do.
        CREATE TABLE dynamics_epoch (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
            mode TEXT NOT NULL,                     -- RecordingMode: training_pass | end_of_epoch_pass | unknown
            epoch INTEGER NOT NULL CHECK (epoch >= 0),
            classes INTEGER NOT NULL CHECK (classes > 0),
            example_count INTEGER NOT NULL CHECK (example_count > 0),
            completed_steps INTEGER,                -- optimizer steps done when the epoch was recorded
            UNIQUE (run_id, mode, epoch)
        );

        -- Long form: one row per (epoch, example). The key (epoch_id, example_index) is unique per
        -- (run, mode, epoch, example_index) and keeps each epoch's rows in training-file order on disk.
        CREATE TABLE dynamics (
            epoch_id INTEGER NOT NULL REFERENCES dynamics_epoch(id) ON DELETE CASCADE,
            example_index INTEGER NOT NULL CHECK (example_index >= 0),  -- row in the training file
            position INTEGER NOT NULL CHECK (position >= 0),            -- order processed in that epoch
            example_id TEXT NOT NULL,
            gold INTEGER NOT NULL CHECK (gold >= 0),
            logits BLOB NOT NULL,                   -- classes × float32
            PRIMARY KEY (epoch_id, example_index)
        ) WITHOUT ROWID;

        -- The long form with run and epoch spelled out, for people querying with sqlite3.
        CREATE VIEW dynamics_long AS
            SELECT e.run_id, e.mode, e.epoch, d.example_index, d.position, d.example_id, d.gold, e.classes, d.logits
            FROM dynamics AS d JOIN dynamics_epoch AS e ON e.id = d.epoch_id;

        CREATE TABLE data_map (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
            dynamics_mode TEXT NOT NULL,            -- RecordingMode: training_pass | end_of_epoch_pass | unknown
            ddof INTEGER NOT NULL CHECK (ddof IN (0, 1)),
            epochs_used INTEGER NOT NULL CHECK (epochs_used > 0),   -- burn-out: the first k epochs
            include_ci INTEGER NOT NULL CHECK (include_ci IN (0, 1)),
            example_count INTEGER NOT NULL CHECK (example_count >= 0),
            has_forgetfulness INTEGER NOT NULL CHECK (has_forgetfulness IN (0, 1)),
            has_threshold_closeness INTEGER NOT NULL CHECK (has_threshold_closeness IN (0, 1)),
            created_at TEXT NOT NULL,
            UNIQUE (run_id, dynamics_mode, ddof, epochs_used, include_ci)
        );

        CREATE TABLE data_map_entry (
            data_map_id INTEGER NOT NULL REFERENCES data_map(id) ON DELETE CASCADE,
            example_index INTEGER NOT NULL CHECK (example_index >= 0),
            example_id TEXT NOT NULL,
            confidence REAL NOT NULL,
            variability REAL,                       -- NULL (NaN) in stores before maps were DataMap; now never
            correctness INTEGER NOT NULL,           -- a count of epochs, not a fraction
            forgetfulness INTEGER,
            threshold_closeness REAL,
            PRIMARY KEY (data_map_id, example_index)
        ) WITHOUT ROWID;

        -- A training subset. run_id is the run whose data map it came from (for random subsets, the run
        -- that uses it); members are listed in training-file order.
        CREATE TABLE selection (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
            data_map_id INTEGER REFERENCES data_map(id),
            mode TEXT NOT NULL,                     -- SelectionMode: ambiguous | hard | easy | random
            rate REAL NOT NULL CHECK (rate > 0 AND rate <= 1),
            rule TEXT NOT NULL,                     -- SelectionRule: exact | ftft | cartography
            seed INTEGER,
            stratified INTEGER NOT NULL CHECK (stratified IN (0, 1)),
            pool_count INTEGER NOT NULL CHECK (pool_count >= 0),    -- examples it was drawn from
            count INTEGER NOT NULL CHECK (count >= 0),
            created_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX selection_by_specification
            ON selection(run_id, ifnull(data_map_id, 0), mode, rate, rule, stratified, ifnull(seed, 'none'));

        CREATE TABLE selection_member (
            selection_id INTEGER NOT NULL REFERENCES selection(id) ON DELETE CASCADE,
            example_index INTEGER NOT NULL CHECK (example_index >= 0),
            example_id TEXT NOT NULL,
            PRIMARY KEY (selection_id, example_index)
        ) WITHOUT ROWID;

        -- The compute ledger: one row per (run, phase), replaced as the run progresses.
        CREATE TABLE compute_entry (
            run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
            phase TEXT NOT NULL,
            parameter_count INTEGER NOT NULL,
            kaplan_training_flops INTEGER NOT NULL,     -- 6·N·D
            precise_training_flops INTEGER NOT NULL,    -- the architecture's exact GEMM count
            counted_training_flops INTEGER NOT NULL,    -- counted at the GEMM wrapper
            counted_evaluation_flops INTEGER NOT NULL,
            counted_dynamics_pass_flops INTEGER NOT NULL,
            training_wall_seconds REAL NOT NULL,
            evaluation_wall_seconds REAL NOT NULL,
            steps INTEGER NOT NULL,
            tokens_with_padding INTEGER NOT NULL,
            tokens_without_padding INTEGER NOT NULL,
            examples INTEGER NOT NULL,
            PRIMARY KEY (run_id, phase)
        );

        CREATE TABLE checkpoint (
            run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
            step INTEGER NOT NULL CHECK (step >= 0),
            path TEXT NOT NULL,
            sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
            byte_count INTEGER NOT NULL CHECK (byte_count >= 0),
            created_at TEXT NOT NULL,
            PRIMARY KEY (run_id, step)
        );
        """
}

extension StoreSchema {
    /// Store shards (`ftft run --only` writes one per run; `ftft merge` folds them into `ftft.sqlite`).
    static let v2StoreShards = """
        -- In a shard: the run the shard was made for (one row). Its other runs are borrowed, copied read-only from
        -- where they were finished (the reference run of a DM/FTFT main run), so that its data map and selection
        -- have their run. No foreign key: the row is written before the run exists.
        CREATE TABLE shard_run (
            run_id INTEGER PRIMARY KEY
        );

        -- In a merged store: which shard file each merged run came from, so a second merge of the same file is a
        -- no-op and another file claiming the same run is named beside it.
        CREATE TABLE merged_shard (
            run_id INTEGER PRIMARY KEY REFERENCES run(id) ON DELETE CASCADE,
            shard_file TEXT NOT NULL,
            merged_at TEXT NOT NULL
        );
        """

    /// Where a run's time goes and what its evaluations padded (issue 12). NULL in rows recorded before.
    static let v2LedgerTimeSplit = """
        ALTER TABLE compute_entry ADD COLUMN evaluation_tokens_with_padding INTEGER CHECK (evaluation_tokens_with_padding >= 0);
        ALTER TABLE compute_entry ADD COLUMN evaluation_tokens_without_padding INTEGER CHECK (evaluation_tokens_without_padding >= 0);
        ALTER TABLE compute_entry ADD COLUMN data_preparation_wall_seconds REAL CHECK (data_preparation_wall_seconds >= 0);
        ALTER TABLE compute_entry ADD COLUMN checkpoint_wall_seconds REAL CHECK (checkpoint_wall_seconds >= 0);
        ALTER TABLE compute_entry ADD COLUMN store_write_wall_seconds REAL CHECK (store_write_wall_seconds >= 0);
        ALTER TABLE compute_entry ADD COLUMN phase_wall_seconds REAL CHECK (phase_wall_seconds >= 0);
        """
}

extension RunStore {
    /// The migrations this build knows, in order.
    public static var knownMigrations: [String] { StoreSchema.migrator.migrations }

    /// The migrations of `knownMigrations` that this store's file has applied, in order.
    public func appliedMigrations() throws -> [String] {
        try read("appliedMigrations") { db in try StoreSchema.migrator.appliedMigrations(db) }
    }
}
