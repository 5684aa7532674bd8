"""Expected values for the upstream interoperability tests, computed from allenai/cartography's own sample files
(which ftft never commits; extract them with golden/cartography/fetch-upstream.sh).

Usage: $FTFT_GOLDEN_VENV/bin/python golden/cartography/upstream_expected.py <dest>  (a venv from golden/requirements.txt)
Writes golden/cartography/upstream_expected.json (derived figures only: hashes, counts, sums, per-record
statistics; floats as decimal strings) and records it in golden/manifest.json. method.md §9.2-9.3 lists the checks; every number here is
recomputed from the files, none is copied from there.

Conventions as in generate_cartography.py: cartography's statistics (float32 torch softmax per record, np.mean,
np.std), its selection (sort, int(0.3319 N) + 1 rows; ties by file order), FTFT's rule on the float32-cast
column with torch 2.0.1's quantile (`torch201_quantile`).
"""
import hashlib
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from ftft_fixture import record_file  # noqa: E402
from generate_cartography import forgetfulness, torch201_quantile  # noqa: E402

OUTPUT = "cartography/upstream_expected.json"
WINOGRANDE = "winogrande_roberta_0_6_data_map_coordinates.jsonl"


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def p_gold(logits, gold):
    return float(torch.nn.functional.softmax(torch.Tensor(logits), dim=-1)[gold])


def dynamics_checks(folder):
    files = [os.path.join(folder, "training_dynamics", f"dynamics_epoch_{e}.jsonl") for e in range(5)]
    epochs = [[json.loads(line) for line in open(path)] for path in files]
    records = []
    for e, rows in enumerate(epochs):
        for line, r in enumerate(rows, start=1):
            logits = r[f"logits_epoch_{e}"]
            records.append({"epoch": e, "line": line, "guid": r["guid"], "gold": r["gold"], "classes": len(logits),
                            "p_gold": p_gold(logits, r["gold"]), "argmax": int(np.argmax(logits)),
                            "correct": bool(np.argmax(logits) == r["gold"])})
    # cartography's reader (selection_utils.read_training_dynamics): a guid first seen after epoch 0 asserts.
    seen, failure = set(), None
    for e, rows in enumerate(epochs):
        for line, r in enumerate(rows, start=1):
            if r["guid"] not in seen:
                if e != 0:
                    failure = {"epoch": e, "line": line, "guid": r["guid"]}
                    break
                seen.add(r["guid"])
        if failure:
            break
    encoding = sum(r["gold"] == {0: 0, 1: 2, 2: 1}[r["guid"] % 10] for rows in epochs for r in rows)
    # The artificial by-line merge of method.md §9.2 (5): line i of every file is instance i; guid and gold from
    # epoch 0.
    by_line = []
    for i in range(len(epochs[0])):
        gold = epochs[0][i]["gold"]
        logits = [epochs[e][i][f"logits_epoch_{e}"] for e in range(5)]
        probs = [p_gold(l, gold) for l in logits]
        correct = [bool(np.argmax(l) == gold) for l in logits]
        by_line.append({"guid": epochs[0][i]["guid"], "gold": gold, "p_gold": probs, "confidence": float(np.mean(probs)),
                        "variability_ddof0": float(np.std(probs)), "variability_ddof1": float(np.std(probs, ddof=1)),
                        "correctness": sum(correct), "forgetfulness": forgetfulness(correct)})
    return {"sha256": {f"training_dynamics/dynamics_epoch_{e}.jsonl": sha256(p) for e, p in enumerate(files)},
            "records": records, "merge_failure": failure, "guid_encoding_holds": encoding,
            "record_count": len(records), "by_line_merge": by_line}


def cartography_head(scores, ascending, fraction):
    n = int(fraction * len(scores)) + 1
    order = sorted(range(len(scores)), key=lambda i: ((scores[i] if ascending else -scores[i]), i))
    return order[:n]


