"""Independent figures for ftft's data-set readers (Tests/DataTests/SharedDatasetTests.swift).

For every data file in ../shared/datasets (or $FTFT_SHARED/datasets) this script reads the file with Python's
own gzip, csv and json modules, applies the paper's label maps, and records row counts, label distributions
and a few exact rows: the example id, the label, the 1-based line where the record starts, and the SHA-256 of
the UTF-8 text (never the text itself, so no data-set text enters the repository).

Conventions it shares with the Swift readers (documented there; this is a second implementation of them):
- TSV files have a header and no quoting (csv.QUOTE_NONE; fields split on tab), like FTFT's MultiNLI loader.
- CSV files follow RFC 4180 (csv module defaults, strict=True).
- Completely empty lines are skipped (none occur in these files).
- Labels: NLI entailment 0, neutral 1, contradiction 2 (method.md 6.2); HANS entailment 0, non-entailment 1;
  CAD hateful (1) iff the comma-separated labels contain IdentityDirectedAbuse; DynaHate hate 1, nothate 0,
  round "{R}a" -> r{R}_original, "{R}b" -> r{R}_perturbation.

Writes golden/datasets_shared.json and records it in golden/manifest.json.
"""
import csv
import gzip
import hashlib
import io
import json
import os
import random
import sys

from ftft_fixture import GOLDEN_DIR, record_file

SAMPLE_SEED = 20240617
SAMPLES_PER_SET = 4


def shared_root():
    env = os.environ.get("FTFT_SHARED")
    if env:
        return env
    return os.path.join(os.path.dirname(GOLDEN_DIR), "..", "shared")


