#!/usr/bin/env bash
# Kill/resume soak of `ftft run` (the nightly, long version of Tests/ReliabilityTests/KillResumeTests): runs an
# experiment once uninterrupted, then again with SIGKILL at N random moments, rerunning the same command after
# each kill until it finishes, and checks that the results are bit-identical (scripts/store-diff.sql: runs,
# evaluations and their logits, dynamics, data map, selection, compute ledger; the final checkpoints' tensor
# bytes; manifest.json), that no run is left unfinished, that the store passes PRAGMA integrity_check after
# every kill, and that no temporary file of an atomic write is left behind.
#
#   scripts/soak-kill-resume.sh [kills] [seed]        (defaults: 20, 1)
#
# Environment: FTFT_SOAK_DIR (work folder; default a fresh one in /tmp, kept on failure), FTFT_SOAK_THREADS (1),
# FTFT_SOAK_STEPS (60 training steps per run), FTFT_SOAK_TRAIN (240 training examples).
# Each attempt is killed after a delay uniform in [0.2, 1.8] × (uninterrupted wall time / kills), drawn from
# bash's RANDOM seeded with `seed` (a reproducible schedule; where each kill lands still depends on the machine's
# speed), so the kills spread over the whole experiment: training, evaluation, checkpoint and store writes.
# Uses the release binary (built here with `swift build -c release --product ftft`) and sqlite3.
# Prints a summary; exits 1 if anything differs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
kills="${1:-20}"
seed="${2:-1}"
threads="${FTFT_SOAK_THREADS:-1}"
steps="${FTFT_SOAK_STEPS:-60}"
train="${FTFT_SOAK_TRAIN:-240}"
command -v sqlite3 >/dev/null || { echo "soak: sqlite3 is not installed" >&2; exit 2; }

swift build -c release --product ftft --package-path "$root" >&2
ftft="$(swift build -c release --package-path "$root" --show-bin-path)/ftft"
work="${FTFT_SOAK_DIR:-$(mktemp -d /tmp/ftft-soak.XXXXXX)}"
mkdir -p "$work"
cat > "$work/soak.yaml" <<YAML
experiment: soak
task: {name: embedded, max_length: 40, embedded: {train_size: $train, validation_size: 60, ood_dev_size: 60, ood_test_size: 60}}
seeds: [0, 1]
threads: $threads
keep_checkpoints: true
models:
  tiny:  {scratch: {layers: 1, hidden: 32, heads: 2, intermediate: 64}, learning_rate: 3e-3}
  large: {scratch: {layers: 2, hidden: 64, heads: 4, intermediate: 128}, learning_rate: 3e-3}
training: {max_steps: $steps, batch_size: 16, eval_interval: 5}
methods:
  - {label: "ERM", method: erm, model: large}
  - {label: "DM", method: dm, reference: tiny, model: large}
  - {label: "Random DM", method: random_dm, model: large}
  - {label: "FTFT", method: ftft, reference: tiny, model: large, patience: 2}
YAML

now() { date +%s%N; }
start=$(now)
"$ftft" run "$work/soak.yaml" --output "$work/reference" > "$work/reference.out" 2> "$work/reference.err"
reference_ms=$(( ($(now) - start) / 1000000 ))
echo "uninterrupted run: ${reference_ms} ms" >&2

