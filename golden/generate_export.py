"""Golden fixture for ftft's Hugging Face export: an own CSV trained with `ftft train`, exported with
`--save-model`, loaded by transformers' `from_pretrained` — which must give the logits `ftft predict` gives on it.

Writes (all small and synthetic; nothing from a real data set):
  golden/export/train.csv, golden/export/ood.csv   labelled CSV (id, text, label ∈ {neg, pos}); quoted fields with commas
  golden/export/predict.csv                        unlabelled CSV (id, text): the data to predict on
  golden/export/vocab.txt                          a tiny uncased WordPiece vocabulary (with ## pieces)
  golden/export/model/                             what `ftft train … --save-model` wrote (config.json, model.safetensors,
                                                   vocab.txt, tokenizer_config.json), from the ftft binary
  golden/export_logits.ftg                         transformers' logits and probabilities on predict.csv (eval mode,
                                                   one example at a time, max_length 32)
and checks, before writing the fixture, that `ftft predict` on the exported folder gives the same logits (atol 1e-5,
rtol 1e-5) and that AutoTokenizer and BertTokenizer give ftft's ids. The ftft binary is $FTFT_BINARY, else
.build/release/ftft, else .build/debug/ftft. Tests never run this script: Tests/WorkflowTests/ExportTests.swift
reads the committed files (and re-trains with the same command to check the export is what ftft writes).
"""
import csv
import json
import os
import random
import subprocess
import sys
import tempfile

import numpy as np
import torch
from transformers import AutoTokenizer, BertForSequenceClassification, BertTokenizer

from ftft_fixture import GOLDEN_DIR, record_file, write_fixture

SEED = 0
MAX_LENGTH = 32
GENERATOR = "golden/generate_export.py"
# The command the Swift test repeats (paths relative to golden/); `--save-model` and `--output` are added.
TRAIN_ARGS = ["train", "--train-file", "export/train.csv", "--text-field", "text", "--label-field", "label",
              "--id-field", "id", "--ood-dev-file", "export/ood.csv", "--scratch", "1,32,4,64",
              "--tokenizer", "export/vocab.txt", "--learning-rate", "3e-3", "--max-steps", "30", "--eval-interval", "10",
              "--batch-size", "16", "--max-length", str(MAX_LENGTH), "--patience", "2", "--seeds", "0", "--threads", "1",
              "--quiet"]

POSITIVE = ["good", "great", "nice", "fine", "happy", "love"]
NEGATIVE = ["bad", "poor", "sad", "awful", "hate", "dull"]
NEUTRAL = ["the", "a", "film", "book", "show", "it", "was", "is", "and", "very", "quite", "play", "read", "watch"]
PIECES = ["##s", "##ing", "##ed", "##ly"]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def sentence(rng):
    """A sentence and its label: pos when it has more positive than negative words (ties broken towards neg)."""
    words, score = [], 0
    for _ in range(rng.randint(4, 10)):
        kind = rng.random()
        if kind < 0.25:
            words.append(rng.choice(POSITIVE)); score += 1
        elif kind < 0.5:
            words.append(rng.choice(NEGATIVE)); score -= 1
        else:
            word = rng.choice(NEUTRAL)
            if rng.random() < 0.2:
                word += rng.choice(["s", "ing", "ed", "ly"])       # word pieces
            words.append(word)
    if rng.random() < 0.2:
        words.insert(rng.randrange(len(words)), rng.choice(["zebra", "Quantum", "éclair"]))   # [UNK] and accents
    if rng.random() < 0.3:
        words[0] = words[0].capitalize()                                                     # uncased
    text = " ".join(words)
    if rng.random() < 0.2:
        text = text.replace(" ", ", ", 1)                                                    # a quoted CSV field
    return text, "pos" if score > 0 else "neg"


def write_csv(path, rows, labelled):
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text", "label"] if labelled else ["id", "text"])
        writer.writerows(rows)


