"""Golden level 3 for ftft's trainer: a tiny random BertForSequenceClassification trained for 12 updates by
torch, exactly as FTFT's loop does one update (F:trainers.py L86-96): forward (dropout off), mean
cross-entropy, backward, clip_grad_norm_ (max_norm 4.0 here, so that some updates are clipped and some not),
AdamW (two groups: weight decay 0.01 / 0.0, eps 1e-6, foreach=False as on CPU), then
get_linear_schedule_with_warmup stepped after the optimizer, zero_grad.

training_l3_bert.ftg holds the configuration (metadata), the initial weights by name, the 12 batches (variable
lengths, padded per batch, token types), and per update: the lr used, the total gradient norm, the training
loss and logits; then the final weights by name.

Run: golden/generate.sh generate_training.py
"""
import torch
from transformers import BertConfig, BertForSequenceClassification, get_linear_schedule_with_warmup

from ftft_fixture import write_fixture

GENERATOR = "generate_training.py"
SEED = 20240612

CONFIG = dict(
    vocab_size=60, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
    max_position_embeddings=24, type_vocab_size=2, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
    classifier_dropout=None, layer_norm_eps=1e-12, initializer_range=0.2, num_labels=3, pad_token_id=0,
    hidden_act="gelu",
)
STEPS = 12
BATCH = 4
LEARNING_RATE = 5e-3
WARMUP_RATE = 0.25
WEIGHT_DECAY = 0.01
EPS = 1e-6
MAX_NORM = 4.0  # FTFT uses 1.0; 4.0 makes this run clip some updates and not others


def ftft_warmup_steps(rate, total):
    return int(rate * total) if rate < 1 else int(rate)


def decays(name):
    return not ("bias" in name or "LayerNorm.weight" in name)


def make_batch(generator):
    lengths = torch.randint(3, CONFIG["max_position_embeddings"] + 1, (BATCH,), generator=generator).tolist()
    T = max(lengths)
    ids = torch.zeros(BATCH, T, dtype=torch.long)
    types = torch.zeros(BATCH, T, dtype=torch.long)
    mask = torch.zeros(BATCH, T, dtype=torch.long)
    for b, n in enumerate(lengths):
        ids[b, :n] = torch.randint(1, CONFIG["vocab_size"], (n,), generator=generator)
        mask[b, :n] = 1
        types[b, (n + 1) // 2:n] = 1
    labels = torch.randint(0, CONFIG["num_labels"], (BATCH,), generator=generator)
    return ids, types, mask, labels


def main():
    torch.manual_seed(SEED)
    config = BertConfig(**CONFIG)
    config._attn_implementation = "eager"
    model = BertForSequenceClassification(config).train()
    # Perturbed biases and LayerNorm parameters (as in level 2) so that every tensor carries real gradients.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias"):
                p.copy_(torch.randn(*p.shape) * 0.1)
            elif "LayerNorm.weight" in name:
                p.copy_(1 + torch.randn(*p.shape) * 0.1)

    tensors = {}
    for name, p in model.named_parameters():
        tensors["initial/" + name] = p.detach().clone()

    generator = torch.Generator().manual_seed(SEED + 1)
    batches = [make_batch(generator) for _ in range(STEPS)]
    for i, (ids, types, mask, labels) in enumerate(batches):
        tensors[f"batch{i}/input_ids"] = ids
        tensors[f"batch{i}/token_type_ids"] = types
        tensors[f"batch{i}/attention_mask"] = mask
        tensors[f"batch{i}/labels"] = labels

    named = list(model.named_parameters())
    groups = [
        {"params": [p for n, p in named if decays(n)], "weight_decay": WEIGHT_DECAY},
        {"params": [p for n, p in named if not decays(n)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=LEARNING_RATE, eps=EPS, foreach=False, fused=False)
    warmup = ftft_warmup_steps(WARMUP_RATE, STEPS)
    scheduler = get_linear_schedule_with_warmup(optimizer, warmup, STEPS)

    losses, logits, lrs, norms = [], [], [], []
    for ids, types, mask, labels in batches:
        out = model(input_ids=ids, token_type_ids=types, attention_mask=mask)
        loss = torch.nn.functional.cross_entropy(out.logits, labels)
        loss.backward()
        norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), MAX_NORM)))
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        losses.append(loss.item())
        logits.append(out.logits.detach().clone())

    tensors["loss"] = torch.tensor(losses, dtype=torch.float32)
    tensors["logits"] = torch.stack(logits)
    tensors["lr"] = torch.tensor(lrs, dtype=torch.float64)
    tensors["total_norm"] = torch.tensor(norms, dtype=torch.float32)
    for name, p in model.named_parameters():
        tensors["final/" + name] = p.detach().clone()
    args = {"steps": STEPS, "batch": BATCH, "learning_rate": LEARNING_RATE, "warmup_rate": WARMUP_RATE,
            "warmup_steps": warmup, "weight_decay": WEIGHT_DECAY, "eps": EPS, "max_norm": MAX_NORM,
            "config": CONFIG}
    write_fixture("training_l3_bert.ftg", tensors, GENERATOR, args=args, seed=SEED, metadata={"config": CONFIG})


if __name__ == "__main__":
    torch.set_num_threads(1)
    main()
