#!/usr/bin/env bash
# Prints the README's short form of a table `ftft tables` wrote: one line per row with the validation metric, the
# OOD average and compute as mean ± standard deviation over the seeds, the main model's steps and the seed count —
# so the README's numbers come from the committed CSV by a command, not by hand.
#
#   scripts/readme-table.sh paper-tables/ftft/table5_hsd.csv cad_val_macro_f1
#   scripts/readme-table.sh paper-tables/ftft/table1_nli.csv <validation column>
#
# The CSV holds no quoted fields (ftft writes labels without commas), so a plain comma split reads it.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: scripts/readme-table.sh <table.csv> <validation metric column>" >&2; exit 64; }
[ -r "$1" ] || { echo "readme-table: cannot read $1" >&2; exit 66; }
awk -F, -v val="$2" '
  NR == 1 {
    for (i = 1; i <= NF; i++) col[$i] = i
    split("source compute compute_std ood_avg ood_avg_std main_steps seeds", names, " ")
    names[8] = val; names[9] = val "_std"
    for (k = 1; k <= 9; k++) if (!(names[k] in col)) { printf "readme-table: %s has no column %s\n", FILENAME, names[k] > "/dev/stderr"; bad = 1; exit 65 }
    printf "| method | %s | OOD avg | compute | main steps | seeds |\n|---|---:|---:|---:|---:|---:|\n", val
    next
  }
  {
    label = $col["source"]; sub(/^[^:]*: /, "", label)
    printf "| %s | %s ± %s | %s ± %s | %s ± %s | %g | %s |\n", label, $col[val], $col[val "_std"], $col["ood_avg"], $col["ood_avg_std"], $col["compute"], $col["compute_std"], $col["main_steps"] + 0, $col["seeds"]
  }
  END { if (bad) exit 65 }
' "$1"