def sha(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_text(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    assert b"\r" not in raw, f"{path}: carriage returns would need a rule shared with the Swift reader"
    return raw.decode("utf-8")


def tsv_records(path):
    """(line, dict) for each data row of a headered, unquoted TSV."""
    lines = read_text(path).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    header = lines[0].split("\t")
    for number, line in enumerate(lines[1:], start=2):
        if line == "":
            continue
        fields = line.split("\t")
        assert len(fields) == len(header), f"{path}:{number}: {len(fields)} fields"
        yield number, dict(zip(header, fields))


def csv_records(path):
    """(start line, dict) for each data row of an RFC 4180 CSV; records may span lines."""
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header = None
    start = 1
    for fields in reader:
        if header is None:
            header = fields
        elif fields:
            assert len(fields) == len(header)
            yield start, dict(zip(header, fields))
        start = reader.line_num + 1


def jsonl_records(path):
    for number, line in enumerate(read_text(path).split("\n"), start=1):
        if line.strip() == "":
            continue
        yield number, json.loads(line)


def summarize(name, label_names, examples):
    """examples: list of (id, label, line, text, pair or None) in file order."""
    counts = [0] * len(label_names)
    for _, label, _, _, _ in examples:
        counts[label] += 1
    ids = [e[0] for e in examples]
    assert len(set(ids)) == len(ids), f"{name}: duplicate ids"
    n = len(examples)
    rng = random.Random(f"{SAMPLE_SEED}:{name}")
    picks = sorted({0, n - 1} | set(rng.sample(range(n), min(SAMPLES_PER_SET, n))))
    samples = []
    for i in picks:
        uid, label, line, text, pair = examples[i]
        samples.append({
            "index": i, "id": uid, "label": label, "line": line,
            "text_sha256": sha(text), "pair_sha256": None if pair is None else sha(pair),
        })
    return {
        "rows": n,
        "label_names": label_names,
        "label_counts": counts,
        "text_utf8_bytes": sum(len(e[3].encode("utf-8")) for e in examples),
        "pair_utf8_bytes": sum(len(e[4].encode("utf-8")) for e in examples if e[4] is not None),
        "samples": samples,
    }


NLI = ["entailment", "neutral", "contradiction"]


def mnli_bert100(path):
    examples, correct = [], 0
    for line, r in tsv_records(path):
        examples.append((r["index"], NLI.index(r["gold_label"]), line, r["premise"], r["hypothesis"]))
        correct += int(r["number of correct responses (out of 100)"])
    summary = summarize("mnli", NLI, examples)
    summary["bert_correct_total"] = correct
    return summary


def anli(path, name):
    letters = ["e", "n", "c"]
    examples = [(r["uid"], letters.index(r["label"]), line, r["context"], r["hypothesis"])
                for line, r in jsonl_records(path)]
    return summarize(name, NLI, examples)


def hans(path):
    names = ["entailment", "non-entailment"]
    examples, heuristics = [], {}
    for line, r in tsv_records(path):
        examples.append((r["pairID"], names.index(r["gold_label"]), line, r["sentence1"], r["sentence2"]))
        heuristics[r["heuristic"]] = heuristics.get(r["heuristic"], 0) + 1
    summary = summarize("hans", names, examples)
    summary["heuristic_counts"] = heuristics
    return summary


CAD_CATEGORIES = {"Neutral", "IdentityDirectedAbuse", "AffiliationDirectedAbuse", "PersonDirectedAbuse",
                  "CounterSpeech", "Slur"}


def cad(path, name):
    examples = []
    for line, r in tsv_records(path):
        labels = r["labels"].split(",")
        assert set(labels) <= CAD_CATEGORIES, labels
        examples.append((r["id"], 1 if "IdentityDirectedAbuse" in labels else 0, line, r["text"], None))
    return summarize(name, ["not-hateful", "hateful"], examples)


def dynahate(path, split):
    rows = list(csv_records(path))
    out = {}
    whole = [(r["acl.id"], {"nothate": 0, "hate": 1}[r["label"]], line, r["text"], None) for line, r in rows]
    out["file"] = summarize(f"dynahate_{split}", ["not-hateful", "hateful"], whole)
    for rnd in (2, 3, 4):
        for suffix, level in (("a", "original"), ("b", "perturbation")):
            name = f"dynahate_r{rnd}_{level}"
            subset = [(r["acl.id"], {"nothate": 0, "hate": 1}[r["label"]], line, r["text"], None)
                      for line, r in rows if r["round"] == f"{rnd}{suffix}"]
            out[name] = summarize(f"{name}_{split}", ["not-hateful", "hateful"], subset)
    return out


def main():
    root = os.path.join(shared_root(), "datasets")
    if not os.path.isdir(root):
        sys.exit(f"{root} is absent: cannot generate the data-set figures")
    p = lambda rel: os.path.join(root, rel)
    files = {"mnli/dev_matched_bert100.tsv.gz": mnli_bert100(p("mnli/dev_matched_bert100.tsv.gz")),
             "hans/hans_like_seed0.tsv.gz": hans(p("hans/hans_like_seed0.tsv.gz"))}
    for r in (1, 2, 3):
        for split in ("dev", "test"):
            rel = f"anli/R{r}/{split}.jsonl.gz"
            files[rel] = anli(p(rel), f"anli_r{r}_{split}")
    for split in ("train", "dev", "test"):
        rel = f"cad/cad_v1_1_{split}.tsv.gz"
        files[rel] = cad(p(rel), f"cad_{split}")
    for split in ("dev", "test"):
        rel = f"dynahate/dynahate_subset_{split}.csv.gz"
        files[rel] = dynahate(p(rel), split)
    name = "datasets_shared.json"
    with open(os.path.join(GOLDEN_DIR, name), "w") as f:
        json.dump({"generator": "golden/generate_datasets.py", "sample_seed": SAMPLE_SEED, "files": files},
                  f, indent=1, sort_keys=True)
        f.write("\n")
    record_file(name, "golden/generate_datasets.py", {"shared_root": "../shared (or $FTFT_SHARED)"}, SAMPLE_SEED)


if __name__ == "__main__":
    main()
