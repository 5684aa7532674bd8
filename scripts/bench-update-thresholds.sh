#!/usr/bin/env bash
# Rewrites Benchmarks/Thresholds/: the allocation counts (package-benchmark's `mallocCountTotal`, p90 of the
# quick-mode samples) that scripts/bench-quick.sh checks with `swift package benchmark thresholds check`.
# Run it after a change that legitimately changes how much a benchmarked operation allocates, check the diff, and
# commit it with the change. (The ratio bounds in Benchmarks/thresholds.json are edited by hand, with a reason.)
#
#   scripts/bench-update-thresholds.sh                     Kernels and DataPath (and PipelineCost when present)
#   scripts/bench-update-thresholds.sh --target Kernels    one suite
#
# Only allocation counts are kept: they are counted, not timed, so they do not depend on the machine's load.
# package-benchmark writes `<target>.<name with spaces as _>.p90.json` but reads `<target>.<name>.p90.json`, so
# the files are renamed to the names it reads.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(--target Kernels --target DataPath)
grep -q '"PipelineCost"' Package.swift && targets+=(--target PipelineCost)
[ $# -gt 0 ] && targets=("$@")
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The ratio bounds are not judged here (an unrelated slow sample must not stop the update); validations still are.
FTFT_BENCH_QUICK=1 FTFT_BENCH_THRESHOLDS=/dev/null swift package --allow-writing-to-directory "$work" benchmark thresholds update "${targets[@]}" \
  --path "$work" --no-progress
mkdir -p Benchmarks/Thresholds
for file in "$work"/*.p90.json; do
  name="$(basename "$file")"
  count="$(grep -o '"mallocCountTotal" *: *[0-9]*' "$file" | grep -o '[0-9]*$' || true)"
  [ -n "$count" ] || continue
  printf '{\n  "mallocCountTotal" : %s\n}\n' "$count" > "Benchmarks/Thresholds/${name//_/ }"
done
ls -1 Benchmarks/Thresholds
