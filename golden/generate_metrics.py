"""Golden values for ftft's metrics (Tests/DataTests/MetricsTests.swift), from scikit-learn and Python.

- accuracy: sklearn.metrics.accuracy_score
- macro-F1: sklearn.metrics.f1_score(y_true, y_pred, average='macro') with every other argument at its
  default (labels=None, zero_division='warn'), as FTFT calls it (method.md 1.6)
- HANS accuracy: accuracy_score after mapping 3-class NLI predictions 0 -> 0, {1, 2} -> 1
- rounding: float('{:.4f}'.format(x)), as FTFT stores every metric (F:evaluation.py L19-21)

Cases cover random predictions of several sizes and class counts, and the edges: a class predicted but
never true, true but never predicted, absent from both, a single class, non-contiguous class ids, and more
than 8 classes (numpy's pairwise summation). Writes golden/metrics.ftg.
"""
import numpy as np
import sklearn
from sklearn.metrics import accuracy_score, f1_score

from ftft_fixture import write_fixture

SEED = 7


def fmt4(x):
    return float('{:.4f}'.format(x))


def main():
    rng = np.random.default_rng(SEED)
    cases = []
    # Random predictions: (n, classes, probability the prediction is right).
    for n, k, p in [(50, 2, 0.7), (333, 2, 0.55), (1000, 2, 0.9), (97, 3, 0.6), (600, 3, 0.4),
                    (500, 12, 0.5), (800, 20, 0.3), (1500, 150, 0.2), (10, 3, 0.0)]:
        labels = rng.integers(0, k, n)
        wrong = (labels + rng.integers(1, k, n)) % k
        predictions = np.where(rng.random(n) < p, labels, wrong)
        cases.append((labels, predictions))
    edge = [
        ([0, 0, 1, 1, 1], [0, 0, 0, 0, 0]),          # class 1 never predicted
        ([0, 0, 0, 0], [0, 1, 1, 0]),                # class 1 predicted, never true
        ([0, 0, 0], [0, 0, 0]),                      # one class only
        ([0, 2, 2, 0, 2], [0, 2, 0, 0, 2]),          # class 1 of 3 absent from both
        ([5, 7, 0, 7, 5, 5], [5, 0, 0, 7, 7, 5]),    # non-contiguous class ids
        ([1, 0, 1, 0], [0, 1, 0, 1]),                # all wrong
    ]
    cases += [(np.array(a), np.array(b)) for a, b in edge]
    tensors = {}
    for i, (labels, predictions) in enumerate(cases):
        acc = accuracy_score(labels, predictions)
        f1 = f1_score(labels, predictions, average='macro')
        tensors[f"case{i}.labels"] = labels.astype(np.int64)
        tensors[f"case{i}.predictions"] = predictions.astype(np.int64)
        tensors[f"case{i}.expected"] = np.array([acc, f1, fmt4(acc), fmt4(f1)], dtype=np.float64)
    for i, n in enumerate([30, 1000, 3000]):
        labels = rng.integers(0, 2, n)
        nli = rng.integers(0, 3, n)
        acc = accuracy_score(labels, np.where(nli == 0, 0, 1))
        tensors[f"hans{i}.labels"] = labels.astype(np.int64)
        tensors[f"hans{i}.predictions"] = nli.astype(np.int64)
        tensors[f"hans{i}.expected"] = np.array([acc, fmt4(acc)], dtype=np.float64)
    # Rounding: random values, exact binary ties at the 5th decimal (k/32), and decimal near-ties.
    ties = [k / 32 for k in range(33)] + [0.15625, 0.84375, 1 / 64, 3 / 64, 2.5e-5, 7.5e-5]
    near = [0.12345, 0.99995, 0.00005, 0.00015, 0.66665, 0.33335, 0.5, 1.0, 0.0, 123.456789, -0.12345, -0.00004]
    inputs = np.concatenate([rng.random(500), np.array(ties + near), rng.random(50) * 1e-3])
    tensors["rounding.inputs"] = inputs.astype(np.float64)
    tensors["rounding.outputs"] = np.array([fmt4(x) for x in inputs], dtype=np.float64)
    write_fixture("metrics.ftg", tensors, generator="golden/generate_metrics.py",
                  args={"cases": len(cases), "hans_cases": 3}, seed=SEED,
                  metadata={"sklearn": sklearn.__version__})


if __name__ == "__main__":
    main()
