#!/usr/bin/env bash
# For each OpenBLAS kernel this CPU can run: how many outputs of a MiniLM-sized product change their bits when the
# product is split into row panels or OpenBLAS threads (Benchmarks/blas-kernels/split_sensitivity.c). Kernels with
# non-zero counts are why ftft fixes its GEMM decomposition from the shapes alone (README: reproducing).
#   scripts/blas-kernel-sensitivity.sh [kernel ...]     default: Sandybridge Haswell Zen SkylakeX Cooperlake
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
binary="$(mktemp "${TMPDIR:-/tmp}/ftft-split-XXXXXX")"
trap 'rm -f "$binary"' EXIT
cc -O2 Benchmarks/blas-kernels/split_sensitivity.c -o "$binary" -lopenblas
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(Sandybridge Haswell Zen SkylakeX Cooperlake)
grep -m1 "model name" /proc/cpuinfo || true
for kernel in "${kernels[@]}"; do
  result="$(OPENBLAS_CORETYPE="$kernel" "$binary")"
  # OpenBLAS falls back to another kernel when the CPU lacks this one's instructions: say so instead of mislabelling.
  case "$result" in
    "$kernel"*) echo "$result" ;;
    *) echo "$kernel: not run here (OpenBLAS chose ${result%% *} instead)" ;;
  esac
done
