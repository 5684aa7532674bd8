#!/usr/bin/env bash
# Fuzzes ftft's parsers with libFuzzer: builds the targets of the separate Fuzz/ package with
# `-sanitize=fuzzer,address` and runs each for a bounded time.
#
#   scripts/fuzz.sh [target|all] [seconds per target]      (defaults: all, 60)
#
# Targets: safetensors jsonl csv tsv tokenizer vocabulary tokenizer-json cartography experiment
# (Fuzz/Sources/fuzz-<target>).
# Seeds come from Fuzz/make_seeds.py. Per target, in Fuzz/.build/fuzz/<target>/: corpus/ (grows across runs),
# crashes/ (inputs that failed a check or crashed; each becomes a parser fix and a case in
# Tests/ReliabilityTests/Corpus), last.log. Prints executions and crashes per target; exits 1 if any crashed.
# To replay one input after a build: SWIFT_BACKTRACE=enable=no Fuzz/.build/release/fuzz-<target> <file>
#
# Linking: SwiftPM names each executable's entry point `<target>_main`, so the targets call libFuzzer's
# `LLVMFuzzerRunDriver` from their own main; the GNU gold linker fails on the sanitizer runtimes (an internal
# error in Swift 6.3 on Linux), so the link uses lld, which the toolchain ships.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
all=(safetensors jsonl csv tsv tokenizer vocabulary tokenizer-json cartography experiment)
which="${1:-all}"
seconds="${2:-60}"
if [ "$which" = all ]; then targets=("${all[@]}"); else targets=("$which"); fi
for t in "${targets[@]}"; do
  [[ " ${all[*]} " == *" $t "* ]] || { echo "fuzz.sh: unknown target '$t' (known: ${all[*]})" >&2; exit 2; }
done

flags=(-c release --package-path "$root/Fuzz" -Xswiftc -sanitize=fuzzer,address
       -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld)
swift build "${flags[@]}" >&2
bin="$(swift build "${flags[@]}" --show-bin-path)"

work="$root/Fuzz/.build/fuzz"
python3 "$root/Fuzz/make_seeds.py" "$work/seeds"
scratch="$(mktemp -d /dev/shm/ftft-fuzz.XXXXXX 2>/dev/null || mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

status=0
printf '%-15s %12s %8s %8s  %s\n' target executions exec/s crashes log
for t in "${targets[@]}"; do
  dir="$work/$t"
  mkdir -p "$dir/corpus" "$dir/crashes"
  before=$(find "$dir/crashes" -type f | wc -l)
  dict=()
  case "$t" in
    jsonl|tokenizer-json|safetensors|cartography) dict=(-dict="$root/Fuzz/dictionaries/json.dict") ;;
    csv|tsv) dict=(-dict="$root/Fuzz/dictionaries/delimited.dict") ;;
  esac
  # -timeout: one input taking 10 s is a finding (a hang); -rss_limit_mb: so is a runaway allocation.
  # SWIFT_BACKTRACE off: libFuzzer prints the stack, and the Swift backtracer trips the address sanitizer.
  FTFT_FUZZ_SCRATCH="$scratch" ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" SWIFT_BACKTRACE=enable=no \
    "$bin/fuzz-$t" "$dir/corpus" "$work/seeds/$t" -max_total_time="$seconds" -max_len=8192 -timeout=10 \
    -rss_limit_mb=2048 -artifact_prefix="$dir/crashes/" -print_final_stats=1 "${dict[@]}" > "$dir/last.log" 2>&1 || status=1
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/last.log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/last.log" | tail -1)
  after=$(find "$dir/crashes" -type f | wc -l)
  printf '%-15s %12s %8s %8s  %s\n' "$t" "${runs:-?}" "${rate:-?}" "$((after - before))" "${dir#$root/}/last.log"
  [ "$after" -eq "$before" ] || status=1
done
exit $status
