"""ftft against Hugging Face `Trainer` on PyTorch's CPU path: the same ERM fine-tuning end to end, interleaved.

What a user would run to decide between the two (issue 12): MiniLM-L6 (or any BERT directory) fine-tuned on the
hate-speech task at CPU scale — the CAD training posts, CAD dev as in-distribution validation, DynaHate rounds 2-4
(original, perturbed) dev for the early-stopping criterion and test for reporting — one seed, both sides with
length-grouped training batches, both evaluating the same 13 sets at the same checkpoints and writing a checkpoint
there (ftft's checkpoints hold the AdamW moments; so do Trainer's). Also today's ftft (a binary built from another
commit, with FTFT's random batches and evaluation loop) when --ftft-baseline is given, and the new ftft under its
default evaluation policy (`reported`) as what a ftft user gets by default.

The data are sampled here (numpy, seeded, stratified by label), written as JSON lines and given to both sides (ftft
reads them as a `files` task), so both see the same examples. Each system runs in its own process; the order of the
systems rotates from one round to the next, so all see the same machine load. Reported per system: end-to-end wall
time (process start to exit) and its split (training, evaluation, data preparation, checkpointing, the rest: ftft's
from its ledger, Trainer's from timers around `train`, `evaluate` and `_save_checkpoint`), padded/real tokens, and
the reported cells (last checkpoint: in-distribution macro-F1 and the mean of the six DynaHate test sets). A ratio is
ftft / Trainer per round; the table gives medians over rounds with the range and the load averages seen. Nothing is
pasted: everything in the output was measured by this run.

Usage (from the package root; torch, transformers and accelerate from Benchmarks/pytorch/requirements.txt):
  $FTFT_TORCH_PYTHON Benchmarks/pytorch/trainer_side_by_side.py --ftft .build/release/ftft \\
      --model ../shared/models/minilm-l6-h384 --out results/trainer-side-by-side \\
      [--ftft-baseline <today's ftft binary>] [--train-limit 1920] [--max-steps 180] [--eval-interval 20] \\
      [--eval-limit 200] [--max-length 128] [--learning-rate 5e-5] [--seed 0] [--threads 2] [--rounds 2]
Writes <out>/trainer_side_by_side.md and .json.
"""
import argparse
import csv
import gzip
import io
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SETS = [(r, level) for r in (2, 3, 4) for level in ("original", "perturbation")]


def load_average():
    return [round(x, 2) for x in os.getloadavg()]


# ---------------------------------------------------------------------------------------------------------- data

def read_cad(path):
    """CAD v1.1 TSV: hateful (1) iff the labels contain IdentityDirectedAbuse (the paper's framing)."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["id"], row["text"], int("IdentityDirectedAbuse" in row["labels"].split(","))) for row in reader]


def read_dynahate(path, round_number, level):
    code = f"{round_number}{'a' if level == 'original' else 'b'}"
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        return [(row["acl.id"], row["text"], int(row["label"] == "hate")) for row in csv.DictReader(f) if row["round"] == code]


def stratified(rows, n, rng):
    """At most n rows, each label in proportion (largest remainders), kept in file order."""
    if n is None or n >= len(rows):
        return rows
    labels = np.array([r[2] for r in rows])
    classes, counts = np.unique(labels, return_counts=True)
    exact = counts * n / len(rows)
    take = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - take), kind="stable")[: n - take.sum()]:
        take[i] += 1
    keep = set()
    for c, k in zip(classes, take):
        members = np.flatnonzero(labels == c)
        keep.update(rng.choice(members, size=k, replace=False).tolist())
    return [r for i, r in enumerate(rows) if i in keep]


def prepare_data(args, folder):
    """Writes the sampled sets as JSON lines; returns {name: path} in ftft's order (validation, dev…, test…)."""
    rng = np.random.RandomState(args.seed)
    root = args.data_root
    sets = {"train": stratified(read_cad(f"{root}/cad/cad_v1_1_train.tsv.gz"), args.train_limit, rng),
            "cad": stratified(read_cad(f"{root}/cad/cad_v1_1_dev.tsv.gz"), args.eval_limit, rng)}
    for split in ("dev", "test"):
        for r, level in SETS:
            rows = read_dynahate(f"{root}/dynahate/dynahate_subset_{split}.csv.gz", r, level)
            sets[f"{split}_dynahate_r{r}_{level}"] = stratified(rows, args.eval_limit, rng)
    os.makedirs(folder, exist_ok=True)
    paths = {}
    for name, rows in sets.items():
        paths[name] = os.path.join(folder, f"{name}.jsonl")
        with open(paths[name], "w", encoding="utf-8") as f:
            for id_, text, label in rows:
                f.write(json.dumps({"id": id_, "text": text, "label": ["nothate", "hate"][label]}) + "\n")
    return paths