def ftft_binary():
    root = os.path.dirname(GOLDEN_DIR)
    for candidate in [os.environ.get("FTFT_BINARY"), os.path.join(root, ".build/release/ftft"),
                      os.path.join(root, ".build/debug/ftft")]:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    sys.exit("generate_export.py: build ftft first (swift build) or set FTFT_BINARY")


def main():
    rng = random.Random(SEED)
    folder = os.path.join(GOLDEN_DIR, "export")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write("\n".join(SPECIALS + POSITIVE + NEGATIVE + NEUTRAL + PIECES + [","]) + "\n")
    write_csv(os.path.join(folder, "train.csv"), [[f"t{i}", *sentence(rng)] for i in range(192)], True)
    write_csv(os.path.join(folder, "ood.csv"), [[f"o{i}", *sentence(rng)] for i in range(48)], True)
    predict_rows = [[f"p{i}", sentence(rng)[0]] for i in range(30)]
    write_csv(os.path.join(folder, "predict.csv"), predict_rows, False)

    ftft = ftft_binary()
    model_dir = os.path.join(folder, "model")
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run([ftft, *TRAIN_ARGS, "--output", os.path.join(scratch, "runs"), "--save-model", model_dir],
                       cwd=GOLDEN_DIR, check=True, stdout=subprocess.DEVNULL)
        predictions = os.path.join(scratch, "predictions.jsonl")
        subprocess.run([ftft, "predict", "--model", model_dir, "--data", os.path.join(folder, "predict.csv"),
                        "--text-field", "text", "--id-field", "id", "--max-length", str(MAX_LENGTH), "--threads", "1",
                        "--output", predictions], cwd=GOLDEN_DIR, check=True)
        with open(predictions) as f:
            ftft_lines = [json.loads(line) for line in f]

    # transformers, as a user loads the folder.
    model = BertForSequenceClassification.from_pretrained(model_dir)
    model.eval()
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    slow = BertTokenizer.from_pretrained(model_dir)
    labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
    assert labels == ["neg", "pos"], labels
    logits = []
    with torch.no_grad():
        for _, text in predict_rows:
            encoding = tokenizer(text, truncation=True, max_length=MAX_LENGTH, return_tensors="pt")
            assert encoding["input_ids"][0].tolist() == slow(text, truncation=True, max_length=MAX_LENGTH)["input_ids"], text
            logits.append(model(**encoding).logits[0].float().numpy())
    logits = np.stack(logits).astype(np.float32)
    probabilities = torch.softmax(torch.from_numpy(logits), dim=-1).numpy().astype(np.float32)

    # The check this fixture exists for: ftft predict on the exported folder gives transformers' logits.
    ours = np.array([line["logits"] for line in ftft_lines], dtype=np.float32)
    assert [line["id"] for line in ftft_lines] == [row[0] for row in predict_rows]
    assert all(line["label"] == labels[int(np.argmax(row))] for line, row in zip(ftft_lines, logits))
    worst = np.max(np.abs(ours - logits) - (1e-5 + 1e-5 * np.abs(logits)))
    assert worst <= 0, f"ftft predict differs from transformers on the exported model by {worst} beyond the budget"
    print(f"generate_export.py: ftft predict == transformers on {len(predict_rows)} examples "
          f"(max |diff| {np.max(np.abs(ours - logits)):.2e})")

    args = {"train": TRAIN_ARGS, "max_length": MAX_LENGTH, "examples": len(predict_rows)}
    for name in ["train.csv", "ood.csv", "predict.csv", "vocab.txt"]:
        record_file(f"export/{name}", GENERATOR, args, SEED)
    for name in sorted(os.listdir(model_dir)):
        record_file(f"export/model/{name}", GENERATOR, args, SEED)
    write_fixture("export_logits.ftg", {"logits": logits, "probabilities": probabilities},
                  generator=GENERATOR, args=args, seed=SEED, metadata={"labels": labels})


if __name__ == "__main__":
    main()
