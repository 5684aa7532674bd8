#!/usr/bin/env bash
# The two evaluation policies give the same reported numbers: runs an experiment from scratch under
# `evaluation: every_checkpoint` and under `evaluation: reported` and compares every per-seed cell of its table
# (metrics of the reported checkpoint, compute, steps, checkpoints, the reported logits' fingerprint) with
# `ftft tables --verify`: prints "seed s: identical" or each differing cell, and exits 1 on any difference.
#
#   scripts/check-evaluation-policies.sh [experiment.yaml] [ftft run options, e.g. --seeds 0 --threads 2]
#       default experiment: the built-in demo (`ftft demo --print`)
#   FTFT_CHECK_OUTPUT=<folder>   where both runs go (default: a new temporary folder, removed at the end)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
swift build -c release --product ftft >&2
ftft=".build/release/ftft"

output="${FTFT_CHECK_OUTPUT:-$(mktemp -d "${TMPDIR:-/tmp}/ftft-policies-XXXXXX")}"
[ -n "${FTFT_CHECK_OUTPUT:-}" ] || trap 'rm -rf "$output"' EXIT
experiment="${1:-}"
if [ -z "$experiment" ] || [[ "$experiment" == -* ]]; then
  experiment="$output/embedded-demo.yaml"
  "$ftft" demo --print > "$experiment"
else
  shift
fi
for policy in every_checkpoint reported; do
  if [ -n "$(ls -A "$output/$policy" 2>/dev/null)" ]; then
    echo "check-evaluation-policies: $output/$policy is not empty; both runs must start from scratch" >&2
    exit 64
  fi
  echo "check-evaluation-policies: $experiment with evaluation: $policy" >&2
  "$ftft" run "$experiment" --output "$output/$policy" --evaluation "$policy" "$@" > /dev/null
done
name="$(basename "$(dirname "$(ls "$output"/every_checkpoint/*/manifest.json)")")"
"$ftft" tables "$output/every_checkpoint/$name" --output "$output/every_checkpoint/tables" > /dev/null
per_seed="$(ls "$output"/every_checkpoint/tables/*_per_seed.csv)"
"$ftft" tables "$output/reported/$name" --output "$output/reported/tables" --verify "$per_seed"
