#!/usr/bin/env bash
# The quick benchmark subset CI runs (.ci/run), judged by the same strict gate as every benchmark
# (Benchmarks/Support/BenchmarkGate.swift, bounds in Benchmarks/thresholds.json):
#   - a kernel ratio: GELU forward, 1 thread — validated against the reference GELU, then timed against the
#     reference path ("× reference") and the STREAM triad ("% of triad");
#   - the data-map timing: data map + the three 33 % selections over 400,000 × 5 × 3, validated, then ÷ a triad pass;
#   - a tiny pipeline (the demo's methods, one seed, 200 steps): every run's counted FLOPs must equal the exact
#     reconstruction from its checkpoints, and FTFT's counted cost is judged against its bound.
# Runs the release executables directly (one process per suite; a failed validation, FLOP check or bound exits
# non-zero at once). About 1–2 minutes of benchmarks on 2 cores after the release build, which takes longer.
# Allocation counts (Benchmarks/Thresholds, `swift package benchmark thresholds check`) are left to
# scripts/bench-quick.sh and the nightly run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
for product in Kernels DataPath PipelineCost; do
  swift build -c release --product "$product"
done
export FTFT_BENCH_QUICK=1
start=$(date +%s)
echo "quick benchmarks for CI (load $(cut -d' ' -f1-3 /proc/loadavg))"
.build/release/Kernels --filter '^gelu forward threads=1$'
.build/release/DataPath --filter '^datamap\+selection 400kx5x3 threads=1$'
.build/release/PipelineCost --filter '^tiny pipeline$'
echo "quick benchmarks for CI: PASS in $(( $(date +%s) - start )) s (load $(cut -d' ' -f1-3 /proc/loadavg))"
