"""Turns one benchmark run folder (results/bench/<date>/) into report.md and report.json.

Reads what scripts/bench-nightly.sh (or bench-quick.sh) left there:
  results.jsonl       one line per judged or reported metric, written by the suites' gate (Benchmarks/Support)
  side_by_side.json   Benchmarks/pytorch/side_by_side.py: ftft vs PyTorch, interleaved (nightly)
  tokenizer-hf-*.json Benchmarks/tokenizer/bench_hf_tokenizer.py runs interleaved with the Swift ones (nightly)
  environment.json    machine, toolchain, commit, load averages, the commands run
  exit-codes.json     each step's exit status
and writes the report: failures first, then the Swift/PyTorch table, the pipeline cost ratios, the data path
figures and every kernel's ratios. Standard library only (no torch needed to read a run).

Usage: python3 scripts/bench-report.py results/bench/<date>
"""
import glob
import json
import os
import statistics
import sys


def load_jsonl(path):
    rows = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
    return rows


def load_json(path, default=None):
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    return default


def fmt(value, digits=3):
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    magnitude = abs(value)
    if magnitude >= 1e5:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.1f}"
    return f"{value:.{digits}g}"


def bound_text(row):
    bound = row.get("bound") or {}
    low, high = bound.get("min"), bound.get("max")
    if low is None and high is None:
        return ""
    return f"[{fmt(low) if low is not None else '−∞'}, {fmt(high) if high is not None else '∞'}]"


def metric_table(rows, suite):
    lines = ["| benchmark | metric | median | range | samples | bound | verdict |", "|---|---|---|---|---|---|---|"]
    for r in sorted((r for r in rows if r.get("suite") == suite and "median" in r),
                    key=lambda r: (r["benchmark"], r["metric"])):
        lines.append(f"| {r['benchmark']} | {r['metric']} | {fmt(r['median'])} {r.get('unit', '')} | "
                     f"{fmt(r['min'])}–{fmt(r['max'])} | {r['samples']} | {bound_text(r)} | {r['verdict']} |")
    return lines


def find(rows, suite, benchmark_prefix, metric):
    for r in rows:
        if r.get("suite") == suite and r.get("benchmark", "").startswith(benchmark_prefix) and r.get("metric") == metric:
            return r
    return None


