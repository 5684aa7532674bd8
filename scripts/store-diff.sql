-- Compares the results in two ftft run stores, bit for bit: the main database against one ATTACHed as `ref`.
--   sqlite3 -readonly a/ftft.sqlite "ATTACH 'b/ftft.sqlite' AS ref" ".read scripts/store-diff.sql"
-- One line per result table: name|rows in main|rows in ref|rows only in main|rows only in ref. The stores hold
-- the same results when, on every line, the two counts are equal and both "only" columns are 0.
-- REALs and BLOBs compare exactly (EXCEPT compares values, not their printed form). Left out: wall-clock
-- columns (created_at, finished_at, *_wall_seconds) and provenance, which differ between two honest runs;
-- data-map and selection ids (rows are matched on their run and specification instead).
WITH a AS (SELECT id, experiment, method, role, seed, model, configuration_json, configuration_sha256, status,
                  status_message, reference_run_id FROM main.run),
     b AS (SELECT id, experiment, method, role, seed, model, configuration_json, configuration_sha256, status,
                  status_message, reference_run_id FROM ref.run)
SELECT 'run', (SELECT count(*) FROM a), (SELECT count(*) FROM b),
       (SELECT count(*) FROM (SELECT * FROM a EXCEPT SELECT * FROM b)), (SELECT count(*) FROM (SELECT * FROM b EXCEPT SELECT * FROM a));

WITH a AS (SELECT run_id, step, checkpoint, split, dataset, metric, value, exact_value, example_count FROM main.evaluation),
     b AS (SELECT run_id, step, checkpoint, split, dataset, metric, value, exact_value, example_count FROM ref.evaluation)
SELECT 'evaluation', (SELECT count(*) FROM a), (SELECT count(*) FROM b),
       (SELECT count(*) FROM (SELECT * FROM a EXCEPT SELECT * FROM b)), (SELECT count(*) FROM (SELECT * FROM b EXCEPT SELECT * FROM a));

WITH a AS (SELECT run_id, step, split, dataset, classes, example_count, logits FROM main.evaluation_logits),
     b AS (SELECT run_id, step, split, dataset, classes, example_count, logits FROM ref.evaluation_logits)
SELECT 'evaluation_logits', (SELECT count(*) FROM a), (SELECT count(*) FROM b),
       (SELECT count(*) FROM (SELECT * FROM a EXCEPT SELECT * FROM b)), (SELECT count(*) FROM (SELECT * FROM b EXCEPT SELECT * FROM a));

WITH a AS (SELECT run_id, mode, epoch, classes, example_count, completed_steps FROM main.dynamics_epoch),
     b AS (SELECT run_id, mode, epoch, classes, example_count, completed_steps FROM ref.dynamics_epoch)
SELECT 'dynamics_epoch', (SELECT count(*) FROM a), (SELECT count(*) FROM b),
       (SELECT count(*) FROM (SELECT * FROM a EXCEPT SELECT * FROM b)), (SELECT count(*) FROM (SELECT * FROM b EXCEPT SELECT * FROM a));

WITH a AS (SELECT e.run_id, e.mode, e.epoch, d.example_index, d.position, d.example_id, d.gold, d.logits
           FROM main.dynamics AS d JOIN main.dynamics_epoch AS e ON e.id = d.epoch_id),
     b AS (SELECT e.run_id, e.mode, e.epoch, d.example_index, d.position, d.example_id, d.gold, d.logits
           FROM ref.dynamics AS d JOIN ref.dynamics_epoch AS e ON e.id = d.epoch_id)
SELECT 'dynamics', (SELECT count(*) FROM a), (SELECT count(*) FROM b),
       (SELECT count(*) FROM (SELECT * FROM a EXCEPT SELECT * FROM b)), (SELECT count(*) FROM (SELECT * FROM b EXCEPT SELECT * FROM a));

WITH a AS (SELECT m.run_id, m.dynamics_mode, m.ddof, m.epochs_used, m.include_ci, m.example_count, e.example_index,
                  e.example_id, e.confidence, e.variability, e.correctness, e.forgetfulness, e.threshold_closeness
           FROM main.data_map_entry AS e JOIN main.data_map AS m ON m.id = e.data_map_id),
     b AS (SELECT m.run_id, m.dynamics_mode, m.ddof, m.epochs_used, m.include_ci, m.example_count, e.example_index,
                  e.example_id, e.confidence, e.variability, e.correctness, e.forgetfulness, e.threshold_closeness
           FROM ref.data_map_entry AS e JOIN ref.data_map AS m ON m.id = e.data_map_id)
SELECT 'data_map', (SELECT count(*) FROM a), (SELECT count(*) FROM b),
       (SELECT count(*) FROM (SELECT * FROM a EXCEPT SELECT * FROM b)), (SELECT count(*) FROM (SELECT * FROM b EXCEPT SELECT * FROM a));

WITH a AS (SELECT s.run_id, dm.ddof, dm.epochs_used, s.mode, s.rate, s.rule, s.seed, s.stratified, s.pool_count, s.count,
                  x.example_index, x.example_id
           FROM main.selection_member AS x JOIN main.selection AS s ON s.id = x.selection_id
           LEFT JOIN main.data_map AS dm ON dm.id = s.data_map_id),
     b AS (SELECT s.run_id, dm.ddof, dm.epochs_used, s.mode, s.rate, s.rule, s.seed, s.stratified, s.pool_count, s.count,
                  x.example_index, x.example_id
           FROM ref.selection_member AS x JOIN ref.selection AS s ON s.id = x.selection_id
           LEFT JOIN ref.data_map AS dm ON dm.id = s.data_map_id)
SELECT 'selection', (SELECT count(*) FROM a), (SELECT count(*) FROM b),
       (SELECT count(*) FROM (SELECT * FROM a EXCEPT SELECT * FROM b)), (SELECT count(*) FROM (SELECT * FROM b EXCEPT SELECT * FROM a));

WITH a AS (SELECT run_id, phase, parameter_count, kaplan_training_flops, precise_training_flops, counted_training_flops,
                  counted_evaluation_flops, counted_dynamics_pass_flops, steps, tokens_with_padding,
                  tokens_without_padding, examples FROM main.compute_entry),
     b AS (SELECT run_id, phase, parameter_count, kaplan_training_flops, precise_training_flops, counted_training_flops,
                  counted_evaluation_flops, counted_dynamics_pass_flops, steps, tokens_with_padding,
                  tokens_without_padding, examples FROM ref.compute_entry)
SELECT 'compute_entry', (SELECT count(*) FROM a), (SELECT count(*) FROM b),
       (SELECT count(*) FROM (SELECT * FROM a EXCEPT SELECT * FROM b)), (SELECT count(*) FROM (SELECT * FROM b EXCEPT SELECT * FROM a));
