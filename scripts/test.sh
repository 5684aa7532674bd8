#!/usr/bin/env bash
# The test command: installs missing system packages, builds, and runs the whole test suite.
# Tests that need ../shared (real data and weights) are reported as skipped, with the reason, when it is absent —
# except under CI (the variable CI set), which always has ../shared: there they fail, naming what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests
swift test --skip-build "$@"
