#!/usr/bin/env bash
# The main job: installs missing system packages, builds ftft in release mode and runs `ftft demo` on the
# embedded task (no downloads, nothing from ../shared). Extra arguments go to `ftft demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product ftft
.build/release/ftft demo "$@"
