"""Golden fixtures for real pretrained weights: MiniLM-L3-H384 and MiniLM-L6-H384 from ../shared/models, run by
Hugging Face `BertForSequenceClassification` (eager attention, eval mode) on a few real token-id batches of
different lengths, tokenized by the models' own tokenizer from hand-written sentences.

The classification head (and MiniLM-L3's missing pooler) are the fresh ones ftft's loader creates from its
seeded RNG: `random.stream(.initialization, entryIndex)` filled with normal(0, initializer_range), biases zero.
This file ports that stream (Sources/FTFTTensors/Philox.swift and RandomStream.swift: Philox4x32-10, the counter
layout, 53-bit uniforms and Box–Muller in double) so torch runs with exactly ftft's head; the Swift test then
loads the checkpoint with the same seed and compares hidden states and logits without copying any weight.

pretrained_<model>.ftg: per batch b, input_ids / token_type_ids / attention_mask [B,T], last_hidden_state
[B,T,384] and logits [B,K]; metadata: seed, num_labels, the fresh entries.

Run: golden/generate.sh generate_pretrained.py
"""
import math
import os

import numpy as np
import torch
from transformers import AutoTokenizer, BertForSequenceClassification

from ftft_fixture import write_fixture

GENERATOR = "generate_pretrained.py"
MODELS_DIR = os.environ.get("FTFT_SHARED", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared"))
HEAD_SEED = 20240613
NUM_LABELS = 3
MASK32 = 0xFFFFFFFF

# Batches: single sentences of different lengths, and sentence pairs (token types 1 on the second).
BATCHES = [
    [("A man is eating food.", None),
     ("The girl is carrying a baby, while her brother reads quietly in the garden behind the old house.", None),
     ("Hello!", None)],
    [("A man is riding a horse.", "A man is riding a white horse on an enclosed ground, slowly."),
     ("Two dogs play in the snow.", "Animals are outside.")],
    [("Dataset cartography maps training dynamics.", None), ("Yes.", None)],
]


def philox_block(counter, key):
    """Philox4x32-10, as Sources/FTFTTensors/Philox.swift (Salmon et al., SC 2011)."""
    c0, c1, c2, c3 = counter
    k0, k1 = key
    for r in range(10):
        if r > 0:
            k0 = (k0 + 0x9E3779B9) & MASK32
            k1 = (k1 + 0xBB67AE85) & MASK32
        p0 = 0xD2511F53 * c0
        p1 = 0xCD9E8D57 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0) & MASK32, p1 & MASK32, ((p0 >> 32) ^ c3 ^ k1) & MASK32, p0 & MASK32
    return c0, c1, c2, c3


class RandomStream:
    """Sources/FTFTTensors/RandomStream.swift: word i = Philox(key: seed, counter: (i/4 low, high, domain))[i%4]."""
    PURPOSE_INITIALIZATION = 1

    def __init__(self, seed, purpose, index0=0, index1=0):
        self.key = (seed & MASK32, (seed >> 32) & MASK32)
        high = (index0 >> 32) & 0xFF
        self.domain = (index0 & MASK32, ((purpose << 24) | (high << 16) | index1) & MASK32)
        self.position = 0
        self._block_index = None
        self._block = None

    def next_word(self):
        i = self.position
        self.position += 1
        block_index = i >> 2
        if block_index != self._block_index:
            self._block = philox_block((block_index & MASK32, (block_index >> 32) & MASK32) + self.domain, self.key)
            self._block_index = block_index
        return self._block[i & 3]

    def next_uniform_double(self):
        hi = self.next_word() >> 5
        lo = self.next_word() >> 6
        return ((hi << 26) | lo) * (1.0 / 9007199254740992.0)

    def next_normal(self):
        u1 = max(self.next_uniform_double(), 1e-300)
        u2 = self.next_uniform_double()
        return np.float32(math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2))

    def fill_normal(self, count, mean, std):
        mean, std = np.float32(mean), np.float32(std)
        return np.array([mean + std * self.next_normal() for _ in range(count)], dtype=np.float32)


