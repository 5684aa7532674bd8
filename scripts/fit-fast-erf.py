"""Fits the polynomial coefficients of ftft's vectorised erf/erfc (Sources/FTFTEncoder/Kernels+FastMath.swift).

    |z| < 0.75:  erf(z)  = z · P(z²),                       P of degree 5
    z ≥ 0.75:    erfc(z) = exp(−z²) · R(t),  t = 1/(1 + z/2),  R of degree 8, fitted on z ∈ [0.75, 10]

Weighted least squares (relative error) on 3000 Chebyshev nodes, in double precision. Prints Swift literals and
the worst relative error of a float32 Horner evaluation on a dense grid. Usage: python3 scripts/fit-fast-erf.py
"""
import math

import numpy as np

erf = np.vectorize(math.erf)
erfc = np.vectorize(math.erfc)


def fit(f, lo, hi, degree, variable):
    k = np.arange(3000)
    x = (lo + hi) / 2 + (hi - lo) / 2 * np.cos(np.pi * (k + 0.5) / 3000)
    y = f(x)
    A = np.vander(variable(x), degree + 1, increasing=True) / np.abs(y)[:, None]
    coefficients, *_ = np.linalg.lstsq(A, y / np.abs(y), rcond=None)
    return coefficients


def horner32(coefficients, t):
    t = t.astype(np.float32)
    r = np.full_like(t, np.float32(coefficients[-1]))
    for a in coefficients[-2::-1]:
        r = r * t + np.float32(a)
    return r


small = fit(lambda z: erf(z) / z, 1e-6, 0.75, 5, lambda z: z * z)
large = fit(lambda z: erfc(z) * np.exp(z * z), 0.75, 10.0, 8, lambda z: 1 / (1 + 0.5 * z))
z = np.linspace(1e-4, 0.75, 100001)
small_error = np.max(np.abs(horner32(small, z * z) * z.astype(np.float32) - erf(z)) / erf(z))
z = np.linspace(0.75, 10.0, 100001)
t = np.float32(1) / (np.float32(1) + np.float32(0.5) * z.astype(np.float32))
large_error = np.max(np.abs(horner32(large, t) - erfc(z) * np.exp(z * z)) / (erfc(z) * np.exp(z * z)))
print("// erf(z)/z for |z| < 0.75, in powers of z²; worst float32 relative error %.2e" % small_error)
print("static let erfSmall: [Float] = [" + ", ".join("%.9e" % c for c in small) + "]")
print("// erfc(z)·exp(z²) for z ≥ 0.75, in powers of t = 1/(1 + z/2); worst float32 relative error %.2e" % large_error)
print("static let erfcLarge: [Float] = [" + ", ".join("%.9e" % c for c in large) + "]")
