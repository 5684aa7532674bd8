#!/usr/bin/env bash
# Installs the system packages ftft builds and tests against, if any is missing (Debian/Ubuntu, as root or with
# sudo). OpenBLAS (libopenblas-dev), SQLite (libsqlite3-dev), zlib (zlib1g-dev); and the sqlite3 command, which the
# reliability and store tests use to look into run stores from outside, as a user would.
#   --with-slurm   also a one-node Slurm for the Slurm tests and scripts/local-slurm.sh: Debian's slurmctld, slurmd,
#                  slurm-client and munge (about 3.5 MB; apt does not start their services here)
# Safe to run repeatedly.
set -euo pipefail
packages=(libopenblas-dev libsqlite3-dev zlib1g-dev sqlite3)
if [ "${1:-}" = "--with-slurm" ]; then packages+=(slurmctld slurmd slurm-client munge); fi
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "ftft: installing missing system packages: ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
