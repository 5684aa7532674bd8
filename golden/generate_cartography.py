"""Golden fixtures for FTFTCartography: data-map statistics and selections on synthetic training dynamics,
computed the way each reference codebase computes them, plus the same dynamics in cartography's JSONL format.

References (method.md §3-4, §9):
- cartography (allenai/cartography, `cartography/selection/train_dy_filtering.py`): per record a float32 torch
  softmax, p as a Python float; confidence `np.mean`, variability `np.std` (ddof 0), `--include_ci` variant,
  correctness = count of epochs with `np.argmax(logits) == gold`, forgetfulness (1000 if never learnt),
  threshold closeness mu(1-mu); burn-out = first k epochs; selection = sort, take int(f*N)+1 rows, f = 0.3319
  for "0.33".
- FTFT (nlpsoc/FTFT, `utils.py`): float32 softmax of the stacked [N, E, C] tensor, mean and std (ddof 1) over
  epochs in float32; selection = score > torch.quantile(score, 1 - rate), strict, in file order.

torch.quantile: FTFT pins torch 2.0.1, whose arithmetic differs from the pinned golden torch (2.15 computes the
rank in float64). The expected FTFT thresholds are therefore computed by `torch201_quantile` below, an exact
emulation of torch 2.0.1's CPU kernel (float32 rank; lerp with a fused multiply-add, rounded once, computed
exactly with fractions). `golden/cartography/check_torch_quantile.py` checks this emulation against a real torch
(20,000/20,000 against torch 2.0.1 on an AVX2 CPU).

Synthetic logits are multiples of 2^-10, so their decimal forms have at most 10 decimals and every JSON writer
(pandas included) prints them exactly. ftft reproduces torch's softmax and numpy's reductions bit for bit (see
cartography/torch_softmax.ftg, cartography/numpy_reductions.ftg), yet the data are also checked to be robust, so
that a platform whose arithmetic differs by an ulp fails loudly in the bit-exact tests rather than in the selection
tests: distinct scores are at least 1e-6 apart, FTFT selections survive moving every score by a few ulps, and every
double written to a JSONL file is at least 1e-4 units of the 10th decimal away from a rounding tie (so Python's
correctly rounded '%.10f' and pandas' ujson rounding print the same digits).

Outputs (all recorded in golden/manifest.json):
- cartography/dynamics_<case>.ftg: inputs and expected statistics and selection masks per case; case "lerp" is
  engineered (`engineer_lerp`) so that FTFT's rule, from logits, keeps one example fewer at 33 % than a float64
  quantile would;
- cartography/synthetic/<case>/dynamics_epoch_{e}.jsonl: the same dynamics as cartography writes them, each
  epoch in its own shuffled order; coordinates.jsonl and td_metrics.jsonl: the expected exports;
- cartography/quantile_cases.ftg: random score vectors with torch 2.0.1 thresholds, and an engineered vector
  whose float32 lerp lands exactly on the next score, so strict ">" selects one example fewer than a float64
  quantile would;
- cartography/numpy_reductions.ftg: np.sum/mean/std of float64 vectors of length 1..160;
- cartography/torch_softmax.ftg: torch.softmax of float32 rows (C = 2, 3).

Run: golden/generate.sh generate_cartography.py
"""
import os
from fractions import Fraction

import numpy as np
import torch

from ftft_fixture import GOLDEN_DIR, record_file, write_fixture

GENERATOR = "generate_cartography.py"
SEED = 20240617
RATES = [0.10, 0.25, 0.33, 0.50]
def lerp_case_size(rate=0.33, start=60):
    """The first N >= start whose float32 quantile rank q(N-1) has a weight w > 0.5 (see `engineer_lerp`)."""
    q = np.float32(1 - rate)
    return next(n for n in range(start, 10_000) if np.float32(np.float32(q * np.float32(n - 1)) % np.float32(1)) > 0.5)