# ---------------------------------------------------------------------------------------------------------- ftft

def ftft_yaml(args, paths, name, new_keys):
    def entry(set_name, key):
        return f'{{name: {set_name}, path: "{paths[key]}", text: text, label: label, id: id}}'
    dev = ", ".join(entry(f"dynahate_r{r}_{l}", f"dev_dynahate_r{r}_{l}") for r, l in SETS)
    test = ", ".join(entry(f"dynahate_r{r}_{l}", f"test_dynahate_r{r}_{l}") for r, l in SETS)
    training = (f"max_steps: {args.max_steps}, batch_size: 32, warmup_rate: 0.1, eval_interval: {args.eval_interval}, "
                "adam_eps: 1e-6, weight_decay: 0, max_grad_norm: 1.0")
    if new_keys:
        training += ", " + new_keys
    return f"""experiment: {name}
task:
  name: files
  max_length: {args.max_length}
  labels: [nothate, hate]
  metric: macro_f1
  train: {entry("train", "train")}
  validation: {entry("cad", "cad")}
  ood_dev: [{dev}]
  ood_test: [{test}]
seeds: [{args.seed}]
threads: {args.threads}
models:
  main: {{pretrained: "{os.path.abspath(args.model)}", learning_rate: {args.learning_rate}}}
training: {{{training}}}
methods:
  - {{label: ERM, method: erm, model: main}}
"""


def run_ftft(binary, yaml_text, folder, name):
    os.makedirs(folder, exist_ok=True)
    spec = os.path.join(folder, f"{name}.yaml")
    with open(spec, "w", encoding="utf-8") as f:
        f.write(yaml_text)
    start = time.monotonic()
    run = subprocess.run([binary, "run", spec, "--output", folder], capture_output=True, text=True)
    wall = time.monotonic() - start
    if run.returncode != 0:
        sys.stderr.write(run.stdout[-3000:] + run.stderr[-3000:])
        raise SystemExit(f"trainer_side_by_side: {binary} run {spec} exited with {run.returncode}")
    db = sqlite3.connect(os.path.join(folder, name, "ftft.sqlite"))
    columns = [r[1] for r in db.execute("PRAGMA table_info(compute_entry)")]
    row = dict(zip(columns, db.execute("SELECT * FROM compute_entry WHERE phase = 'train'").fetchone()))
    evaluations = db.execute("SELECT step, dataset, split, exact_value FROM evaluation").fetchall()
    db.close()
    split = {"training": row["training_wall_seconds"], "evaluation": row["evaluation_wall_seconds"],
             "data preparation": row.get("data_preparation_wall_seconds"), "checkpointing": row.get("checkpoint_wall_seconds"),
             "store writes": row.get("store_write_wall_seconds")}
    return dict(wall=wall, split=split, train_padded=row["tokens_with_padding"], train_real=row["tokens_without_padding"],
                eval_padded=row.get("evaluation_tokens_with_padding"), eval_real=row.get("evaluation_tokens_without_padding"),
                training_flops=row["counted_training_flops"], evaluation_flops=row["counted_evaluation_flops"],
                reported=reported_cells([(s, d, sp, v) for s, d, sp, v in evaluations]))


