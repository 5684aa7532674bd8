#!/usr/bin/env bash
# Checks that the committed tables are what `ftft tables` writes from the stores today, byte for byte: every file it
# writes for the given experiment folders (table, per-seed CSV, paired, claims, Table 4, Figures 1, 1a and 2) is
# compared with the file of the same name in paper-tables/ftft/. Prints "identical: <file>" or what differs and
# exits 1 on any difference or missing file.
#
#   scripts/verify-tables.sh <experiment folder> …     e.g. runs/hsd runs/nli (each <output>/<experiment>)
#   FTFT=<ftft binary>                                  default: .build/release/ftft
#
# It runs from the repository root, as the committed tables were made (the Markdown appends the paper's published
# rows from paper-tables/published/), and writes only into a temporary folder. Reruns of the runs themselves are
# scripts/reproduce.sh's job; this checks that the tables follow from the stores.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: scripts/verify-tables.sh <experiment folder> …" >&2; exit 64; }
ftft="${FTFT:-.build/release/ftft}"
[ -x "$ftft" ] || { echo "verify-tables: no ftft binary at $ftft (swift build -c release, or set FTFT)" >&2; exit 64; }
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

status=0
for folder in "$@"; do
  [ -d "$folder" ] || { echo "verify-tables: no experiment folder $folder" >&2; exit 66; }
  out="$scratch/$(basename "$folder")"
  mkdir -p "$out"
  "$ftft" tables "$folder" --output "$out" > "$scratch/log" 2>&1 || { cat "$scratch/log" >&2; exit 1; }
  written=0
  for file in "$out"/*; do
    [ -f "$file" ] || continue
    written=$((written + 1))
    name="$(basename "$file")"
    if [ ! -f "paper-tables/ftft/$name" ]; then
      echo "not committed: paper-tables/ftft/$name"; status=1
    elif cmp -s "$file" "paper-tables/ftft/$name"; then
      echo "identical: paper-tables/ftft/$name"
    else
      echo "differs: paper-tables/ftft/$name"; diff "paper-tables/ftft/$name" "$file" | head -n 20 || true; status=1
    fi
  done
  [ "$written" -gt 0 ] || { echo "verify-tables: ftft tables wrote nothing for $folder" >&2; status=1; }
done
exit "$status"
