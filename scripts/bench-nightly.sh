#!/usr/bin/env bash
# The nightly benchmark set: every suite in full (Kernels, DataPath, TrainingStep, PipelineCost with the real HSD
# and NLI experiments), the tokenizer beside Hugging Face's and the training step beside PyTorch's, interleaved on
# this machine; writes a dated report (report.md + report.json, with every raw file beside them) under
# results/bench/<date>/. Takes hours (the real experiments dominate); not for CI — see scripts/bench-quick.sh.
#
#   scripts/bench-nightly.sh                 everything
#   FTFT_BENCH_SKIP="pipeline-real" scripts/bench-nightly.sh     skip steps by name (space-separated):
#       kernels datapath tokenizer trainingstep side-by-side pipeline pipeline-real
#
# Python: $FTFT_TORCH_PYTHON if set, else a virtual environment .venv-bench/ created on demand from
# Benchmarks/pytorch/requirements.txt (torch, transformers, tokenizers; a few minutes the first time).
# Exit status: 0 when every validation passed and every judged metric is inside its bound, 1 otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
out="results/bench/$(date +%Y-%m-%d)"
[ -e "$out" ] && out="$out-$(date +%H%M%S)"
mkdir -p "$out"
out="$root/$out"
skip=" ${FTFT_BENCH_SKIP:-} "
declare -A exits=()
commands=()

step() {   # step <name> <command…>: runs it, records its exit status, never stops the script
  local name="$1"; shift
  if [[ "$skip" == *" $name "* ]]; then echo "== skipping $name"; return 0; fi
  echo "== $name: $*  (load $(cut -d' ' -f1-3 /proc/loadavg))"
  commands+=("$*")
  "$@"
  local status=$?
  exits[$name]=$(( ${exits[$name]:-0} > status ? ${exits[$name]:-0} : status ))
  echo "== $name exited $status"
}

python="${FTFT_TORCH_PYTHON:-}"
if [ -z "$python" ]; then
  if [ ! -x .venv-bench/bin/python ]; then
    python3 -m venv .venv-bench && .venv-bench/bin/pip install --quiet -r Benchmarks/pytorch/requirements.txt
  fi
  python="$root/.venv-bench/bin/python"
fi

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
swift build -c release --product Kernels --product DataPath --product TrainingStep >/dev/null 2>&1 || true
if grep -q '"PipelineCost"' Package.swift; then has_pipeline=1; else has_pipeline=0; fi
[ "$has_pipeline" = 1 ] && swift build -c release --product PipelineCost >/dev/null 2>&1

export FTFT_BENCH_RESULTS="$out/results.jsonl"
markdown=(--no-progress --format markdown --path stdout)

# Allocation counts against Benchmarks/Thresholds (package-benchmark's static thresholds) in the same run as the
# suites' own gate; status 4 = fewer allocations than the thresholds (a pass; update them).
step kernels swift package benchmark thresholds check --target Kernels --path Benchmarks/Thresholds --no-progress \
  > "$out/kernels.txt" 2>&1
step datapath-allocations swift package benchmark thresholds check --target DataPath --skip "tokenizer.*" \
  --path Benchmarks/Thresholds --no-progress > "$out/datapath.txt" 2>&1

# Tokenizer: Hugging Face and ftft alternately, on the same corpus (HF writes it, ftft checks its ids against it).
for round in 1 2; do
  step tokenizer "$python" Benchmarks/tokenizer/bench_hf_tokenizer.py --repetitions 3 --corpus-out "$out/corpus.jsonl" \
    > "$out/tokenizer-hf-$round.log" 2>&1
  sed -n '/^{/,/^}/p' "$out/tokenizer-hf-$round.log" > "$out/tokenizer-hf-$round.json"
  step tokenizer env FTFT_TOKENIZER_CORPUS="$out/corpus.jsonl" swift package benchmark --target DataPath \
    --filter "tokenizer.*" "${markdown[@]}" > "$out/tokenizer-swift-$round.md" 2>&1
done
rm -f "$out/corpus.jsonl"

step trainingstep swift package benchmark --target TrainingStep "${markdown[@]}" > "$out/trainingstep.md" 2>&1
step side-by-side "$python" Benchmarks/pytorch/side_by_side.py --out "$out" --rounds 3 --adamw > "$out/side_by_side.log" 2>&1
if [ "$has_pipeline" = 1 ]; then
  step pipeline swift package benchmark --target PipelineCost --filter "embedded.*" "${markdown[@]}" \
    > "$out/pipeline.md" 2>&1
  step pipeline-real env FTFT_PIPELINE_NIGHTLY=1 swift package benchmark --target PipelineCost --filter "(hsd|nli).*" \
    "${markdown[@]}" > "$out/pipeline-real.md" 2>&1
fi

load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
exit_json="{"; sep=""
for name in "${!exits[@]}"; do exit_json+="$sep\"$name\": ${exits[$name]}"; sep=", "; done
echo "$exit_json}" > "$out/exit-codes.json"
printf '%s\n' "${commands[@]}" > "$out/commands.txt"
python3 - "$out" "$load_start" "$load_end" <<'EOF'
import json, os, platform, subprocess, sys, datetime
out, load_start, load_end = sys.argv[1:4]
def run(*command):
    try:
        return subprocess.run(command, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
json.dump({
    "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
    "machine": f"{platform.node()}, {os.cpu_count()} CPUs, {cpu}, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB",
    "swift": run("swift", "--version").splitlines()[0] if run("swift", "--version") else "?",
    "commit": run("git", "rev-parse", "--short", "HEAD") + (" (modified)" if run("git", "status", "--porcelain", "--untracked-files=no") else ""),
    "blas": run("sh", "-c", "dpkg -s libopenblas0-pthread 2>/dev/null | grep ^Version || echo unknown"),
    "load_start": load_start, "load_end": load_end,
    "commands": open(os.path.join(out, "commands.txt")).read().splitlines(),
}, open(os.path.join(out, "environment.json"), "w"), indent=2)
EOF
python3 scripts/bench-report.py "$out"