RANDOM=$seed
attempted=0 landed=0 finished_early=0 integrity_failures=0 resumed_notes=0 runs_of_ftft=0
db="$work/killed/soak/ftft.sqlite"
start=$(now)
for ((i = 1; i <= kills; i++)); do
  delay_ms=$(( reference_ms * (20 + RANDOM % 161) / (100 * kills) ))
  "$ftft" run "$work/soak.yaml" --output "$work/killed" > "$work/attempt.out" 2> "$work/attempt.err" &
  pid=$!
  runs_of_ftft=$((runs_of_ftft + 1))
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  attempted=$((attempted + 1))
  if kill -KILL "$pid" 2>/dev/null; then landed=$((landed + 1)); fi
  status=0; { wait "$pid"; } 2>/dev/null || status=$?
  resumed_notes=$((resumed_notes + $(grep -c "resuming it\|retrying it" "$work/attempt.err" || true)))
  if [ "$status" -eq 0 ]; then finished_early=1; break; fi
  if [ "$status" -ne 137 ]; then echo "soak: attempt $i exited with $status:" >&2; cat "$work/attempt.err" >&2; exit 1; fi
  if [ -f "$db" ] && [ "$(sqlite3 -readonly "$db" 'PRAGMA integrity_check')" != ok ]; then
    integrity_failures=$((integrity_failures + 1))
  fi
done
if [ "$finished_early" -eq 0 ]; then
  "$ftft" run "$work/soak.yaml" --output "$work/killed" > "$work/attempt.out" 2> "$work/attempt.err"
  runs_of_ftft=$((runs_of_ftft + 1))
  resumed_notes=$((resumed_notes + $(grep -c "resuming it\|retrying it" "$work/attempt.err" || true)))
fi
soak_ms=$(( ($(now) - start) / 1000000 ))

diff_out="$(sqlite3 -readonly "$db" "ATTACH '$work/reference/soak/ftft.sqlite' AS ref" ".read $root/scripts/store-diff.sql")"
mismatch=$(awk -F'|' '$2 != $3 || $4 != 0 || $5 != 0 || $2 == 0 { n++ } END { print n + 0 }' <<< "$diff_out")
unfinished=$(sqlite3 -readonly "$db" "SELECT count(*) FROM run WHERE status <> 'finished'")
integrity=$(sqlite3 -readonly "$db" "PRAGMA integrity_check")
digest() {  # sha256 of a safetensors file's tensor bytes (after the 8-byte length and the JSON header)
  local n; n=$(od -An -tu8 -N8 "$1" | tr -d ' ')
  tail -c +$((9 + n)) "$1" | sha256sum | cut -d' ' -f1
}
checkpoint_mismatch=0 checkpoints=0
for f in "$work/reference/soak/checkpoints/"run-*.safetensors; do
  checkpoints=$((checkpoints + 1))
  g="$work/killed/soak/checkpoints/$(basename "$f")"
  if [ ! -f "$g" ] || [ "$(digest "$f")" != "$(digest "$g")" ]; then checkpoint_mismatch=$((checkpoint_mismatch + 1)); fi
done
cmp -s "$work/reference/soak/manifest.json" "$work/killed/soak/manifest.json" && manifest=same || manifest=different
leftovers=$(find "$work/killed/soak" -name '*.tmp-*' | wc -l)

echo "kills attempted: $attempted, landed (SIGKILL while running): $landed, ftft runs in all: $runs_of_ftft"
echo "resume/retry notes printed: $resumed_notes; finished before the last planned kill: $finished_early"
echo "soak wall time: ${soak_ms} ms (uninterrupted: ${reference_ms} ms)"
echo "store-diff vs uninterrupted (table|rows|rows ref|only here|only ref):"
sed 's/^/  /' <<< "$diff_out"
echo "tables differing: $mismatch; runs not finished: $unfinished; integrity_check: $integrity (failures after kills: $integrity_failures)"
echo "final checkpoints differing: $checkpoint_mismatch of $checkpoints; manifest.json: $manifest; temporary files left: $leftovers"
if [ "$mismatch" -ne 0 ] || [ "$unfinished" -ne 0 ] || [ "$integrity" != ok ] || [ "$integrity_failures" -ne 0 ] \
   || [ "$checkpoint_mismatch" -ne 0 ] || [ "$manifest" != same ] || [ "$leftovers" -ne 0 ]; then
  echo "SOAK FAILED (work folder kept: $work)"; exit 1
fi
echo "SOAK PASSED: bit-identical after $landed kills"
[ -n "${FTFT_SOAK_DIR:-}" ] || rm -rf "$work"