# name, N, E, C. "lerp" is engineered so that FTFT's float32 quantile lands exactly on the next variability.
CASES = [("e2c2", 40, 2, 2), ("e3c3", 60, 3, 3), ("e4c3", 50, 4, 3), ("e5c3", 100, 5, 3), ("e6c2", 30, 6, 2),
         ("lerp", lerp_case_size(), 2, 2)]


# ---------------------------------------------------------------------------------------------- torch 2.0.1

def round_to_float32(value):
    """The float32 nearest to the exact rational `value`, ties to even."""
    guess = np.float32(float(value))
    candidates = [np.nextafter(guess, np.float32(-np.inf)), guess, np.nextafter(guess, np.float32(np.inf))]
    return min(candidates, key=lambda c: (abs(Fraction(float(c)) - value), int(np.array(c).view(np.uint32)) & 1))


def torch201_quantile(scores, rate, fused=True):
    """torch 2.0.1 `torch.quantile(float32 scores, 1 - rate)`, linear interpolation, CPU."""
    s = np.sort(np.asarray(scores, dtype=np.float32))
    n = len(s)
    if np.isnan(s[-1]):
        return np.float32(np.nan)
    q = np.float32(1 - rate)
    rank = np.float32(q * np.float32(n - 1))
    lo, hi = int(rank), int(np.ceil(rank))
    w = np.float32(rank - np.float32(lo))
    a, b = s[lo], s[hi]
    d = np.float32(b - a)
    if abs(w) < 0.5:
        if fused:
            return round_to_float32(Fraction(float(a)) + Fraction(float(w)) * Fraction(float(d)))
        return np.float32(a + np.float32(w * d))
    c = np.float32(np.float32(1) - w)
    if fused:
        return round_to_float32(Fraction(float(b)) - Fraction(float(d)) * Fraction(float(c)))
    return np.float32(b - np.float32(d * c))


def ftft_mask(scores, rate):
    threshold = torch201_quantile(scores, rate)
    return (np.asarray(scores, dtype=np.float32) > threshold).astype(np.int64), threshold


# ------------------------------------------------------------------------------------------- cartography

def forgetfulness(correct):
    """Toneva et al. forgetting events as cartography counts them; 1000 if never correct."""
    if not any(correct):
        return 1000
    learnt, forgotten = False, 0
    for is_correct in correct:
        if learnt and not is_correct:
            forgotten += 1
        learnt = bool(is_correct)
    return forgotten


def cartography_stats(logits, gold, epochs=None):
    """logits [E, N, C] float32 -> per-example stats as cartography computes them (first `epochs` only)."""
    E, N, C = logits.shape
    k = E if epochs is None else epochs
    out = {"p": np.zeros((E, N), np.float32), "confidence": [], "variability": [], "variability_ddof1": [],
           "variability_ci": [], "correctness": [], "forgetfulness": []}
    for i in range(N):
        probs, correct = [], []
        for e in range(E):
            row = [float(x) for x in logits[e, i]]
            p = float(torch.nn.functional.softmax(torch.Tensor(row), dim=-1)[gold[i]])
            out["p"][e, i] = p
            probs.append(p)
            correct.append(bool(np.argmax(row) == gold[i]))
        probs, correct = probs[:k], correct[:k]
        out["confidence"].append(np.mean(probs))
        out["variability"].append(np.std(probs))
        out["variability_ddof1"].append(np.std(probs, ddof=1) if k > 1 else np.nan)
        var = np.var(probs)
        out["variability_ci"].append(np.sqrt(var + var * var / (k - 1)) if k > 1 else np.nan)
        out["correctness"].append(sum(correct))
        out["forgetfulness"].append(forgetfulness(correct))
    for key in ("confidence", "variability", "variability_ddof1", "variability_ci"):
        out[key] = np.array(out[key], np.float64)
    for key in ("correctness", "forgetfulness"):
        out[key] = np.array(out[key], np.int64)
    out["threshold_closeness"] = out["confidence"] * (1 - out["confidence"])
    return out