def main():
    folder = sys.argv[1]
    rows = load_jsonl(os.path.join(folder, "results.jsonl"))
    environment = load_json(os.path.join(folder, "environment.json"), {})
    exits = load_json(os.path.join(folder, "exit-codes.json"), {})
    side = load_json(os.path.join(folder, "side_by_side.json"))
    hf_runs = [load_json(p) for p in sorted(glob.glob(os.path.join(folder, "tokenizer-hf-*.json")))]
    failures = [r for r in rows if r.get("verdict") == "FAIL"]
    failed_steps = {k: v for k, v in exits.items() if v not in (0, 4)}

    md = [f"# ftft benchmarks — {environment.get('date', os.path.basename(folder))}", ""]
    md += [f"Machine: {environment.get('machine', '?')}. Toolchain: {environment.get('swift', '?')}. "
           f"Commit: {environment.get('commit', '?')}. BLAS: {environment.get('blas', '?')}.",
           f"Load average (1/5/15 min) at start: {environment.get('load_start', '?')}, at end: {environment.get('load_end', '?')}.",
           ""]
    verdict = "PASS" if not failures and not failed_steps else "FAIL"
    md += [f"## Verdict: {verdict}", ""]
    for r in failures:
        md.append(f"- FAIL {r['suite']}/{r['benchmark']} · {r['metric']}: "
                  + (r.get("error") or f"median {fmt(r.get('median'))} outside {bound_text(r)}"))
    for step, code in failed_steps.items():
        md.append(f"- step `{step}` exited with status {code}")
    if verdict == "PASS":
        md.append("Every judged metric is inside its committed bound (Benchmarks/thresholds.json), every validation "
                  "passed, and every step exited 0 (4 from `thresholds check` means better than the allocation thresholds).")
    md.append("")

    if side:
        md += ["## ftft vs PyTorch (interleaved, same machine)", "",
               "Ratio = Swift time / PyTorch time (below 1: ftft faster); median over rounds, range in parentheses.", "",
               "| config | threads | train ratio | eval ratio | full-step ratio | Swift train (s) | PyTorch train (s) | "
               "Swift eval (s) | PyTorch eval (s) | load (1 min) |",
               "|---|---|---|---|---|---|---|---|---|---|"]
        for row in side["rows"]:
            def r(key):
                v = row.get(key)
                return f"{v['median']:.2f} ({v['min']:.2f}–{v['max']:.2f})" if v else "—"
            md.append(f"| {row['config']} | {row['threads']} | **{r('train_ratio')}** | **{r('eval_ratio')}** | "
                      f"{r('full_step_ratio')} | {row['swift_train_s']['median']:.3f} | {row['torch_train_s']['median']:.3f} | "
                      f"{row['swift_eval_s']['median']:.3f} | {row['torch_eval_s']['median']:.3f} | "
                      f"{row['load_average_1min']['min']:.1f}–{row['load_average_1min']['max']:.1f} |")
        md += ["", f"PyTorch: {side.get('torch')}; {side.get('rounds')} rounds.", ""]

    pipeline = [r for r in rows if r.get("suite") == "PipelineCost"]
    if pipeline:
        md += ["## Pipeline cost (counted FLOPs; ERM of the main model = 100)", ""]
        md += metric_table(rows, "PipelineCost")
        md.append("")

    md += ["## Data path", ""]
    tokenizer_runs = [r for r in rows if r.get("suite") == "DataPath" and r.get("benchmark", "").startswith("tokenizer")
                      and r.get("metric") == "tokens/s"]
    if tokenizer_runs:
        median = statistics.median(r["median"] for r in tokenizer_runs)
        best = statistics.median(r["max"] for r in tokenizer_runs)
        corpus = tokenizer_runs[0].get("notes", {}).get("corpus", "?")
        line = (f"- Tokenizer ({corpus}): {fmt(median)} tokens/s median pass, {fmt(best)} best pass, single thread "
                f"({len(tokenizer_runs)} run(s)).")
        if hf_runs:
            hf = statistics.median(run["encode_batch_tokens_per_second"] for run in hf_runs)
            loop = statistics.median(run["encode_loop_tokens_per_second"] for run in hf_runs)
            line += (f" Hugging Face `tokenizers` {hf_runs[0].get('tokenizers')} (Rust, one thread): {fmt(hf)} tokens/s "
                     f"encode_batch, {fmt(loop)} per-call loop from Python (best of N, median over {len(hf_runs)} runs, "
                     f"alternating with ftft's). ftft / HF encode_batch = **{best / hf:.2f}** (best pass vs best pass).")
        md.append(line)
    for threads in (1, 2):
        seconds = find(rows, "DataPath", f"datamap+selection 400kx5x3 threads={threads}", "seconds")
        if seconds:
            md.append(f"- Data map + three selections, 400,000 × 5 × 3, {threads} thread(s): {fmt(seconds['median'])} s median "
                      f"({fmt(seconds['min'])}–{fmt(seconds['max'])}).")
    for name, metric, unit in [("dynamics export jsonl", "MB/s", "MB/s"), ("dynamics import jsonl 400kx5x3 threads=1", "MB/s", "MB/s"),
                               ("dynamics import jsonl 400kx5x3 threads=2", "MB/s", "MB/s"),
                               ("store append", "rows/s", "rows/s"), ("store read", "rows/s", "rows/s")]:
        r = find(rows, "DataPath", name, metric)
        if r:
            md.append(f"- {r['benchmark']}: {fmt(r['median'])} {unit} median ({fmt(r['min'])}–{fmt(r['max'])}).")
    bytes_per_row = find(rows, "DataPath", "store append", "bytes/row")
    if bytes_per_row:
        md.append(f"- Store size: {fmt(bytes_per_row['median'])} bytes per (example, epoch) row.")
    md += ["", "### Every data-path metric", ""] + metric_table(rows, "DataPath") + [""]
    md += ["## Kernels (MiniLM-L6 layer shapes; ratios to same-process yardsticks)", ""] + metric_table(rows, "Kernels") + [""]
    if environment.get("commands"):
        md += ["## Commands", ""] + [f"    {c}" for c in environment["commands"]] + [""]

    with open(os.path.join(folder, "report.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(md) + "\n")
    with open(os.path.join(folder, "report.json"), "w", encoding="utf-8") as f:
        json.dump({"verdict": verdict, "environment": environment, "exit_codes": exits, "failures": failures,
                   "metrics": rows, "side_by_side": side, "tokenizer_hf": hf_runs}, f, indent=2)
    print(f"{folder}/report.md: {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
