#!/usr/bin/env bash
# Extracts allenai/cartography's public sample files (never committed to ftft) into <dest>, for the upstream
# interoperability tests:
#   <dest>/training_dynamics/dynamics_epoch_{0..4}.jsonl   (sample/training_dynamics/, SNLI RoBERTa, 10 lines each)
#   <dest>/winogrande_roberta_0_6_data_map_coordinates.jsonl (data/data_map_coordinates/)
# Usage: golden/cartography/fetch-upstream.sh <dest> <clone-or-mirror of github.com/allenai/cartography> [rev]
# Then: FTFT_CARTOGRAPHY_UPSTREAM=<dest> swift test --filter CartographyUpstream
# The tests check each file's sha256 against golden/cartography/upstream_expected.json (from HEAD 3df3438).
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 <dest> <path to a git clone or mirror of github.com/allenai/cartography> [rev, default HEAD]" >&2
  exit 2
fi
dest="$1"
repo="$2"
rev="${3:-HEAD}"
git -C "$repo" rev-parse --verify "$rev^{commit}" >/dev/null
mkdir -p "$dest/training_dynamics"
for e in 0 1 2 3 4; do
  git -C "$repo" show "$rev:sample/training_dynamics/dynamics_epoch_$e.jsonl" > "$dest/training_dynamics/dynamics_epoch_$e.jsonl"
done
git -C "$repo" show "$rev:data/data_map_coordinates/winogrande_roberta_0_6_data_map_coordinates.jsonl" \
  > "$dest/winogrande_roberta_0_6_data_map_coordinates.jsonl"
echo "extracted allenai/cartography $(git -C "$repo" rev-parse --short "$rev") into $dest" >&2