def reported_cells(evaluations):
    """The last checkpoint's in-distribution macro-F1 and the mean of the six DynaHate test sets."""
    last = max(step for step, _, _, _ in evaluations)
    at = {(d, sp): v for s, d, sp, v in evaluations if s == last}
    tests = [at[(f"dynahate_r{r}_{l}", "test")] for r, l in SETS]
    return dict(step=last, validation=at[("cad", "dev")], ood_test_mean=sum(tests) / len(tests))


# ---------------------------------------------------------------------------------------------------------- Trainer

def hf_worker(args):
    """One Trainer run in this process; prints one JSON line with its measurements."""
    process_start = time.monotonic()
    import torch
    from transformers import (AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding, Trainer,
                              TrainingArguments)
    torch.set_num_threads(args.threads)
    paths = json.loads(args.paths)
    prep_start = time.monotonic()
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForSequenceClassification.from_pretrained(args.model, num_labels=2)

    def load(key):
        with open(paths[key], encoding="utf-8") as f:
            rows = [json.loads(line) for line in f]
        encoded = tokenizer([r["text"] for r in rows], truncation=True, max_length=args.max_length)
        return [dict(input_ids=encoded["input_ids"][i], token_type_ids=encoded["token_type_ids"][i],
                     attention_mask=encoded["attention_mask"][i], labels=int(r["label"] == "hate")) for i, r in enumerate(rows)]

    train = load("train")
    evaluation = {"cad": load("cad")}
    for split in ("dev", "test"):
        for r, l in SETS:
            evaluation[f"{split}_dynahate_r{r}_{l}"] = load(f"{split}_dynahate_r{r}_{l}")
    preparation = time.monotonic() - prep_start

    tally = dict(train_padded=0, train_real=0, eval_padded=0, eval_real=0, evaluating=False)
    pad = DataCollatorWithPadding(tokenizer)

    def collate(features):
        batch = pad(features)
        B, T = batch["input_ids"].shape
        prefix = "eval" if tally["evaluating"] else "train"
        tally[prefix + "_padded"] += B * T
        tally[prefix + "_real"] += int(batch["attention_mask"].sum())
        return batch

    def macro_f1(prediction):
        predicted, gold = prediction.predictions.argmax(-1), prediction.label_ids
        scores = []
        for c in (0, 1):
            tp = np.sum((predicted == c) & (gold == c))
            fp, fn = np.sum((predicted == c) & (gold != c)), np.sum((predicted != c) & (gold == c))
            scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
        return {"macro_f1": float(np.mean(scores))}

    seconds = dict(evaluation=0.0, checkpointing=0.0)

    class TimedTrainer(Trainer):
        depth = 0

        def evaluate(self, *a, **k):
            TimedTrainer.depth += 1
            start, tally["evaluating"] = time.monotonic(), True
            try:
                return super().evaluate(*a, **k)
            finally:
                TimedTrainer.depth -= 1
                if TimedTrainer.depth == 0:
                    seconds["evaluation"] += time.monotonic() - start
                    tally["evaluating"] = False

        def _save_checkpoint(self, *a, **k):
            start = time.monotonic()
            try:
                return super()._save_checkpoint(*a, **k)
            finally:
                seconds["checkpointing"] += time.monotonic() - start

    training_args = TrainingArguments(
        output_dir=args.hf_output, per_device_train_batch_size=32, per_device_eval_batch_size=64, max_steps=args.max_steps,
        learning_rate=args.learning_rate, warmup_steps=round(0.1 * args.max_steps), weight_decay=0.0, adam_epsilon=1e-6,
        max_grad_norm=1.0, lr_scheduler_type="linear", eval_strategy="steps", eval_steps=args.eval_interval,
        save_strategy="steps", save_steps=args.eval_interval, logging_strategy="no", report_to="none", use_cpu=True,
        seed=args.seed, dataloader_num_workers=0, train_sampling_strategy="group_by_length", disable_tqdm=True)
    trainer = TimedTrainer(model=model, args=training_args, train_dataset=train, eval_dataset=evaluation,
                           data_collator=collate, compute_metrics=macro_f1, processing_class=tokenizer)
    train_start = time.monotonic()
    trainer.train()
    train_total = time.monotonic() - train_start
    last = {}
    for record in trainer.state.log_history:
        if record.get("step") == args.max_steps:
            last.update(record)
    tests = [last[f"eval_test_dynahate_r{r}_{l}_macro_f1"] for r, l in SETS]
    split = {"training": train_total - seconds["evaluation"] - seconds["checkpointing"], "evaluation": seconds["evaluation"],
             "data preparation": preparation, "checkpointing": seconds["checkpointing"], "store writes": 0.0}
    print(json.dumps(dict(split=split, process_seconds=time.monotonic() - process_start,
                          train_padded=tally["train_padded"], train_real=tally["train_real"],
                          eval_padded=tally["eval_padded"], eval_real=tally["eval_real"],
                          reported=dict(step=args.max_steps, validation=last["eval_cad_macro_f1"],
                                        ood_test_mean=sum(tests) / len(tests)),
                          versions=dict(torch=torch.__version__, transformers=__import__("transformers").__version__))))