def ftft_stats(logits, gold):
    """FTFT: float32 softmax of the [N, E, C] stack, gold gather, mean and std (ddof 1) over epochs."""
    stack = torch.from_numpy(np.ascontiguousarray(np.transpose(logits, (1, 0, 2))))  # [N, E, C]
    probs = torch.softmax(stack, dim=-1)
    index = torch.from_numpy(gold).view(-1, 1, 1).expand(-1, stack.shape[1], 1)
    p = probs.gather(2, index).squeeze(2)  # [N, E]
    return p.mean(dim=1).numpy().astype(np.float32), p.std(dim=1).numpy().astype(np.float32)


# ------------------------------------------------------------------------------------------- selection

def exact_mask(scores, k, among=None):
    """Top k by score descending, ties by position ascending."""
    idx = np.arange(len(scores)) if among is None else np.asarray(among)
    order = sorted(idx, key=lambda i: (-scores[i], i))
    mask = np.zeros(len(scores), np.int64)
    mask[order[:k]] = 1
    return mask


def hamilton(rate, sizes):
    total = int(np.floor(rate * sum(sizes) + 0.5))
    quotas = [rate * s for s in sizes]
    counts = [int(np.floor(q)) for q in quotas]
    remaining = total - sum(counts)
    for s in sorted(range(len(sizes)), key=lambda s: (-(quotas[s] - counts[s]), s)):
        if remaining > 0 and counts[s] < sizes[s]:
            counts[s] += 1
            remaining -= 1
    return counts


def cartography_count(rate, n):
    fraction = {0.33: 0.3319, 0.17: 0.1667}.get(rate, rate)
    return min(n, int(fraction * n) + 1)


def selections(carto, ftft_conf, ftft_var, gold, C):
    N = len(gold)
    out = {}
    var, negconf = carto["variability"], -carto["confidence"]
    classes = [np.flatnonzero(gold == c) for c in range(C)]
    for name, scores, fscores in (("ambiguous", var, ftft_var), ("hard", negconf, -ftft_conf)):
        out[f"exact_{name}"] = np.stack([exact_mask(scores, int(np.floor(r * N + 0.5))) for r in RATES])
        out[f"cartography_{name}"] = np.stack([exact_mask(scores, cartography_count(r, N)) for r in RATES])
        masks, thresholds = zip(*[ftft_mask(fscores, r) for r in RATES])
        out[f"ftft_{name}"], out[f"ftft_{name}_threshold"] = np.stack(masks), np.array(thresholds, np.float32)
        strat = []
        for r in RATES:
            counts = hamilton(r, [len(m) for m in classes])
            strat.append(sum(exact_mask(scores, k, members) for k, members in zip(counts, classes)))
        out[f"exact_stratified_{name}"] = np.stack(strat)
    for rule in ("exact", "cartography", "ftft"):
        out[f"{rule}_easy"] = 1 - np.maximum(out[f"{rule}_ambiguous"], out[f"{rule}_hard"])
    return out


def check_robust(name, scores, tolerance=1e-6):
    distinct = np.unique(np.asarray(scores, np.float64))
    if len(distinct) > 1 and np.min(np.diff(distinct)) <= tolerance:
        raise ValueError(f"{name}: distinct scores closer than {tolerance}")


def check_ftft_robust(name, scores, rate):
    """The FTFT selection must not change when every distinct score moves by a few ulps."""
    base, _ = ftft_mask(scores, rate)
    values = np.unique(scores)
    for sign in (-1, 1):
        moved = {v: np.float32(v * (1 + sign * 4e-7)) for v in values}
        perturbed = np.array([moved[v] for v in scores], np.float32)
        if not np.array_equal(ftft_mask(perturbed, rate)[0], base):
            raise ValueError(f"{name}: FTFT selection at rate {rate} is fragile")


# ------------------------------------------------------------------------------------------- synthetic data

