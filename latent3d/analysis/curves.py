"""Loss curves without Qt: per-class test loss at each snapshot and a debiased moving average of the step loss."""

from __future__ import annotations

import numpy as np

__all__ = ["per_class_loss", "smooth"]


def per_class_loss(test_bce: np.ndarray, labels: np.ndarray, n_classes: int = 10) -> np.ndarray:
    """Mean test BCE of each class at each snapshot.

    Parameters
    ----------
    test_bce : ndarray of float, shape (S, N)
        Each test image's BCE at each snapshot.
    labels : ndarray of int, shape (N,)
    n_classes : int

    Returns
    -------
    ndarray of float64, shape (S, n_classes)
        NaN for a class with no test image (a small test subset).
    """
    bce = np.asarray(test_bce, np.float64)
    labels = np.asarray(labels, np.int64)
    counts = np.bincount(labels, minlength=n_classes).astype(np.float64)
    sums = np.zeros((bce.shape[0], n_classes))
    for c in range(n_classes):  # ten column sums: cheaper than a one-hot matmul for S x 10k
        mask = labels == c
        if mask.any():
            sums[:, c] = bce[:, mask].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts


def smooth(values: np.ndarray, weight: float = 0.98) -> np.ndarray:
    """Exponential moving average with the start-up bias removed (as TensorBoard smooths).

    Parameters
    ----------
    values : ndarray of float, shape (T,)
    weight : float
        0 returns the values unchanged; closer to 1 smooths more.

    Returns
    -------
    ndarray of float64, shape (T,)
    """
    v = np.asarray(values, np.float64)
    if not 0.0 <= weight < 1.0:
        raise ValueError("The smoothing weight must be in [0, 1).")
    if len(v) == 0 or weight == 0.0:
        return v.copy()
    # acc[i] = w*acc[i-1] + (1-w)*x[i], solved in blocks with cumsum: within a block of B steps
    # acc[i] = w^(i+1)*acc0 + (1-w)*w^i*cumsum(x[j]*w^-j), where w^-B stays small enough to be exact.
    # (scipy.signal.lfilter does the same in C, but importing it costs the window seconds.)
    block = max(1, min(256, int(30.0 / max(-np.log(weight), 1e-12)) if weight > 0 else 256))
    out = np.empty_like(v)
    acc = 0.0
    for start in range(0, len(v), block):
        x = v[start:start + block]
        k = np.arange(len(x), dtype=np.float64)
        powers = weight ** k
        out[start:start + len(x)] = weight * powers * acc + (1.0 - weight) * powers * np.cumsum(x / powers)
        acc = out[start + len(x) - 1]
    return out / (1.0 - weight ** np.arange(1, len(v) + 1))
