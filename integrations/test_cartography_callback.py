"""Test of cartography_callback.py on a tiny model, in the golden environment (not part of `swift test`):

    $VENV/bin/python integrations/test_cartography_callback.py
    ($VENV: a virtual environment with golden/requirements.txt and integrations/requirements.txt)

With $FTFT_BINARY (or a built .build/debug/ftft) it also runs `ftft datamap` on what the callback wrote.
Exits non-zero on any failure.
"""
import json
import os
import subprocess
import sys
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, Trainer, TrainingArguments

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cartography_callback import CartographyCallback  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def tiny_dataset(n=40):
    """Rows of token ids (a plain list: the callback needs no `datasets`); the last row repeats the first."""
    rows = []
    for i in range(n):
        length = 3 + i % 5
        tokens = [2] + [5 + (i * 7 + k * 3) % 20 for k in range(length)] + [3]
        rows.append({"input_ids": tokens, "attention_mask": [1] * len(tokens), "labels": i % 2})
    rows[-1] = dict(rows[0])   # identical tokens and label: assigned in turn
    ids = [f"ex{i}" for i in range(n - 1)] + ["duplicate-of-ex0"]
    return rows, ids


def pad(batch):
    """Right-pads a batch with token 0 (the model's pad id), as a tokenizer's collator would."""
    width = max(len(r["input_ids"]) for r in batch)
    return {
        "input_ids": torch.tensor([r["input_ids"] + [0] * (width - len(r["input_ids"])) for r in batch]),
        "attention_mask": torch.tensor([r["attention_mask"] + [0] * (width - len(r["attention_mask"])) for r in batch]),
        "labels": torch.tensor([r["labels"] for r in batch]),
    }


def run(learning_rate, epochs, output_dir, max_steps=-1):
    torch.manual_seed(0)
    config = BertConfig(vocab_size=30, hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32,
                        max_position_embeddings=32, num_labels=2, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
    model = BertForSequenceClassification(config)
    data, ids = tiny_dataset()
    callback = CartographyCallback(data, ids=ids, output_dir=output_dir)
    args = TrainingArguments(output_dir=os.path.join(output_dir, "trainer"), per_device_train_batch_size=8,
                             num_train_epochs=epochs, max_steps=max_steps, learning_rate=learning_rate, report_to=[],
                             save_strategy="no", logging_strategy="no", use_cpu=True, seed=0, disable_tqdm=True)
    trainer = Trainer(model=model, args=args, train_dataset=data, data_collator=pad, callbacks=[callback])
    trainer.train()
    return model, data, ids


def read_epoch(folder, epoch):
    with open(os.path.join(folder, f"dynamics_epoch_{epoch}.jsonl")) as f:
        return [json.loads(line) for line in f]


def main():
    with tempfile.TemporaryDirectory() as scratch:
        # 1. Learning rate 0 and no dropout: the recorded logits must be each example's own logits (matching right).
        frozen = os.path.join(scratch, "frozen")
        model, data, ids = run(0.0, 2, frozen)
        model.eval()
        for epoch in (0, 1):
            records = read_epoch(frozen, epoch)
            assert [r["guid"] for r in records] == ids, f"epoch {epoch}: every example once, in dataset order"
            for r, row in zip(records, data):
                assert r["gold"] == row["labels"]
                with torch.no_grad():
                    expected = model(input_ids=torch.tensor([row["input_ids"]])).logits[0].tolist()
                got = r[f"logits_epoch_{epoch}"]
                assert max(abs(a - b) for a, b in zip(got, expected)) < 1e-5, (r["guid"], got, expected)
        cost = json.load(open(os.path.join(frozen, "reference_cost.json")))
        assert cost["training_flops"] > 0 and cost["wall_seconds"] > 0, cost

        # 2. A real run: three epochs, each complete; the last one cut short by max_steps is written as it is.
        trained = os.path.join(scratch, "trained")
        run(5e-3, 3, trained)
        for epoch in range(3):
            assert len(read_epoch(trained, epoch)) == 40
        short = os.path.join(scratch, "short")
        run(5e-3, 3, short, max_steps=7)   # 5 batches per epoch: epoch 1 has 2 batches (16 examples)
        assert len(read_epoch(short, 0)) == 40 and len(read_epoch(short, 1)) == 16

        # 3. ftft reads it (if the binary is built): a data map from the callback's files.
        binary = os.environ.get("FTFT_BINARY") or os.path.join(ROOT, ".build/debug/ftft")
        if os.access(binary, os.X_OK):
            out = os.path.join(scratch, "map")
            done = subprocess.run([binary, "datamap", trained, "--output", out], capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
            assert "data map of 40 examples × 3 epochs × 2 classes" in done.stdout, done.stdout
            print("ftft datamap read the callback's dynamics")
        else:
            print(f"({binary} not built: the ftft datamap step was not run)")
    print("test_cartography_callback.py: all checks passed")


if __name__ == "__main__":
    main()
