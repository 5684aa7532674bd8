#!/usr/bin/env bash
# Early-stopped rows read post hoc give what their live runs give: runs an experiment from scratch with
# `early_stopping: live` and with `early_stopping: post_hoc` and compares every per-seed cell of its table (metrics
# of the reported checkpoint, compute, steps, checkpoints, the reported logits' fingerprint) with
# `ftft tables --verify`: prints "seed s: identical" or each differing cell, and exits 1 on any difference.
#
#   scripts/check-post-hoc.sh [experiment.yaml] [ftft run options, e.g. --seeds 0 --threads 2]
#       default experiment: the built-in demo (`ftft demo --print`)
#   FTFT_CHECK_OUTPUT=<folder>   where both runs go (default: a new temporary folder, removed at the end)
#   FTFT=<ftft binary>           default: a release build of this checkout
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${FTFT:-}" ]; then
  scripts/install-deps.sh
  swift build -c release --product ftft >&2
fi
ftft="${FTFT:-.build/release/ftft}"

output="${FTFT_CHECK_OUTPUT:-$(mktemp -d "${TMPDIR:-/tmp}/ftft-post-hoc-XXXXXX")}"
[ -n "${FTFT_CHECK_OUTPUT:-}" ] || trap 'rm -rf "$output"' EXIT
experiment="${1:-}"
if [ -z "$experiment" ] || [[ "$experiment" == -* ]]; then
  experiment="$output/embedded-demo.yaml"
  "$ftft" demo --print > "$experiment"
else
  shift
fi
for mode in live post_hoc; do
  if [ -n "$(ls -A "$output/$mode" 2>/dev/null)" ]; then
    echo "check-post-hoc: $output/$mode is not empty; both runs must start from scratch" >&2
    exit 64
  fi
  echo "check-post-hoc: $experiment with early_stopping: $mode" >&2
  "$ftft" run "$experiment" --output "$output/$mode" --early-stopping "$mode" "$@" > /dev/null
done
name="$(basename "$(dirname "$(ls "$output"/live/*/manifest.json)")")"
"$ftft" tables "$output/live/$name" --output "$output/live/tables" > /dev/null
per_seed="$(ls "$output"/live/tables/*_per_seed.csv)"
"$ftft" tables "$output/post_hoc/$name" --output "$output/post_hoc/tables" --verify "$per_seed"
