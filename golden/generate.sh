#!/usr/bin/env bash
# Regenerates every golden fixture from its generator, in a virtual environment with the pinned
# requirements. Usage: golden/generate.sh [generator.py ...]   (default: all generate_*.py)
# The environment lives in $FTFT_GOLDEN_VENV (default golden/.venv) and is created on demand.
set -euo pipefail
cd "$(dirname "$0")"
venv="${FTFT_GOLDEN_VENV:-.venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r requirements.txt
fi
generators=("$@")
if [ ${#generators[@]} -eq 0 ]; then generators=(generate_*.py); fi
for g in "${generators[@]}"; do
  echo "golden: $g" >&2
  "$venv/bin/python" "$g"
done
