"""Golden fixture for `ftft predict`: a small random Hugging Face BERT classifier, a data file, and the logits
PyTorch computes for it.

Writes golden/predict/tiny-bert/{config.json, model.safetensors, vocab.txt} (a BertForSequenceClassification
with num_labels 3 and an id2label map, saved by `save_pretrained`), golden/predict/pairs.jsonl (sentence pairs
with ids and labels, some words outside the vocabulary, one long pair that must be truncated), and
golden/predict_tiny_bert.ftg with the reference `input_ids` lengths, `logits` [N, 3] and float32
`probabilities` [N, 3] from transformers' tokenizer (max_length 24, longest_first truncation) and model in
evaluation mode, one example at a time (no padding, so no padding effects in the reference).
"""
import json
import os
import random

import numpy as np
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

from ftft_fixture import GOLDEN_DIR, record_file, write_fixture

SEED = 0
MAX_LENGTH = 24
GENERATOR = "golden/generate_predict.py"

WORDS = ["the", "a", "cat", "dog", "man", "woman", "child", "park", "city", "saw", "met", "helped", "runs", "walks",
         "is", "was", "not", "in", "near", "with", "happy", "tall", "old", "young", "red", "blue", "house", "car",
         "play", "read", "book", "music", "sleep", "eat", "food", "water", "tree", "garden", "street", "bird"]
PIECES = ["##s", "##ing", "##ed", "##er", "##ly"]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
LABELS = ["entailment", "neutral", "contradiction"]


def main():
    random.seed(SEED)
    torch.manual_seed(SEED)
    folder = os.path.join(GOLDEN_DIR, "predict", "tiny-bert")
    os.makedirs(folder, exist_ok=True)
    vocab = SPECIALS + WORDS + PIECES + [".", ","]
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write("\n".join(vocab) + "\n")
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64, max_position_embeddings=64, num_labels=3,
                        id2label={i: name for i, name in enumerate(LABELS)},
                        label2id={name: i for i, name in enumerate(LABELS)})
    model = BertForSequenceClassification(config)
    # Larger weights than the 0.02 initialisation so the three logits differ clearly.
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() == 2:
                p.normal_(0.0, 0.2)
    model.eval()
    model.save_pretrained(folder, safe_serialization=True)
    # From the directory, as a user's model folder (vocab.txt alone; uncased BERT defaults). Note: in
    # transformers 5, BertTokenizerFast(vocab_file=...) silently builds an empty vocabulary (every word [UNK]).
    tokenizer = BertTokenizer.from_pretrained(folder)
    probe = tokenizer("the cat")["input_ids"]
    assert probe == [2, vocab.index("the"), vocab.index("cat"), 3], probe

    records = []
    extra = ["zebra", "Walking", "played", "Books", "éclair", "quickly"]
    for i in range(24):
        premise = " ".join(random.choice(WORDS + extra) for _ in range(random.randint(3, 9))) + "."
        hypothesis = " ".join(random.choice(WORDS + extra) for _ in range(random.randint(2, 6)))
        records.append({"id": f"pair-{i}", "premise": premise.capitalize(), "hypothesis": hypothesis,
                        "label": LABELS[random.randrange(3)]})
    records.append({"id": "long", "premise": " ".join(WORDS), "hypothesis": " ".join(reversed(WORDS)),
                    "label": "neutral"})
    data_path = os.path.join(GOLDEN_DIR, "predict", "pairs.jsonl")
    with open(data_path, "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")

    lengths, logits = [], []
    with torch.no_grad():
        for r in records:
            enc = tokenizer(r["premise"], r["hypothesis"], truncation="longest_first", max_length=MAX_LENGTH,
                            return_tensors="pt")
            lengths.append(enc["input_ids"].shape[1])
            logits.append(model(**enc).logits[0].float().numpy())
    logits = np.stack(logits).astype(np.float32)
    probabilities = torch.softmax(torch.from_numpy(logits), dim=-1).numpy().astype(np.float32)

    args = {"max_length": MAX_LENGTH, "examples": len(records)}
    for name in ["config.json", "model.safetensors", "vocab.txt"]:
        record_file(f"predict/tiny-bert/{name}", GENERATOR, args, SEED)
    record_file("predict/pairs.jsonl", GENERATOR, args, SEED)
    write_fixture("predict_tiny_bert.ftg",
                  {"lengths": np.array(lengths, dtype=np.int64), "logits": logits, "probabilities": probabilities},
                  generator=GENERATOR, args=args, seed=SEED, metadata={"labels": LABELS})


if __name__ == "__main__":
    main()
