#!/usr/bin/env bash
# Runs the Swift benchmark and the PyTorch yardstick one configuration at a time, alternating, so both see
# the same machine load. Usage: Benchmarks/compare.sh [configs] [threads]   (default: "tiny mid minilm" "1 2")
# Needs torch: set FTFT_TORCH_PYTHON to a Python with Benchmarks/pytorch/requirements.txt installed.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${FTFT_TORCH_PYTHON:?set FTFT_TORCH_PYTHON to a Python with Benchmarks/pytorch/requirements.txt installed}"
configs="${1:-tiny mid minilm}"
threads="${2:-1 2}"
swift build -c release --product TrainingStep >/dev/null
for config in $configs; do
  for n in $threads; do
    echo "### $config, $n thread(s)"
    swift package benchmark --target TrainingStep --filter "^$config (train|eval) threads=$n\$" \
      --no-progress --format markdown --path stdout 2>/dev/null \
      | grep -E "^## |^\| (Time|examples|GFLOP)|^\|.*p50" || true
    "$python" Benchmarks/pytorch/bench_pytorch.py --configs "$config" --threads "$n" | tail -1
  done
done