def synthesize(rng, N, E, C):
    """Logits [E, N, C] on the 2^-10 grid with a learning trend, plus engineered ties."""
    difficulty = rng.normal(0, 1.5, N)
    gold = rng.integers(0, C, N)
    logits = np.zeros((E, N, C))
    for e in range(E):
        noise = rng.normal(0, 1.2, (N, C))
        logits[e] = noise
        logits[e, np.arange(N), gold] += difficulty + 0.8 * e
    logits = np.round(logits * 1024) / 1024 + 0.0  # + 0.0: no negative zeros (pandas prints -0.0 as 0.0)
    # Ties: example 1 duplicates example 0; examples 3..7 duplicate example 2 (a tie group of six).
    logits[:, 1], gold[1] = logits[:, 0], gold[0]
    for j in range(3, 8):
        logits[:, j], gold[j] = logits[:, 2], gold[2]
    # argmax ties: two classes share the largest logit (gold is the second of them: incorrect by np.argmax).
    logits[0, 10] = 0.0
    logits[0, 10, 0] = logits[0, 10, 1] = 1.5
    gold[10] = 1
    # never learnt: gold logit far below the others in every epoch.
    logits[:, 11] = 2.0
    logits[:, 11, gold[11]] = -3.0
    return logits.astype(np.float32), gold.astype(np.int64)


def engineer_lerp(logits, gold, rate=0.33):
    """Moves one example's epoch-1 gold logit (float32 steps) until its FTFT variability is the float32 right
    after s[lo], the score below the quantile rank: with w > 0.5 torch's lerp then rounds onto it, so strict ">"
    keeps one example fewer than a float64 quantile would — the WinoGrande situation, from logits. Needs E = 2,
    C = 2 and distinct scores around the rank; returns False if this draw does not allow it."""
    E, N, C = logits.shape
    _, var = ftft_stats(logits, gold)
    order = np.argsort(var, kind="stable")
    s = var[order]
    rank = np.float32(np.float32(np.float32(1 - rate)) * np.float32(N - 1))
    lo, hi = int(rank), int(np.ceil(rank))
    if not (s[lo - 1] < s[lo] < s[hi] < s[hi + 1]):
        return False
    target = np.nextafter(s[lo], np.float32(1))
    j = order[hi]
    g, other = int(gold[j]), 1 - int(gold[j])
    p0 = float(torch.softmax(torch.from_numpy(logits[0, j].copy()), dim=-1)[g])
    for sign in (1, -1):
        p1 = p0 - sign * float(target) * np.sqrt(2)  # the sample std of two values is |p0 - p1| / sqrt(2)
        if not 0.01 < p1 < 0.99:
            continue
        centre = np.float32(float(logits[1, j, other]) + np.log(p1 / (1 - p1)))
        candidates, up, down = [centre], centre, centre
        for _ in range(4000):
            up, down = np.nextafter(up, np.float32(np.inf)), np.nextafter(down, np.float32(-np.inf))
            candidates += [up, down]
        trial = np.repeat(logits[:, j:j + 1, :], len(candidates), axis=1)
        trial[1, :, g] = candidates
        _, v = ftft_stats(trial, np.full(len(candidates), g))
        for k in np.flatnonzero(v == target):
            value = np.float32(candidates[k])
            if abs(value) >= 0.1 and np.float32(float(format_decimal(float(value)))) == value:
                logits[1, j, g] = value
                return True
    return False


def format_decimal(x):
    """10 decimals, trailing zeros stripped, at least one decimal digit (cartography's float format); the
    callers guarantee x is far from a rounding tie, so this equals pandas' output."""
    text = f"{x:.10f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def check_format_margin(name, values):
    for x in values:
        frac = abs(float(x)) * 1e10
        if abs((frac - np.floor(frac)) - 0.5) < 1e-4:
            raise ValueError(f"{name}: {x!r} is too close to a 10th-decimal rounding tie")