def layout_names(config):
    """ParameterLayout order (Sources/FTFTEncoder/ParameterLayout.swift): HF state-dict order with `bert.`."""
    names = ["bert.embeddings.word_embeddings.weight", "bert.embeddings.position_embeddings.weight",
             "bert.embeddings.token_type_embeddings.weight", "bert.embeddings.LayerNorm.weight",
             "bert.embeddings.LayerNorm.bias"]
    for layer in range(config.num_hidden_layers):
        p = f"bert.encoder.layer.{layer}."
        for part in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                     "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm"]:
            names += [p + part + ".weight", p + part + ".bias"]
    return names + ["bert.pooler.dense.weight", "bert.pooler.dense.bias", "classifier.weight", "classifier.bias"]


def fixture_for(model_dir, fixture_name):
    from safetensors import safe_open
    with safe_open(os.path.join(model_dir, "model.safetensors"), "pt") as f:
        stored = {k if k.startswith("bert.") or k.startswith("classifier.") else "bert." + k for k in f.keys()}
    model = BertForSequenceClassification.from_pretrained(model_dir, num_labels=NUM_LABELS, attn_implementation="eager")
    model.eval()
    names = layout_names(model.config)
    assert [n for n, _ in model.named_parameters()] == names, "HF parameter order differs from ParameterLayout"
    fresh = [n for n in names if n not in stored]
    params = dict(model.named_parameters())
    with torch.no_grad():
        for index, name in enumerate(names):
            if name not in fresh:
                continue
            p = params[name]
            if name.endswith(".bias"):
                p.zero_()
            else:
                stream = RandomStream(HEAD_SEED, RandomStream.PURPOSE_INITIALIZATION, index)
                values = stream.fill_normal(p.numel(), 0.0, model.config.initializer_range)
                p.copy_(torch.from_numpy(values).reshape(p.shape))

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    tensors = {}
    for b, pairs in enumerate(BATCHES):
        firsts = [a for a, _ in pairs]
        seconds = [s for _, s in pairs] if pairs[0][1] is not None else None
        enc = tokenizer(firsts, seconds, padding=True, return_tensors="pt")
        with torch.no_grad():
            hidden = model.bert(input_ids=enc["input_ids"], token_type_ids=enc["token_type_ids"],
                                attention_mask=enc["attention_mask"]).last_hidden_state
            logits = model(input_ids=enc["input_ids"], token_type_ids=enc["token_type_ids"],
                           attention_mask=enc["attention_mask"]).logits
        tensors[f"batch{b}/input_ids"] = enc["input_ids"]
        tensors[f"batch{b}/token_type_ids"] = enc["token_type_ids"]
        tensors[f"batch{b}/attention_mask"] = enc["attention_mask"]
        tensors[f"batch{b}/last_hidden_state"] = hidden
        tensors[f"batch{b}/logits"] = logits
    # A few of the fresh head's values, so a Swift-side RNG difference shows as such and not as a logit error.
    for name in fresh:
        if not name.endswith(".bias"):
            tensors[f"fresh_head/{name}"] = params[name].detach().reshape(-1)[:64]
    write_fixture(fixture_name, tensors, GENERATOR,
                  args={"model": os.path.basename(model_dir), "num_labels": NUM_LABELS, "batches": BATCHES},
                  seed=HEAD_SEED,
                  metadata={"model": os.path.basename(model_dir), "seed": HEAD_SEED, "num_labels": NUM_LABELS,
                            "batches": len(BATCHES), "fresh": fresh})


if __name__ == "__main__":
    torch.set_num_threads(1)
    fixture_for(os.path.join(MODELS_DIR, "models", "minilm-l3-h384"), "pretrained_minilm_l3.ftg")
    fixture_for(os.path.join(MODELS_DIR, "models", "minilm-l6-h384"), "pretrained_minilm_l6.ftg")
