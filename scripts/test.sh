#!/usr/bin/env bash
# The test command: installs missing system packages (a one-node Slurm included), builds, starts the local Slurm
# cluster for the Slurm tests (scripts/local-slurm.sh, in a fresh temporary folder), runs the whole test suite, and
# stops the cluster again whatever happens. Tests that need ../shared (real data and weights) are reported as
# skipped, with the reason, when it is absent — except under CI (the variable CI set), which always has ../shared:
# there they fail, naming what is missing. FTFT_TEST_SLURM=1 tells the Slurm tests that a cluster was started for
# them: if it is then not reachable they fail instead of skipping. FTFT_TEST_SLURM=0 runs the rest without a cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${FTFT_TEST_SLURM:-1}" = 0 ]; then
  scripts/install-deps.sh
else
  scripts/install-deps.sh --with-slurm
fi
swift build --build-tests
if [ "${FTFT_TEST_SLURM:-1}" = 0 ]; then
  unset FTFT_TEST_SLURM
  swift test --skip-build "$@"
  exit
fi
FTFT_LOCAL_SLURM_DIR="$(mktemp -d "${TMPDIR:-/tmp}/ftft-test-slurm.XXXXXX")"
export FTFT_LOCAL_SLURM_DIR
trap 'scripts/local-slurm.sh stop || true' EXIT
# A cluster that does not come up is not a reason to skip: the Slurm tests then fail, saying why.
if started="$(scripts/local-slurm.sh start)"; then eval "$started"; else echo "ftft: the local Slurm did not start" >&2; fi
export FTFT_TEST_SLURM=1
swift test --skip-build "$@"
