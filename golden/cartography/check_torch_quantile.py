"""Checks generate_cartography.torch201_quantile (the emulation of torch 2.0.1's float32 `torch.quantile` that
the FTFT-rule fixtures use) against the torch installed in the running interpreter, on random score vectors.

Usage: <python with torch> golden/cartography/check_torch_quantile.py [cases]
Prints how many thresholds match the fused-lerp emulation (the default) and the separately rounded one, and exits
non-zero if the fused emulation misses any. Expected: all with torch 2.0.1 on an x86-64 CPU with AVX2; newer
torch (2.15) computes the rank in float64 and does not match (that is why the fixtures emulate 2.0.1).
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from generate_cartography import torch201_quantile  # noqa: E402


def main():
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    rng = np.random.default_rng(1)
    fused = separate = 0
    for _ in range(cases):
        n = int(rng.integers(2, 3000))
        x = (rng.random(n) * rng.choice([1e-3, 1.0, 100.0])).astype(np.float32)
        rate = float(rng.choice([0.1, 0.25, 0.33, 0.5, 0.17, 0.9, rng.random()]))
        t = np.float32(torch.quantile(torch.from_numpy(x), 1 - rate).item())
        fused += int(torch201_quantile(x, rate) == t)
        separate += int(torch201_quantile(x, rate, fused=False) == t)
    print(f"torch {torch.__version__}: fused lerp matches {fused}/{cases}, separately rounded {separate}/{cases}")
    sys.exit(0 if fused == cases else 1)


if __name__ == "__main__":
    main()
