"""Golden fixtures for ftft's optimizer: torch AdamW + the Hugging Face linear warmup schedule + clip_grad_norm_.

optimizer_adamw.ftg — 14 updates of torch.optim.AdamW (single-tensor path, foreach=False, as on CPU) on four
parameter tensors in FTFT's two groups (decay: *.weight except LayerNorm; no decay: *.bias, *LayerNorm.weight),
with a nonzero weight decay for the decay group, eps 1e-6, betas (0.9, 0.999), the schedule from
transformers.get_linear_schedule_with_warmup stepped after every optimizer step (as F:trainers.py L93-96), and
torch.nn.utils.clip_grad_norm_(max_norm=1.0) before every step. Gradients are given (seeded normal, scaled per
step so that some steps are clipped and some are not). Recorded per step: the lr used, the total norm, the clip
coefficient, and parameters / exp_avg / exp_avg_sq after the step (plus the initial parameters).

schedule_linear_warmup.ftg — the LambdaLR multipliers of transformers' linear-with-warmup lambda for several
(max_train_steps, warmup_rate) pairs, with FTFT's warmup rule (int(rate*T) if rate < 1 else int(rate)).
"""
import numpy as np
import torch
from transformers import get_linear_schedule_with_warmup
from transformers.optimization import _get_linear_schedule_with_warmup_lr_lambda

from ftft_fixture import write_fixture

GENERATOR = "generate_optimizer.py"
SEED = 20240611

# name -> shape; the decay group is decided by FTFT's rule (F:utils.py L27-41).
PARAMETERS = {
    "encoder.dense.weight": (6, 7),
    "encoder.dense.bias": (7,),
    "encoder.LayerNorm.weight": (19,),
    "encoder.extra.weight": (1, 37),
}
STEPS = 14
BASE_LR = 0.01
WARMUP_RATE = 0.25
WEIGHT_DECAY = 0.05
EPS = 1e-6
MAX_NORM = 1.0
# Per-step gradient scale: norms well above 1 (clipped) and below 1 (not clipped).
SCALES = [0.05, 3.0, 0.2, 10.0, 0.01, 1.5, 0.3, 0.08, 5.0, 0.6, 0.02, 2.0, 0.15, 40.0]


def ftft_warmup_steps(rate, total):
    return int(rate * total) if rate < 1 else int(rate)


def decays(name):
    return not ("bias" in name or "LayerNorm.weight" in name)


def adamw_fixture():
    torch.manual_seed(SEED)
    params = {n: torch.nn.Parameter(torch.randn(*s)) for n, s in PARAMETERS.items()}
    grads = {n: [torch.randn(*s) * SCALES[t] for t in range(STEPS)] for n, s in PARAMETERS.items()}
    # One tensor gets a zero gradient in one step (exercises m, v decay without new signal).
    grads["encoder.dense.bias"][6] = torch.zeros(PARAMETERS["encoder.dense.bias"])

    groups = [
        {"params": [p for n, p in params.items() if decays(n)], "weight_decay": WEIGHT_DECAY},
        {"params": [p for n, p in params.items() if not decays(n)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=BASE_LR, eps=EPS, foreach=False, fused=False)
    warmup = ftft_warmup_steps(WARMUP_RATE, STEPS)
    scheduler = get_linear_schedule_with_warmup(optimizer, warmup, STEPS)

    record = {n: {"param": [params[n].detach().clone()], "exp_avg": [], "exp_avg_sq": []} for n in PARAMETERS}
    lrs, norms, coefs = [], [], []
    for t in range(STEPS):
        for n, p in params.items():
            p.grad = grads[n][t].clone()
        total = torch.nn.utils.clip_grad_norm_(list(params.values()), MAX_NORM)
        norms.append(float(total))
        coefs.append(float(torch.clamp(MAX_NORM / (total + 1e-6), max=1.0)))
        lrs.append(optimizer.param_groups[0]["lr"])
        assert optimizer.param_groups[1]["lr"] == lrs[-1]
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        for n, p in params.items():
            state = optimizer.state[p]
            record[n]["param"].append(p.detach().clone())
            record[n]["exp_avg"].append(state["exp_avg"].clone())
            record[n]["exp_avg_sq"].append(state["exp_avg_sq"].clone())

    tensors = {
        "lr": np.array(lrs, dtype=np.float64),
        "total_norm": np.array(norms, dtype=np.float32),
        "clip_coef": np.array(coefs, dtype=np.float32),
    }
    for n in PARAMETERS:
        tensors[f"grad/{n}"] = torch.stack(grads[n])
        tensors[f"param/{n}"] = torch.stack(record[n]["param"])
        tensors[f"exp_avg/{n}"] = torch.stack(record[n]["exp_avg"])
        tensors[f"exp_avg_sq/{n}"] = torch.stack(record[n]["exp_avg_sq"])
    args = {"steps": STEPS, "base_lr": BASE_LR, "warmup_rate": WARMUP_RATE, "warmup_steps": warmup,
            "weight_decay": WEIGHT_DECAY, "eps": EPS, "betas": [0.9, 0.999], "max_norm": MAX_NORM,
            "scales": SCALES, "foreach": False}
    write_fixture("optimizer_adamw.ftg", tensors, generator=GENERATOR, args=args, seed=SEED,
                  metadata={"parameters": {n: list(s) for n, s in PARAMETERS.items()}})


# (T, warmup_rate): FTFT's NLI and HSD runs (method.md §1.3), small ones, and rates >= 1 (absolute warmup).
SCHEDULES = [(49088, 0.1), (1620, 0.1), (14, 0.25), (10, 0.0), (5, 7.0), (100, 1.5), (7, 0.999)]


def schedule_fixture():
    tensors = {}
    for k, (total, rate) in enumerate(SCHEDULES):
        warmup = ftft_warmup_steps(rate, total)
        if total <= 200:
            steps = list(range(0, total + 3))
        else:
            steps = sorted({0, 1, 2, warmup - 1, warmup, warmup + 1, total // 2, total - 1, total, total + 1})
        mult = [_get_linear_schedule_with_warmup_lr_lambda(s, num_warmup_steps=warmup, num_training_steps=total)
                for s in steps]
        tensors[f"schedule{k}/config"] = np.array([total, warmup], dtype=np.int64)
        tensors[f"schedule{k}/rate"] = np.array([rate], dtype=np.float64)
        tensors[f"schedule{k}/steps"] = np.array(steps, dtype=np.int64)
        tensors[f"schedule{k}/multiplier"] = np.array(mult, dtype=np.float64)
    write_fixture("schedule_linear_warmup.ftg", tensors, generator=GENERATOR,
                  args={"schedules": SCHEDULES}, seed=None, metadata={"count": len(SCHEDULES)})


if __name__ == "__main__":
    adamw_fixture()
    schedule_fixture()
