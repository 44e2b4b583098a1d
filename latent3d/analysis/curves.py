"""Loss curves without Qt: per-class test loss at each snapshot, and the step loss averaged in bins along the axis."""

from __future__ import annotations

import numpy as np

__all__ = ["binned_loss_at", "binned_mean", "per_class_loss"]


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


def binned_mean(x: np.ndarray, values: np.ndarray, bins: int = 300) -> tuple[np.ndarray, np.ndarray]:
    """Mean of ``values`` in ``bins`` equal bins of ``x`` (empty bins left out), placed at each bin's mean ``x``.

    The loss panel bins the per-step loss along the axis it draws (log10(1 + step) or step), so the
    smoothing follows the picture: the first steps of epoch 1, spread wide on a log axis, stay single
    steps, while thousands of later steps share a bin. (A moving average over steps lags far behind on
    a log axis early on.)

    Parameters
    ----------
    x : ndarray of float, shape (T,)
        Positions on the axis, ascending.
    values : ndarray of float, shape (T,)
    bins : int

    Returns
    -------
    (ndarray, ndarray)
        Bin positions and means, float64.
    """
    x = np.asarray(x, np.float64)
    v = np.asarray(values, np.float64)
    if len(x) == 0:
        return x.copy(), v.copy()
    lo, hi = float(x[0]), float(x[-1])
    idx = np.zeros(len(x), np.int64) if hi <= lo else np.minimum(((x - lo) / (hi - lo) * bins).astype(np.int64),
                                                                  bins - 1)
    counts = np.bincount(idx, minlength=bins)
    keep = counts > 0
    return (np.bincount(idx, x, minlength=bins)[keep] / counts[keep],
            np.bincount(idx, v, minlength=bins)[keep] / counts[keep])


def _axis(steps: np.ndarray, axis: str) -> np.ndarray:
    s = np.asarray(steps, np.float64)
    return np.log10(1.0 + np.maximum(s, 0.0)) if axis == "log" else s


def binned_loss_at(step_loss: np.ndarray | None, step: float, axis: str, bins: int = 300) -> float | None:
    """The training loss at ``step`` as the loss plot draws it: the mean of the bin of the axis holding it.

    Parameters
    ----------
    step_loss : ndarray of float, shape (T,), or None
        The loss of training steps 1..T (None or empty: a run that stored none).
    step : float
        A training step (fractional between snapshots); rounded to the nearest step.
    axis : str
        ``log`` or ``linear``: the axis the bins divide evenly, as in :func:`binned_mean`.
    bins : int

    Returns
    -------
    float or None
        None before the first step (step 0 has no training loss) or without step losses.
    """
    if step_loss is None or len(step_loss) == 0 or not np.isfinite(step) or round(step) < 1:
        return None
    x = _axis(np.arange(1, len(step_loss) + 1), axis)
    lo, hi = float(x[0]), float(x[-1])
    here = float(_axis(np.array([min(round(step), len(step_loss))]), axis)[0])
    if hi <= lo:
        return float(np.mean(step_loss))
    idx = np.minimum(((x - lo) / (hi - lo) * bins).astype(np.int64), bins - 1)
    mine = min(int((here - lo) / (hi - lo) * bins), bins - 1)
    return float(np.asarray(step_loss, np.float64)[idx == mine].mean())


class BinnedLossAt:
    """:func:`binned_loss_at` for one run and axis, the bins' means computed once (a timeline move looks one up)."""

    def __init__(self, step_loss: np.ndarray | None, axis: str, bins: int = 300) -> None:
        self.step_loss, self.axis, self.bins = step_loss, axis, bins
        self._means: np.ndarray | None = None
        if step_loss is not None and len(step_loss):
            x = _axis(np.arange(1, len(step_loss) + 1), axis)
            self._lo, self._hi = float(x[0]), float(x[-1])
            if self._hi > self._lo:
                idx = np.minimum(((x - self._lo) / (self._hi - self._lo) * bins).astype(np.int64), bins - 1)
                sums = np.bincount(idx, weights=np.asarray(step_loss, np.float64), minlength=bins)
                counts = np.bincount(idx, minlength=bins)
                with np.errstate(invalid="ignore", divide="ignore"):
                    self._means = sums / counts

    def __call__(self, step: float) -> float | None:
        """The training loss at ``step``, as :func:`binned_loss_at` gives it."""
        loss = self.step_loss
        if loss is None or len(loss) == 0 or not np.isfinite(step) or round(step) < 1:
            return None
        if self._means is None:
            return float(np.mean(loss))
        here = float(_axis(np.array([min(round(step), len(loss))]), self.axis)[0])
        return float(self._means[min(int((here - self._lo) / (self._hi - self._lo) * self.bins), self.bins - 1)])
