"""PyTorch CPU yardstick for ftft's training-step benchmark (Benchmarks/TrainingStep).

Runs Hugging Face `BertForSequenceClassification` on the configurations of docs/perf-anchors.md (batch 32,
length 128, random token ids, 3 labels, dropout 0.1 everywhere) and prints, per configuration and thread
count, the median time of:
  - train fwd+bwd: forward in train mode, cross-entropy, backward (gradients zeroed first) — what ftft's
    `trainingStep` does;
  - train +AdamW: the same plus `optimizer.step()` (torch AdamW, eps 1e-6) — a full optimizer step;
  - eval: a forward pass in eval mode under `torch.no_grad()`.
GFLOP/s use ftft's exact GEMM count (`BertFLOPs.trainingFLOPs`): forward = L·(8BTC² + 4BT²C + 4BTCF)
+ 2BC² + 2BCK, training = 3 × forward.

Usage (torch from the golden venv):
  $FTFT_TORCH_PYTHON Benchmarks/pytorch/bench_pytorch.py [--configs tiny,mid,minilm]
      [--threads 1,2] [--steps 10] [--warmup 3] [--attention sdpa|eager]
"""
import argparse
import statistics
import time

import torch
from transformers import BertConfig, BertForSequenceClassification

CONFIGS = {
    "tiny": dict(num_hidden_layers=2, hidden_size=128, num_attention_heads=2, intermediate_size=512),
    "mid": dict(num_hidden_layers=4, hidden_size=256, num_attention_heads=4, intermediate_size=1024),
    "minilm": dict(num_hidden_layers=6, hidden_size=384, num_attention_heads=12, intermediate_size=1536),
}


def training_flops(c, B, T, K):
    L, C, F = c["num_hidden_layers"], c["hidden_size"], c["intermediate_size"]
    forward = L * (8 * B * T * C * C + 4 * B * T * T * C + 4 * B * T * C * F) + 2 * B * C * C + 2 * B * C * K
    return 3 * forward, forward


def median_seconds(fn, steps, warmup):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--configs", default="tiny,mid,minilm")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--length", type=int, default=128)
    parser.add_argument("--labels", type=int, default=3)
    parser.add_argument("--attention", default="sdpa", choices=["sdpa", "eager"])
    args = parser.parse_args()
    B, T, K = args.batch, args.length, args.labels
    print(f"torch {torch.__version__}, attention {args.attention}, B={B} T={T} K={K}, "
          f"median of {args.steps} after {args.warmup} warm-up")
    print("| config | threads | train fwd+bwd (s) | examples/s | GFLOP/s | train +AdamW (s) | eval (s) | eval examples/s |")
    print("|---|---|---|---|---|---|---|---|")
    for name in args.configs.split(","):
        c = CONFIGS[name]
        for threads in [int(t) for t in args.threads.split(",")]:
            torch.set_num_threads(threads)
            torch.manual_seed(0)
            config = BertConfig(vocab_size=30522, max_position_embeddings=512, num_labels=K,
                                hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1, **c)
            config._attn_implementation = args.attention
            model = BertForSequenceClassification(config)
            ids = torch.randint(1, config.vocab_size, (B, T))
            types = torch.zeros(B, T, dtype=torch.long)
            mask = torch.ones(B, T, dtype=torch.long)
            labels = torch.randint(0, K, (B,))
            optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5, eps=1e-6)

            def train(step_optimizer=False):
                model.train()
                model.zero_grad(set_to_none=False)
                loss = model(input_ids=ids, token_type_ids=types, attention_mask=mask, labels=labels).loss
                loss.backward()
                if step_optimizer:
                    optimizer.step()

            def evaluate():
                model.eval()
                with torch.no_grad():
                    model(input_ids=ids, token_type_ids=types, attention_mask=mask)

            train_s = median_seconds(train, args.steps, args.warmup)
            full_s = median_seconds(lambda: train(True), args.steps, args.warmup)
            eval_s = median_seconds(evaluate, args.steps, args.warmup)
            flops, _ = training_flops(c, B, T, K)
            print(f"| {name} | {threads} | {train_s:.3f} | {B / train_s:.1f} | {flops / train_s / 1e9:.1f} | "
                  f"{full_s:.3f} | {eval_s:.3f} | {B / eval_s:.1f} |", flush=True)


if __name__ == "__main__":
    main()
