#!/usr/bin/env bash
# Keeps the finished runs of an experiment in the repository, so that an experiment longer than one working session
# (or one machine's life) can be finished on another machine, and so that its tables can be checked from the
# repository alone: `ftft merge` + `ftft tables` + scripts/verify-tables.sh on the restored shards.
#
#   scripts/archive-shards.sh save <experiment folder> [archive folder]
#       every finished store shard (<experiment folder>/shards/<run id>.sqlite, written by `ftft run --only`) that
#       the archive does not hold yet → <archive folder>/<run id>.sqlite.gz. Default archive folder:
#       paper-tables/stores/<experiment name>.
#   scripts/archive-shards.sh restore <archive folder> <experiment folder>
#       every archived shard that the experiment folder does not hold yet → <experiment folder>/shards/; then
#       `ftft run … --only <run id>` trains what is left and `ftft merge <experiment folder>` folds them in.
#
# What a shard holds: the run (configuration, provenance, status), its evaluations and evaluation logits, training
# dynamics (example ids, gold labels, logits), data maps and selections, and its compute ledger — no model weights
# (checkpoints are separate files, never archived) and no example text. A committed file names no machine's
# folders, so `save` replaces, in the runs' provenance, the absolute path of the shared data folder by
# `$FTFT_SHARED` and of this repository by `$FTFT_REPO`, writes the result with `VACUUM INTO` (no free page keeps
# the old text), and refuses a shard in which a path that starts with `/` is left in any provenance. Nothing else
# is changed: the configuration (and so the run id), evaluations, logits and dynamics are byte for byte the run's.
#
#   FTFT_SHARED   the shared data folder the runs read (default: ../shared beside the repository)
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd -P)"
usage() { echo "usage: scripts/archive-shards.sh save <experiment folder> [archive folder] | restore <archive folder> <experiment folder>" >&2; exit 64; }
[ $# -ge 2 ] || usage
command -v sqlite3 >/dev/null || { echo "archive-shards: needs the sqlite3 command (scripts/install-deps.sh)" >&2; exit 69; }

case "$1" in
save)
  folder="$2"
  [ -d "$folder/shards" ] || { echo "archive-shards: no shards folder in $folder" >&2; exit 66; }
  name="$(basename "$folder")"
  archive="${3:-paper-tables/stores/$name}"
  shared="$(cd "${FTFT_SHARED:-../shared}" 2>/dev/null && pwd -P)" \
    || { echo "archive-shards: no shared data folder at ${FTFT_SHARED:-../shared} (set FTFT_SHARED)" >&2; exit 66; }
  mkdir -p "$archive"
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  saved=0
  for shard in "$folder"/shards/*.sqlite; do
    [ -f "$shard" ] || continue
    id="$(basename "$shard" .sqlite)"
    if [ -f "$archive/$id.sqlite.gz" ]; then continue; fi
    # The shard's own run (a dependent shard also holds a borrowed row of its reference run).
    status="$(sqlite3 -readonly "$shard" "SELECT status FROM run WHERE id = $id;" 2>/dev/null || true)"
    if [ "$status" != "finished" ]; then
      echo "archive-shards: $id: ${status:-unreadable}, left alone"
      continue
    fi
    cp "$shard" "$scratch/work.sqlite"
    # SQL string literals: a quote in a folder name is doubled.
    sqlite3 "$scratch/work.sqlite" \
      "UPDATE run SET provenance_json = replace(replace(provenance_json, '${shared//\'/\'\'}', '\$FTFT_SHARED'), '${repo//\'/\'\'}', '\$FTFT_REPO');"
    left="$(sqlite3 "$scratch/work.sqlite" "SELECT count(*) FROM run WHERE provenance_json LIKE '%\"/%';")"
    if [ "$left" != "0" ]; then
      echo "archive-shards: $id: an absolute path is left in the provenance of $left run(s); not archived:" >&2
      sqlite3 "$scratch/work.sqlite" "SELECT provenance_json FROM run;" | grep -o '"/[^"]*"' | sort -u >&2
      exit 1
    fi
    rm -f "$scratch/clean.sqlite"
    sqlite3 "$scratch/work.sqlite" "VACUUM INTO '$scratch/clean.sqlite';"
    gzip -9 -n -c "$scratch/clean.sqlite" > "$scratch/$id.sqlite.gz"
    mv "$scratch/$id.sqlite.gz" "$archive/$id.sqlite.gz"
    echo "archive-shards: saved $archive/$id.sqlite.gz ($(wc -c < "$archive/$id.sqlite.gz") bytes)"
    saved=$((saved + 1))
  done
  echo "archive-shards: $saved shard(s) saved into $archive"
  ;;
restore)
  archive="$2"; folder="$3"
  [ -d "$archive" ] || { echo "archive-shards: no archive folder $archive" >&2; exit 66; }
  mkdir -p "$folder/shards"
  restored=0
  for packed in "$archive"/*.sqlite.gz; do
    [ -f "$packed" ] || continue
    id="$(basename "$packed" .sqlite.gz)"
    if [ -f "$folder/shards/$id.sqlite" ]; then continue; fi
    gzip -d -c "$packed" > "$folder/shards/$id.sqlite.partial"
    mv "$folder/shards/$id.sqlite.partial" "$folder/shards/$id.sqlite"
    restored=$((restored + 1))
  done
  echo "archive-shards: $restored shard(s) restored into $folder/shards"
  ;;
*) usage ;;
esac
