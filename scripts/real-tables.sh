#!/usr/bin/env bash
# Makes the real-data tables of issue 14 seed by seed, in the background-friendly way the README describes: for each
# experiment file and each of its seeds s, `ftft run --seeds <its seeds up to s>` (resumes whatever an earlier call
# left), then `ftft tables` into paper-tables/ftft, so the committed tables can grow one seed at a time. Stop it with SIGTERM
# (ftft checkpoints at the next update and exits 75; this script stops with it); run it again to go on.
#
#   scripts/real-tables.sh <runs folder> [experiment file …]     default: experiments/hsd.yaml experiments/nli.yaml
#   FTFT=<ftft binary>                                           default: .build/release/ftft
#
# Runs go to <runs folder>/<experiment>/ (keep it outside the repository); tables to paper-tables/ftft/ (commit
# them yourself after each seed: the script never commits).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: scripts/real-tables.sh <runs folder> [experiment file …]" >&2; exit 64; }
runs="$1"; shift
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(experiments/hsd.yaml experiments/nli.yaml)
ftft="${FTFT:-.build/release/ftft}"
[ -x "$ftft" ] || { echo "real-tables: no ftft binary at $ftft (swift build -c release, or set FTFT)" >&2; exit 64; }
mkdir -p "$runs"
for file in "${files[@]}"; do
  name="$(sed -n 's/^experiment: *//p' "$file" | head -n 1)"
  seeds="$(sed -n 's/^seeds: *\[\(.*\)\]/\1/p' "$file" | head -n 1 | tr -d ' ')"
  [ -n "$name" ] && [ -n "$seeds" ] || { echo "real-tables: $file has no experiment name or seeds list" >&2; exit 65; }
  # The seeds so far, not the one alone: the manifest (and so the table) lists the seeds of the last `ftft run`;
  # finished runs of the earlier seeds are reused from the store, not trained again.
  done_seeds=""
  for seed in ${seeds//,/ }; do
    done_seeds="${done_seeds:+$done_seeds,}$seed"
    echo "real-tables: $name seeds $done_seeds ($(date -u +%FT%TZ))" >&2
    "$ftft" run "$file" --output "$runs" --seeds "$done_seeds"
    "$ftft" tables "$runs/$name" --output paper-tables/ftft
  done
done