def run_hf(args, paths, folder):
    os.makedirs(folder, exist_ok=True)
    command = [sys.executable, os.path.abspath(__file__), "--hf-worker", "--paths", json.dumps(paths), "--hf-output", folder,
               "--model", args.model, "--max-steps", str(args.max_steps), "--eval-interval", str(args.eval_interval),
               "--max-length", str(args.max_length), "--learning-rate", str(args.learning_rate), "--seed", str(args.seed),
               "--threads", str(args.threads)]
    start = time.monotonic()
    run = subprocess.run(command, capture_output=True, text=True)
    wall = time.monotonic() - start
    if run.returncode != 0:
        sys.stderr.write(run.stdout[-3000:] + run.stderr[-3000:])
        raise SystemExit(f"trainer_side_by_side: the Trainer worker exited with {run.returncode}")
    result = json.loads(run.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


# ---------------------------------------------------------------------------------------------------------- report

PARTS = ["training", "evaluation", "data preparation", "checkpointing", "store writes"]


def summary(results, systems, rounds):
    def med(values):
        values = [v for v in values if v is not None]
        return (statistics.median(values), min(values), max(values)) if values else None

    def fmt(m, digits=1):
        return "–" if m is None else f"{m[0]:.{digits}f} ({m[1]:.{digits}f}–{m[2]:.{digits}f})"

    lines = ["| system | wall s | " + " | ".join(f"{p} s" for p in PARTS) + " | other s | train padded/real | eval padded/real | ID macro-F1 | OOD test mean |",
             "|" + "---|" * (11 + 0) + "---|"]
    for s in systems:
        rs = [r[s] for r in results]
        cells = [s, fmt(med([r["wall"] for r in rs]))]
        cells += [fmt(med([r["split"].get(p) for r in rs])) for p in PARTS]
        cells.append(fmt(med([r["wall"] - sum(v or 0 for v in r["split"].values()) for r in rs])))
        cells.append(fmt(med([r["train_padded"] / r["train_real"] for r in rs]), 2))
        cells.append(fmt(med([r["eval_padded"] / r["eval_real"] if r.get("eval_padded") else None for r in rs]), 2))
        cells.append(f"{100 * rs[0]['reported']['validation']:.2f}")
        cells.append(f"{100 * rs[0]['reported']['ood_test_mean']:.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    ratios = []
    for s in systems:
        if s == "Trainer":
            continue
        for key, what in (("wall", "end-to-end wall time"), ("training", "training"), ("evaluation", "evaluation")):
            values = [(r[s]["wall"] / r["Trainer"]["wall"]) if key == "wall" else (r[s]["split"][key] / r["Trainer"]["split"][key])
                      for r in results]
            ratios.append(f"- {s} / Trainer, {what}: median {statistics.median(values):.2f} (range {min(values):.2f}–{max(values):.2f}, {len(values)} rounds)")
    return "\n".join(lines) + "\n\n" + "\n".join(ratios) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ftft", help="the ftft binary to measure (release build)")
    p.add_argument("--ftft-baseline", help="today's ftft binary (another commit), run with FTFT's random batches and loop")
    p.add_argument("--model", required=True)
    p.add_argument("--data-root", default=os.environ.get("FTFT_DATA", os.path.join(HERE, "..", "..", "..", "shared", "datasets")))
    p.add_argument("--out", default="results/trainer-side-by-side")
    p.add_argument("--train-limit", type=int, default=1920)
    p.add_argument("--eval-limit", type=int, default=200)
    p.add_argument("--max-steps", type=int, default=180)
    p.add_argument("--eval-interval", type=int, default=20)
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--learning-rate", type=float, default=5e-5)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--hf-worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--paths", help=argparse.SUPPRESS)
    p.add_argument("--hf-output", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.hf_worker:
        return hf_worker(args)
    if not args.ftft:
        p.error("--ftft is required")
    if args.max_steps % args.eval_interval:
        p.error("--max-steps must be a multiple of --eval-interval (both sides then evaluate at the same steps)")
    out = os.path.abspath(args.out)
    paths = prepare_data(args, os.path.join(out, "data"))
    new_keys = "batching: length_grouped, evaluation: every_checkpoint"
    systems = {"ftft (grouped, every checkpoint)": lambda folder: run_ftft(args.ftft, ftft_yaml(args, paths, "ftft", new_keys), folder, "ftft"),
               "ftft (grouped, reported)": lambda folder: run_ftft(
                   args.ftft, ftft_yaml(args, paths, "ftft", "batching: length_grouped, evaluation: reported"), folder, "ftft"),
               "Trainer": lambda folder: run_hf(args, paths, folder)}
    if args.ftft_baseline:
        systems["ftft today"] = lambda folder: run_ftft(args.ftft_baseline, ftft_yaml(args, paths, "ftft", ""), folder, "ftft")
    names = list(systems)
    results, loads = [], []
    for r in range(args.rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        round_results = {}
        for name in order:
            loads.append(load_average())
            folder = os.path.join(out, f"round{r}", name.replace(" ", "_").replace("(", "").replace(")", "").replace(",", ""))
            round_results[name] = systems[name](folder)
            print(f"round {r}: {name}: {round_results[name]['wall']:.1f} s", file=sys.stderr)
        results.append(round_results)
    loads.append(load_average())
    header = (f"ftft vs Hugging Face Trainer, {args.rounds} interleaved round(s); {platform.platform()}; threads {args.threads}; "
              f"HSD (CAD {args.train_limit} train, {args.eval_limit} per evaluation set), {os.path.basename(os.path.normpath(args.model))}, "
              f"{args.max_steps} steps of 32, evaluation and checkpoint every {args.eval_interval}, max length {args.max_length}, "
              f"seed {args.seed}; load averages seen (1, 5, 15 min): {loads}\n\n")
    text = header + summary(results, names, args.rounds)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "trainer_side_by_side.md"), "w", encoding="utf-8") as f:
        f.write(text)
    with open(os.path.join(out, "trainer_side_by_side.json"), "w", encoding="utf-8") as f:
        json.dump(dict(arguments=vars(args), loads=loads, results=results), f, indent=1)
    print(text)


if __name__ == "__main__":
    main()
