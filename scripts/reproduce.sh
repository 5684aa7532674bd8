#!/usr/bin/env bash
# Reruns a committed table from scratch, with the OpenBLAS kernel the table records, and compares it seed by seed
# with the committed per-seed values: prints "seed s: identical" or each differing cell; exits 1 on any difference.
#
#   scripts/reproduce.sh [table]        table: embedded-demo (default), embedded-ladder, or a path to a committed
#                                       paper-tables/ftft/<table>_per_seed.csv
#   FTFT_REPRODUCE_OUTPUT=<folder>      where the rerun's store goes (default: a new temporary folder, removed at the
#                                       end unless FTFT_REPRODUCE_KEEP=1)
#
# Results are bit-identical for the same seed, ftft commit, OpenBLAS build and kernel, whatever the thread count.
# The rerun pins the table's kernel (`--blas-kernel`, which restarts ftft with OPENBLAS_CORETYPE set), so any
# x86-64 machine whose CPU can run that kernel reproduces the table; a CPU that cannot is refused before anything
# runs. A different OpenBLAS build is named before the run: its kernels may round differently.
set -euo pipefail
cd "$(dirname "$0")/.."

table="${1:-embedded-demo}"
case "$table" in
  */*|*.csv) per_seed="$table" ;;
  *) per_seed="paper-tables/ftft/table_${table}_per_seed.csv" ;;
esac
[ -f "$per_seed" ] || { echo "reproduce: no committed per-seed table at $per_seed" >&2; exit 64; }

# The experiment file: the per-seed CSV's name is table_<experiment>_per_seed.csv (or table1_nli / table5_hsd).
base="$(basename "$per_seed" _per_seed.csv)"
case "$base" in
  table1_nli) experiment_name=nli ;;
  table5_hsd) experiment_name=hsd ;;
  table_*) experiment_name="${base#table_}" ;;
  *) echo "reproduce: cannot tell which experiment made $per_seed" >&2; exit 64 ;;
esac
experiment_file="experiments/${experiment_name}.yaml"
[ -f "$experiment_file" ] || { echo "reproduce: no experiment file $experiment_file for $per_seed" >&2; exit 64; }

# Columns of the per-seed CSV (no field in these columns contains a comma).
column() {
  awk -F, -v name="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next } c { print $c }' "$per_seed" | sort -u
}
kernels="$(column blas_kernel)"
builds="$(column blas_build)"
seeds="$(column seed | sort -n | paste -sd, -)"
if [ -z "$kernels" ] || [ "$(printf '%s\n' "$kernels" | wc -l)" -ne 1 ] || [[ "$kernels" == *";"* ]]; then
  echo "reproduce: $per_seed does not record one OpenBLAS kernel (found: ${kernels:-none})" >&2
  exit 65
fi

scripts/install-deps.sh
swift build -c release --product ftft >&2
ftft=".build/release/ftft"

output="${FTFT_REPRODUCE_OUTPUT:-$(mktemp -d "${TMPDIR:-/tmp}/ftft-reproduce-XXXXXX")}"
if [ -z "${FTFT_REPRODUCE_OUTPUT:-}" ] && [ "${FTFT_REPRODUCE_KEEP:-0}" != 1 ]; then
  trap 'rm -rf "$output"' EXIT
fi
echo "reproduce: $per_seed — experiment $experiment_file, seeds $seeds, OpenBLAS kernel $kernels" >&2
echo "reproduce: the table was made with: $builds" >&2
if [ -d "$output/$experiment_name" ]; then
  echo "reproduce: $output/$experiment_name exists; a rerun from scratch needs an empty folder" >&2
  exit 64
fi
"$ftft" run "$experiment_file" --output "$output" --seeds "$seeds" --blas-kernel "$kernels" > /dev/null
"$ftft" tables "$output/$experiment_name" --output "$output/tables" --verify "$per_seed"
