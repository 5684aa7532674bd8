#!/usr/bin/env bash
# The quick benchmark set, affordable in CI (minutes on 2 cores): Kernels, DataPath and (when the pipeline is in
# the package) PipelineCost on the embedded task, with fewer samples (FTFT_BENCH_QUICK=1). Every benchmark validates
# against its reference first; the suites' gate judges the medians of same-process ratios and counted quantities
# against Benchmarks/thresholds.json, and package-benchmark checks allocation counts against Benchmarks/Thresholds/.
# No Python, no network. Results: results/bench/quick-<date-time>/ (results.jsonl, benchmark.txt).
#
#   scripts/bench-quick.sh                      all quick suites
#   scripts/bench-quick.sh --target Kernels     one suite (any `swift package benchmark` options are passed on)
#
# Exit status: 0 when everything passed (also when allocations dropped below their thresholds: update them with
# scripts/bench-update-thresholds.sh), non-zero on a failed validation, a metric outside its bound, an allocation
# regression or a crash.
set -uo pipefail
cd "$(dirname "$0")/.."
out="results/bench/quick-$(date +%Y-%m-%d-%H%M%S)"
mkdir -p "$out"
targets=(--target Kernels --target DataPath)
grep -q '"PipelineCost"' Package.swift && targets+=(--target PipelineCost)
[ $# -gt 0 ] && targets=("$@")
echo "quick benchmarks → $out (load $(cut -d' ' -f1-3 /proc/loadavg))"
FTFT_BENCH_QUICK=1 FTFT_BENCH_RESULTS="$PWD/$out/results.jsonl" \
  swift package benchmark thresholds check "${targets[@]}" --path Benchmarks/Thresholds --no-progress 2>&1 \
  | tee "$out/benchmark.txt"
status=${PIPESTATUS[0]}
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -h '"verdict": "FAIL"' "$out/results.jsonl" 2>/dev/null | sed 's/^/FAILED: /'
case $status in
  0) echo "quick benchmarks: PASS" ;;
  4) echo "quick benchmarks: PASS (fewer allocations than Benchmarks/Thresholds: run scripts/bench-update-thresholds.sh)"; status=0 ;;
  2) echo "quick benchmarks: FAIL (allocation regression against Benchmarks/Thresholds)" ;;
  *) echo "quick benchmarks: FAIL (status $status: a validation, a bound or a benchmark failed; see above)" ;;
esac
exit $status
