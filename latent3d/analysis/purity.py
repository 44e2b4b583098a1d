"""Class separation over training: kNN class purity of the codes at each snapshot, and when each curve crosses half-way.

Purity at one snapshot: for every test code, the fraction of its ``k`` nearest neighbours in code
space (itself left out) that share its class; averaged over each class and over all points. A cloud
of well separated classes scores 1, classes mixed at random about ``1 / classes``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from latent3d.util.threads import available_cores

__all__ = ["PURITY_K", "AnalysisStopped", "LearningEvent", "crossing_step", "knn_purity", "purity_curves"]

PURITY_K = 10  # neighbours per point


def _neighbours(points: np.ndarray, k: int, workers: int = 1) -> np.ndarray:
    """Indices ``[N, k]`` of each point's ``k`` nearest other points (the point itself left out)."""
    from scipy.spatial import cKDTree  # imported on first use: keeps scipy out of the cold start

    n = len(points)
    want = min(k + 1, n)
    tree = cKDTree(points)
    # Asked in the tree's own order, neighbouring queries walk the same nodes (~7 % less CPU); each point's
    # answer depends only on the tree and the point, so the order and the workers change no result.
    order = tree.indices
    _, found = tree.query(points[order], k=want, workers=workers)
    idx = np.empty((n, want), np.int64)
    idx[order] = np.asarray(found, np.int64).reshape(n, want)
    own = idx == np.arange(n)[:, None]
    # A point with duplicates may come back in any column, or not at all: drop its own column, else the last.
    drop = np.where(own.any(axis=1), own.argmax(axis=1), want - 1)
    keep = np.ones_like(idx, bool)
    keep[np.arange(n), drop] = False
    return idx[keep].reshape(n, want - 1)


def knn_purity(codes: np.ndarray, labels: np.ndarray, k: int = PURITY_K,
               n_classes: int = 10, workers: int = 1) -> tuple[np.ndarray, float]:
    """kNN class purity of one snapshot's codes.

    Parameters
    ----------
    codes : ndarray, shape (N, D)
    labels : ndarray of int, shape (N,)
    k : int
        Neighbours per point (fewer when there are fewer other points).
    n_classes : int
    workers : int
        Threads of the neighbour search (the result is the same for any number).

    Returns
    -------
    per_class : ndarray of float64, shape (n_classes,)
        Mean purity of each class's points; NaN for a class without points.
    overall : float
        Mean purity over all points (NaN for fewer than two points).
    """
    labels = np.asarray(labels, np.int64)
    pts = np.asarray(codes, np.float64)
    per_class = np.full(n_classes, np.nan)
    if len(pts) < 2 or k < 1:
        return per_class, math.nan
    if not np.isfinite(pts).all():
        pts = np.nan_to_num(pts, nan=0.0, posinf=0.0, neginf=0.0)  # a diverged code sits at the origin
    nb = _neighbours(pts, k, workers)
    same = (labels[nb] == labels[:, None]).mean(axis=1)
    counts = np.bincount(labels, minlength=n_classes)[:n_classes]
    sums = np.bincount(labels, weights=same, minlength=n_classes)[:n_classes]
    with np.errstate(invalid="ignore", divide="ignore"):
        per_class = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return per_class, float(same.mean())


class AnalysisStopped(Exception):
    """The analysis was asked to stop (its ``stop`` flag) between two snapshots."""


def purity_curves(codes: np.ndarray, labels: np.ndarray, k: int = PURITY_K, n_classes: int = 10,
                  start: int = 0, workers: int | None = None,
                  stop: Callable[[], bool] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`knn_purity` at snapshots ``start .. S - 1``.

    Parameters
    ----------
    codes : ndarray, shape (S, N, D)
    labels : ndarray of int, shape (N,)
    k, n_classes : int
    start : int
        First snapshot to compute (a live run's new snapshots only).
    workers : int, optional
        Threads of each neighbour search; default one per available core (the searches are most
        of the learning analysis: on 2 cores ~0.95 s of CPU for 40 snapshots of 10,000 points).
    stop : callable, optional
        Checked before each snapshot: True raises :class:`AnalysisStopped` (a worker asked to end).

    Returns
    -------
    per_class : ndarray of float64, shape (S - start, n_classes)
    overall : ndarray of float64, shape (S - start,)
    """
    workers = available_cores() if workers is None else workers
    rows = []
    for s in range(start, len(codes)):
        if stop is not None and stop():
            raise AnalysisStopped(f"Stopped before snapshot {s}.")
        rows.append(knn_purity(codes[s], labels, k, n_classes, workers))
    per = np.array([r[0] for r in rows], np.float64).reshape(len(rows), n_classes)
    return per, np.array([r[1] for r in rows], np.float64)


def crossing_step(steps: np.ndarray, values: np.ndarray) -> tuple[float, int, int] | None:
    """Where ``values`` first crosses half-way from its first to its last finite value.

    Parameters
    ----------
    steps : ndarray, shape (S,)
        Training step of each snapshot, increasing.
    values : ndarray, shape (S,)
        A curve over the snapshots (NaN where unknown).

    Returns
    -------
    (step, before, after) or None
        The step of the crossing, interpolated linearly in steps between snapshot ``before`` (the
        last finite one short of half-way) and ``after`` (the first at or past half-way); None when
        the curve has fewer than two finite values or does not change.
    """
    v = np.asarray(values, np.float64)
    s = np.asarray(steps, np.float64)
    ok = np.flatnonzero(np.isfinite(v))
    if len(ok) < 2:
        return None
    first, last = v[ok[0]], v[ok[-1]]
    if not abs(last - first) > 1e-9 * max(1.0, abs(first)):
        return None
    mid = 0.5 * (first + last)
    sign = 1.0 if last > first else -1.0
    past = ok[sign * (v[ok] - mid) >= 0]
    j = int(past[0])  # never ok[0]: the first value is on the wrong side of mid
    i = int(ok[ok < j][-1])
    t = (mid - v[i]) / (v[j] - v[i]) if v[j] != v[i] else 1.0
    return float(s[i] + t * (s[j] - s[i])), i, j


@dataclass(frozen=True)
class LearningEvent:
    """One learning event: a class separates, or half of the loss drop is done.

    Attributes
    ----------
    kind : str
        ``"class"`` or ``"loss"``.
    cls : int or None
        The class of a ``"class"`` event.
    step : float
        The interpolated step of the crossing.
    before, after : int
        The snapshots bracketing it (``after`` is the first at or past half-way).
    label : str
        ``"Trouser separates"`` or ``"half the loss drop"``.
    """

    kind: str
    cls: int | None
    step: float
    before: int
    after: int
    label: str

    def tooltip(self, steps: np.ndarray) -> str:
        """A sentence saying what the event is and how it was placed (snapshot resolution, interpolated)."""
        what = ("its kNN class purity is half-way from step 0 to the end" if self.kind == "class"
                else "half of the total drop of the test loss is done")
        return (f"{self.label} at step {self.step:,.0f}: {what}. Computed at the snapshots and interpolated "
                f"between step {steps[self.before]:,.0f} and step {steps[self.after]:,.0f}.")