def write_text(relative, lines, args, seed):
    path = os.path.join(GOLDEN_DIR, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("".join(lines))
    record_file(relative, GENERATOR, args=args, seed=seed)


def dynamics_lines(guids, logits_e, gold, epoch, order):
    return ["{" + f'"guid":{guids[i]},"logits_epoch_{epoch}":[' + ",".join(format_decimal(float(v)) for v in logits_e[i])
            + f'],"gold":{gold[i]}' + "}\n" for i in order]


def make_case(name, N, E, C):
    for attempt in range(200):
        seed = SEED + 1000 * CASES.index((name, N, E, C)) + attempt
        rng = np.random.default_rng(seed)
        logits, gold = synthesize(rng, N, E, C)
        if name == "lerp" and not engineer_lerp(logits, gold):
            continue
        carto = cartography_stats(logits, gold)
        ftft_conf, ftft_var = ftft_stats(logits, gold)
        try:
            if name == "lerp":
                # This case depends on bit-exact float32 softmax and std (checked by torch_softmax.ftg and the
                # statistics tests), so the robustness margins do not apply; the edge case itself must hold.
                t = torch201_quantile(ftft_var, 0.33)
                if not np.sum(ftft_var > t) + 1 == np.sum(ftft_var > np.quantile(ftft_var.astype(np.float64), 1 - 0.33)):
                    raise ValueError("lerp: the engineered edge case does not hold")
                check_format_margin(name, np.concatenate([carto["confidence"], carto["variability"],
                                                           carto["threshold_closeness"]]))
                break
            for key in ("confidence", "variability", "variability_ci"):
                check_robust(f"{name}.{key}", carto[key])
            check_robust(f"{name}.ftft_confidence", ftft_conf)
            check_robust(f"{name}.ftft_variability", ftft_var)
            for r in RATES:
                check_ftft_robust(f"{name}.ftft_variability", ftft_var, r)
                check_ftft_robust(f"{name}.ftft_confidence", -ftft_conf, r)
            check_format_margin(name, np.concatenate([carto["confidence"], carto["variability"],
                                                       carto["threshold_closeness"]]))
            break
        except ValueError as error:
            last_error = error
    else:
        raise RuntimeError(f"no robust data for {name}: {last_error}")
    # Example order = order of first appearance in epoch 0; guids are unique 5..13-digit integers.
    candidates = rng.integers(10_000, 10**13, size=4 * N, dtype=np.int64)
    _, first_seen = np.unique(candidates, return_index=True)
    guids = candidates[np.sort(first_seen)][:N].copy()
    guids[N - 1] = 7  # one short guid
    # Epoch 0 is processed in a shuffled order, which becomes the example order (cartography's `index`); the
    # other epochs get their own shuffles.
    first = rng.permutation(N)
    logits, gold, guids = logits[:, first], gold[first], guids[first]
    carto = cartography_stats(logits, gold)
    ftft_conf, ftft_var = ftft_stats(logits, gold)
    orders = [np.arange(N)] + [rng.permutation(N) for _ in range(1, E)]
    args = {"case": name, "N": N, "E": E, "C": C, "rates": RATES}
    folder = f"cartography/synthetic/{name}"
    for e in range(E):
        write_text(f"{folder}/dynamics_epoch_{e}.jsonl", dynamics_lines(guids, logits[e], gold, e, orders[e]), args, seed)
    coordinates = ["{" + f'"guid":{guids[i]},"index":{i},"confidence":{format_decimal(carto["confidence"][i])},'
                   f'"variability":{format_decimal(carto["variability"][i])},"correctness":{carto["correctness"][i]}' + "}\n"
                   for i in range(N)]
    write_text(f"{folder}/coordinates.jsonl", coordinates, args, seed)
    metrics = ["{" + f'"guid":{guids[i]},"index":{i},"threshold_closeness":{format_decimal(carto["threshold_closeness"][i])},'
               f'"confidence":{format_decimal(carto["confidence"][i])},"variability":{format_decimal(carto["variability"][i])},'
               f'"correctness":{carto["correctness"][i]},"forgetfulness":{carto["forgetfulness"][i]}' + "}\n"
               for i in range(N)]
    write_text(f"{folder}/td_metrics.jsonl", metrics, args, seed)
    tensors = {"guid": guids, "gold": gold, "logits": logits, "p_gold": carto["p"],
               "confidence": carto["confidence"], "variability": carto["variability"],
               "variability_ddof1": carto["variability_ddof1"], "variability_ci": carto["variability_ci"],
               "correctness": carto["correctness"], "forgetfulness": carto["forgetfulness"],
               "threshold_closeness": carto["threshold_closeness"],
               "ftft_confidence": ftft_conf, "ftft_variability": ftft_var, "rates": np.array(RATES, np.float64)}
    if E >= 3:
        burn = cartography_stats(logits, gold, epochs=E - 1)
        tensors.update({"burnout_confidence": burn["confidence"], "burnout_variability": burn["variability"],
                        "burnout_correctness": burn["correctness"], "burnout_forgetfulness": burn["forgetfulness"]})
    tensors.update(selections(carto, ftft_conf, ftft_var, gold, C))
    if name == "lerp":
        tensors["lerp_float64_quantile_count"] = np.array(
            [int(np.sum(ftft_var > np.quantile(ftft_var.astype(np.float64), 1 - 0.33)))], np.int64)
    # Paper Figure 2: per-epoch median p of the hard-to-learn 33 % (exact rule) and of the rest.
    hard = tensors["exact_hard"][RATES.index(0.33)] == 1
    tensors["figure2_hard"] = np.array([np.median(carto["p"][e, hard].astype(np.float64)) for e in range(E)])
    tensors["figure2_rest"] = np.array([np.median(carto["p"][e, ~hard].astype(np.float64)) for e in range(E)])
    write_fixture(f"cartography/dynamics_{name}.ftg", tensors, GENERATOR, args=args, seed=seed,
                  metadata={"burnout_epochs": E - 1 if E >= 3 else None})


# ------------------------------------------------------------------------------------------- quantile cases

def quantile_cases():
    rng = np.random.default_rng(SEED + 77)
    lengths, rates, values, fused, separate, counts = [], [], [], [], [], []
    for k in range(400):
        n = int(rng.integers(1, 300))
        x = rng.random(n).astype(np.float32) * np.float32(rng.choice([1e-3, 1.0, 50.0]))
        if k % 4 == 0:
            x = np.round(x * 8) / 8  # many ties
        rate = float(rng.choice([0.1, 0.25, 0.33, 0.5, 0.17, 0.9, 0.0, 1.0, rng.random()]))
        t = torch201_quantile(x, rate)
        lengths.append(n); rates.append(rate); values.append(x.astype(np.float32))
        fused.append(t); separate.append(torch201_quantile(x, rate, fused=False))
        counts.append(int(np.sum(x > t)))
    # Vectors where the fused and the separately rounded lerp differ (about 1 in 2,000 random cases), so the
    # fixture pins which one torch 2.0.1 uses.
    found = 0
    for attempt in range(400000):
        n = int(rng.integers(2, 200))
        x = rng.random(n).astype(np.float32)
        rate = float(rng.choice([0.1, 0.25, 0.33, 0.5, rng.random()]))
        t, t_separate = torch201_quantile(x, rate), torch201_quantile(x, rate, fused=False)
        if t != t_separate:
            lengths.append(n); rates.append(rate); values.append(x)
            fused.append(t); separate.append(t_separate); counts.append(int(np.sum(x > t)))
            found += 1
            if found == 8:
                break
    else:
        raise RuntimeError("no fused/separate lerp difference found")
    # Engineered: the float32 lerp lands exactly on s[hi], so ">" keeps one example fewer than a float64
    # linear quantile does (the WinoGrande situation of method.md §9.3). Take the first N >= 1000 whose float32
    # rank has a weight w > 0.5 and make s[hi] the float32 right after s[lo]: then b - d(1 - w) rounds to b.
    n = next(n for n in range(1000, 5000)
             if np.float32(np.float32(np.float32(0.67) * np.float32(n - 1)) % np.float32(1)) > 0.5)
    rank = np.float32(np.float32(0.67) * np.float32(n - 1))
    lo, hi = int(rank), int(np.ceil(rank))
    s = np.sort(np.unique((0.1 + 0.3 * rng.random(2 * n)).astype(np.float32)))[:n].copy()
    s[hi] = np.nextafter(s[lo], np.float32(1))
    assert s[hi - 1] < s[hi] < s[hi + 1]
    engineered = s[rng.permutation(n)]
    t = torch201_quantile(engineered, 0.33)
    assert t == s[hi] and np.sum(engineered > t) + 1 == np.sum(engineered > np.quantile(engineered.astype(np.float64), 1 - 0.33))
    t = torch201_quantile(engineered, 0.33)
    write_fixture("cartography/quantile_cases.ftg", {
        "lengths": np.array(lengths, np.int64), "rates": np.array(rates, np.float64),
        "scores": np.concatenate(values), "threshold_fused": np.array(fused, np.float32),
        "threshold_separate": np.array(separate, np.float32), "count": np.array(counts, np.int64),
        "engineered_scores": engineered, "engineered_threshold": np.array([t], np.float32),
        "engineered_count": np.array([int(np.sum(engineered > t))], np.int64),
        "engineered_count_float64_quantile": np.array(
            [int(np.sum(engineered > np.quantile(engineered.astype(np.float64), 1 - 0.33)))], np.int64),
    }, GENERATOR, args={"cases": 400, "engineered_rate": 0.33}, seed=SEED + 77)


def numpy_reductions():
    """np.sum / np.mean / np.std (ddof 0 and 1) of float64 vectors of every length 1..160, bit for bit: checks
    ftft's port of numpy's pairwise summation beyond the short rows of real dynamics."""
    rng = np.random.default_rng(SEED + 99)
    lengths = np.arange(1, 161)
    values = [rng.random(n) * 10 ** rng.uniform(-3, 3) for n in lengths]
    write_fixture("cartography/numpy_reductions.ftg", {
        "lengths": lengths.astype(np.int64), "values": np.concatenate(values),
        "sum": np.array([np.sum(v) for v in values]), "mean": np.array([np.mean(v) for v in values]),
        "std": np.array([np.std(v) for v in values]),
        "std_ddof1": np.array([np.std(v, ddof=1) if len(v) > 1 else np.nan for v in values]),
    }, GENERATOR, args={"lengths": "1..160"}, seed=SEED + 99)


def torch_softmax():
    """torch.softmax on float32 rows of 2 and 3 logits (what p is made of in both references), over scales that
    reach exp's underflow cut-off. (torch.exp itself is not used: on MKL builds it calls MKL's VML, while the
    softmax kernel uses SLEEF's expf_u10.)"""
    rng = np.random.default_rng(SEED + 55)
    out = {}
    for c in (2, 3):
        scale = rng.choice([0.01, 0.1, 1.0, 5.0, 20.0, 60.0], (12_000, 1))
        logits = (rng.standard_normal((12_000, c)) * scale).astype(np.float32)
        out[f"logits_c{c}"] = logits
        out[f"softmax_c{c}"] = torch.softmax(torch.from_numpy(logits), dim=-1)
    write_fixture("cartography/torch_softmax.ftg", out, GENERATOR, args={"rows": 12_000, "C": [2, 3]}, seed=SEED + 55,
                  metadata={"cpu_capability": torch.backends.cpu.get_cpu_capability()})


def main():
    torch.manual_seed(SEED)
    for case in CASES:
        make_case(*case)
    quantile_cases()
    numpy_reductions()
    torch_softmax()


if __name__ == "__main__":
    main()
