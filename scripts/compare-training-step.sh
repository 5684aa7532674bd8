#!/usr/bin/env bash
# Compares two builds of the TrainingStep benchmark (e.g. before and after a change), interleaved so both see the
# same machine load: for each configuration, runs A then B (then B then A in the next round), and prints the median
# wall time of each, their ratio B/A and the load average.
#   scripts/compare-training-step.sh <TrainingStep binary A> <TrainingStep binary B> [rounds=2] [filter regex]
# Build each side with `swift build -c release --product TrainingStep` in its own checkout (git worktree).
set -euo pipefail
a="$1"; b="$2"; rounds="${3:-2}"; filter="${4:-^minilm (train|eval) threads=[12]}"
configs=()
for shape in tiny mid minilm; do for kind in train eval; do for threads in 1 2; do
  name="$shape $kind threads=$threads"
  [[ "$name" =~ $filter ]] && configs+=("$name")
done; done; done
median_ms() {  # the p50 of the "Time (wall clock)" histogram, in milliseconds
  "$1" --filter "^$2\$" 2>&1 | awk '/^Time \(wall clock\):/ { on = 1 } on && !done && $2 == "0.500000000000" { printf "%.1f", $1 / 1e6; done = 1 }'
}
printf "%-26s %5s %10s %10s %8s %6s\n" configuration round "A (ms)" "B (ms)" "B/A" load
for config in "${configs[@]}"; do
  for round in $(seq 1 "$rounds"); do
    if (( round % 2 == 1 )); then ta=$(median_ms "$a" "$config"); tb=$(median_ms "$b" "$config")
    else tb=$(median_ms "$b" "$config"); ta=$(median_ms "$a" "$config"); fi
    printf "%-26s %5s %10s %10s %8.3f %6s\n" "$config" "$round" "$ta" "$tb" "$(echo "$tb / $ta" | bc -l)" "$(cut -d' ' -f1 /proc/loadavg)"
  done
done
