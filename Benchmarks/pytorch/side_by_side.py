"""ftft's training step and evaluation beside PyTorch's, interleaved on the same machine, as one table of ratios.

For each round, configuration (tiny, mid, minilm of docs/perf-anchors.md; batch 32, length 128) and thread count
(1, 2), this runs the Swift benchmark (package-benchmark target TrainingStep: `trainingStep` = forward, loss and
backward; `logits` = evaluation forward) and the PyTorch yardstick (bench_pytorch.py in this folder: Hugging Face
`BertForSequenceClassification`, the same work) one after the other, alternating which goes first from one pair to
the next, so that both see the same machine load. With --adamw it also times ftft's AdamW update on the same
configuration's parameter arena (Kernels target, `adamw <config> threads=<n>`) so that a full optimizer step can be
compared with PyTorch's `train +AdamW`.

Every Swift figure is the median of its package-benchmark samples (TrainingStep: 2 warm-up steps, up to 10 timed);
every PyTorch figure is bench_pytorch.py's median (--warmup, --steps). A ratio is Swift time / PyTorch time (below 1:
ftft is faster), computed per round and reported as the median over rounds, with the range and the load averages
seen. Nothing here is pasted: both sides are measured in this run.

Writes <out>/side_by_side.md and <out>/side_by_side.json.

Usage (from the package root; torch from a virtual environment with Benchmarks/pytorch/requirements.txt):
  python Benchmarks/pytorch/side_by_side.py --out results/bench/manual [--configs tiny,mid,minilm] [--threads 1,2]
      [--rounds 3] [--steps 5] [--warmup 3] [--adamw]
"""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def load_average():
    return [round(x, 2) for x in os.getloadavg()]