def winogrande_checks(folder):
    path = os.path.join(folder, WINOGRANDE)
    rows = [json.loads(line) for line in open(path)]
    n = len(rows)
    guid = np.array([r["guid"] for r in rows], np.int64)
    conf = np.array([r["confidence"] for r in rows], np.float64)
    var = np.array([r["variability"] for r in rows], np.float64)
    corr = np.array([r["correctness"] for r in rows], np.int64)
    out = {"sha256": sha256(path), "lines": n, "index_is_file_order": all(r["index"] == i for i, r in enumerate(rows)),
           "guid_unique": len(set(guid.tolist())) == n, "guid_min": int(guid.min()), "guid_max": int(guid.max()),
           "guid_sorted": bool(np.all(np.diff(guid) > 0)),
           "correctness_counts": np.bincount(corr).tolist(), "mean_confidence": float(conf.mean()),
           "mean_variability": float(var.mean()), "mean_correctness": float(corr.mean()),
           "variability_ties": int(n - len(np.unique(var))), "confidence_ties": int(n - len(np.unique(conf))),
           "bhatia_davis_violations": int(np.sum(var ** 2 > conf * (1 - conf))),
           "all_correct_but_low_confidence": int(np.sum((corr == corr.max()) & (conf <= 0.5))),
           "never_correct_but_high_confidence": int(np.sum((corr == 0) & (conf >= 0.5))),
           "hue_categories": sorted({f"{c / corr.max():.1f}" for c in corr.tolist()})}
    selections = {}
    for name, scores, ascending in (("ambiguous", var, False), ("hard", conf, True)):
        chosen = cartography_head(scores, ascending, 0.3319)
        order = sorted(range(n), key=lambda i: ((scores[i] if ascending else -scores[i]), i))
        selections[f"cartography_{name}"] = {"count": len(chosen), "guid_sum": int(guid[chosen].sum()),
                                             "last": float(scores[chosen[-1]]), "next": float(scores[order[len(chosen)]]),
                                             "indices": sorted(chosen)}
        ftft_scores = var.astype(np.float32) if name == "ambiguous" else -conf.astype(np.float32)
        threshold = torch201_quantile(ftft_scores, 0.33)
        chosen = np.flatnonzero(ftft_scores > threshold).tolist()
        float64_threshold = np.quantile(ftft_scores.astype(np.float64), 1 - 0.33)
        selections[f"ftft_{name}"] = {"count": len(chosen), "guid_sum": int(guid[chosen].sum()),
                                      "threshold": float(threshold), "indices": chosen,
                                      "float64_quantile_count": int(np.sum(ftft_scores > float64_threshold))}
    for rule in ("cartography", "ftft"):
        a, h = set(selections[f"{rule}_ambiguous"]["indices"]), set(selections[f"{rule}_hard"]["indices"])
        selections[f"{rule}_overlap"] = len(a & h)
        selections[f"{rule}_easy"] = n - len(a | h)
    for key in list(selections):
        if isinstance(selections[key], dict):
            selections[key].pop("indices")
    out["selections"] = selections
    return out


def floats_as_text(value):
    """Floats as their shortest round-trip decimal strings: the reader parses them with a correctly rounded
    parser (swift-corelibs-foundation's JSONSerialization is off by an ulp on some doubles)."""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {k: floats_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [floats_as_text(v) for v in value]
    return value


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: upstream_expected.py <folder from golden/cartography/fetch-upstream.sh>")
    folder = sys.argv[1]
    result = {"source": "github.com/allenai/cartography HEAD 3df3438 (sample/training_dynamics, data/data_map_coordinates)",
              "dynamics": dynamics_checks(folder), "winogrande": winogrande_checks(folder)}
    path = os.path.join(HERE, "upstream_expected.json")
    with open(path, "w") as f:
        json.dump(floats_as_text(result), f, indent=1, sort_keys=True)
        f.write("\n")
    record_file(OUTPUT, "cartography/upstream_expected.py", args={"folder": "<fetch-upstream.sh dest>"})


if __name__ == "__main__":
    main()
