#!/usr/bin/env bash
# The test command: installs missing system packages, builds, and runs the whole test suite.
# Tests that need ../shared (real data and weights) say so and skip when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests
swift test --skip-build "$@"