def swift_medians(target, pattern):
    """Runs `swift package benchmark` for the benchmarks matching `pattern` in `target`; returns {benchmark name:
    median wall seconds} parsed from its Markdown output (p50 of 'Time (wall clock)', in microseconds)."""
    command = ["swift", "package", "benchmark", "--target", target, "--filter", pattern, "--no-progress",
               "--format", "markdown", "--path", "stdout", "--time-units", "microseconds"]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        sys.stderr.write(run.stdout[-4000:] + run.stderr[-4000:])
        raise SystemExit(f"side_by_side: {' '.join(command)} exited with {run.returncode}")
    medians, current = {}, None
    for line in run.stdout.splitlines():
        if line.startswith("### "):
            current = line[4:].strip()
        elif current and line.startswith("| Time (wall clock)"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            unit = re.search(r"\((us|μs|ms|s|ns)\)", cells[0])
            scale = {"ns": 1e-9, "us": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0}[unit.group(1) if unit else "us"]
            medians[current] = float(cells[3]) * scale   # columns: metric, p0, p25, p50, …
    return medians


def torch_row(python, config, threads, steps, warmup):
    """bench_pytorch.py for one configuration and thread count: (train fwd+bwd, train +AdamW, eval) median seconds."""
    command = [python, os.path.join(HERE, "bench_pytorch.py"), "--configs", config, "--threads", str(threads),
               "--steps", str(steps), "--warmup", str(warmup)]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        sys.stderr.write(run.stdout[-4000:] + run.stderr[-4000:])
        raise SystemExit(f"side_by_side: {' '.join(command)} exited with {run.returncode}")
    header = run.stdout.splitlines()[0]
    for line in run.stdout.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 8 and cells[0] == config and cells[1] == str(threads):
            return float(cells[2]), float(cells[5]), float(cells[6]), header
    raise SystemExit(f"side_by_side: no result row for {config}/{threads} in:\n{run.stdout}")


def median_and_range(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--configs", default="tiny,mid,minilm")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--adamw", action="store_true")
    parser.add_argument("--python", default=sys.executable, help="the Python with torch (default: this one)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    configs, thread_counts = args.configs.split(","), [int(t) for t in args.threads.split(",")]
    samples = {(c, n): [] for c in configs for n in thread_counts}
    torch_header = ""
    pair = 0
    for round_index in range(args.rounds):
        for config in configs:
            for threads in thread_counts:
                entry = {"round": round_index, "load_before": load_average()}

                def swift():
                    medians = swift_medians("TrainingStep", f"^{config} (train|eval) threads={threads}$")
                    entry["swift_train_s"] = medians[f"{config} train threads={threads}"]
                    entry["swift_eval_s"] = medians[f"{config} eval threads={threads}"]
                    if args.adamw:
                        entry["swift_adamw_s"] = swift_medians("Kernels", f"^adamw {config} threads={threads}$")[
                            f"adamw {config} threads={threads}"]

                def torch():
                    nonlocal torch_header
                    train, full, evaluation, torch_header = torch_row(args.python, config, threads, args.steps, args.warmup)
                    entry.update(torch_train_s=train, torch_full_step_s=full, torch_eval_s=evaluation)

                order = [swift, torch] if pair % 2 == 0 else [torch, swift]
                entry["first"] = "swift" if pair % 2 == 0 else "torch"
                for run in order:
                    run()
                pair += 1
                entry["load_after"] = load_average()
                samples[(config, threads)].append(entry)
                print(f"round {round_index} {config} threads={threads}: swift train {entry['swift_train_s']:.3f} s, "
                      f"torch {entry['torch_train_s']:.3f} s; eval {entry['swift_eval_s']:.3f} vs "
                      f"{entry['torch_eval_s']:.3f} s; load {entry['load_before']} → {entry['load_after']}", flush=True)
    write_report(args, configs, thread_counts, samples, torch_header)


def write_report(args, configs, thread_counts, samples, torch_header):
    rows, table = [], []
    for config in configs:
        for threads in thread_counts:
            entries = samples[(config, threads)]
            row = {"config": config, "threads": threads, "rounds": entries}
            for key in ["swift_train_s", "torch_train_s", "swift_eval_s", "torch_eval_s", "torch_full_step_s"]:
                row[key] = median_and_range([e[key] for e in entries])
            row["train_ratio"] = median_and_range([e["swift_train_s"] / e["torch_train_s"] for e in entries])
            row["eval_ratio"] = median_and_range([e["swift_eval_s"] / e["torch_eval_s"] for e in entries])
            if args.adamw:
                row["swift_adamw_s"] = median_and_range([e["swift_adamw_s"] for e in entries])
                row["full_step_ratio"] = median_and_range(
                    [(e["swift_train_s"] + e["swift_adamw_s"]) / e["torch_full_step_s"] for e in entries])
            loads = [e["load_before"][0] for e in entries] + [e["load_after"][0] for e in entries]
            row["load_average_1min"] = {"min": min(loads), "max": max(loads)}
            rows.append(row)

            def cell(key):
                r = row[key]
                return f"{r['median']:.2f} ({r['min']:.2f}–{r['max']:.2f})"

            full = cell("full_step_ratio") if args.adamw else "—"
            table.append(f"| {config} | {threads} | {row['swift_train_s']['median']:.3f} | {row['torch_train_s']['median']:.3f} | "
                         f"**{cell('train_ratio')}** | {row['swift_eval_s']['median']:.3f} | {row['torch_eval_s']['median']:.3f} | "
                         f"**{cell('eval_ratio')}** | {full} | {len(row['rounds'])} | "
                         f"{row['load_average_1min']['min']:.1f}–{row['load_average_1min']['max']:.1f} |")
    now = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    machine = f"{platform.node()}, {os.cpu_count()} CPUs, {cpu_model()}"
    markdown = [
        f"# ftft vs PyTorch, interleaved ({now})",
        "",
        f"Machine: {machine}. PyTorch: {torch_header}. Batch 32, length 128, random token ids, dropout 0.1, 3 labels.",
        f"{args.rounds} rounds; Swift and PyTorch alternate which runs first. Ratio = Swift time / PyTorch time "
        "(below 1: ftft faster), median over rounds (range in parentheses). Train = forward + loss + backward; "
        "full step = that plus AdamW (Swift: TrainingStep + Kernels `adamw`, timed separately and added).",
        "",
        "| config | threads | Swift train (s) | PyTorch train (s) | train ratio | Swift eval (s) | PyTorch eval (s) | eval ratio "
        "| full-step ratio | rounds | load avg (1 min) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *table,
        "",
        f"Command: {' '.join([os.path.relpath(sys.argv[0], ROOT)] + sys.argv[1:])}",
    ]
    with open(os.path.join(args.out, "side_by_side.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(markdown) + "\n")
    with open(os.path.join(args.out, "side_by_side.json"), "w", encoding="utf-8") as f:
        json.dump({"date": now, "machine": machine, "torch": torch_header, "rounds": args.rounds,
                   "steps": args.steps, "warmup": args.warmup, "rows": rows}, f, indent=2)
    print("\n".join(markdown))


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    main()
