"""Qt-free maths on groups of test images: combining selections, class counts, mean curves, centroid paths, trails."""

from __future__ import annotations

import numpy as np

__all__ = ["SELECT_OPS", "as_group", "centroid_path", "class_counts", "combine", "mean_curve", "trail_sample",
           "trail_snapshots", "worst"]

#: How a new selection meets the group: replace it, add to it (Shift), remove from it (Ctrl).
SELECT_OPS = ("replace", "add", "remove")


def as_group(indices: object, n: int) -> np.ndarray:
    """``indices`` as a group of a run with ``n`` test images: sorted, unique, read-only int64.

    Parameters
    ----------
    indices : array-like of int
    n : int
        Number of test images; every index must lie in ``[0, n)``.

    Returns
    -------
    ndarray of int64

    Raises
    ------
    ValueError
        Non-integers, indices out of range, or repeated indices, in one sentence.
    """
    a = np.asarray(indices)
    if a.size == 0:
        a = np.zeros(0, np.int64)
    if a.ndim != 1 or a.dtype == np.bool_ or not np.issubdtype(a.dtype, np.integer):
        raise ValueError("A group must be a flat list of test-image indices (integers).")
    a = a.astype(np.int64)
    if a.size and (int(a.min()) < 0 or int(a.max()) >= n):
        bad = int(a[(a < 0) | (a >= n)][0])
        raise ValueError(f"A group's indices must lie from 0 to {n - 1}, not {bad}.")
    out = np.unique(a)
    if out.size != a.size:
        raise ValueError("A group lists a test image twice; list each index once.")
    out.setflags(write=False)
    return out


def combine(current: np.ndarray, new: np.ndarray, op: str) -> np.ndarray:
    """The group after a selection ``new`` meets ``current`` by ``op`` (see ``SELECT_OPS``); sorted, unique."""
    if op == "replace":
        out = np.unique(np.asarray(new, np.int64))
    elif op == "add":
        out = np.union1d(current, np.asarray(new, np.int64)).astype(np.int64)
    elif op == "remove":
        out = np.setdiff1d(current, np.asarray(new, np.int64), assume_unique=False).astype(np.int64)
    else:
        raise ValueError(f"Unknown selection operation {op!r}; use one of {', '.join(SELECT_OPS)}.")
    out.setflags(write=False)
    return out


def class_counts(labels: np.ndarray, group: np.ndarray, n_classes: int = 10) -> np.ndarray:
    """How many of ``group``'s images belong to each class: int64 ``[n_classes]``."""
    return np.bincount(np.asarray(labels)[group], minlength=n_classes)[:n_classes].astype(np.int64)


def mean_curve(test_bce: np.ndarray, group: np.ndarray) -> np.ndarray:
    """The group's mean test BCE at every snapshot, float64 ``[S]`` (NaN for an empty group)."""
    if len(group) == 0:
        return np.full(test_bce.shape[0], np.nan)
    return np.asarray(test_bce[:, group], np.float64).mean(axis=1)


def centroid_path(codes: np.ndarray, group: np.ndarray) -> np.ndarray:
    """The group's mean code at every snapshot, float32 ``[S, 3]`` (zeros for an empty group)."""
    if len(group) == 0:
        return np.zeros((codes.shape[0], 3), np.float32)
    return np.asarray(codes[:, group], np.float64).mean(axis=1).astype(np.float32)


def trail_sample(group: np.ndarray, limit: int) -> np.ndarray:
    """At most ``limit`` of ``group``, evenly spread through it (deterministic, so the window and ``render`` agree)."""
    if len(group) <= limit:
        return np.asarray(group, np.int64)
    return np.asarray(group, np.int64)[np.linspace(0, len(group) - 1, limit).round().astype(np.int64)]


def trail_snapshots(position: float, length: int, last: int) -> tuple[np.ndarray, float]:
    """The stored snapshots a trail of ``length`` snapshots passes through up to ``position``, and the head's fraction.

    Parameters
    ----------
    position : float
        Fractional snapshot index shown (the trail's head).
    length : int
        How many stored snapshots the trail reaches back.
    last : int
        Index of the run's last snapshot.

    Returns
    -------
    snapshots : ndarray of int64, shape (length,)
        Oldest first; at the start of the run the first index repeats (zero-length segments),
        so the vertex count stays fixed and the trail is updated in place.
    fraction : float
        Where the head lies between the last of ``snapshots`` and the next one.
    """
    u = min(max(float(position), 0.0), float(last))
    i = min(int(u), last)
    return np.maximum(np.arange(i - length + 1, i + 1, dtype=np.int64), 0), u - i


def worst(bce: np.ndarray, n: int, allowed: np.ndarray | None = None) -> np.ndarray:
    """The ``n`` images of highest ``bce`` (``[N]``), among ``allowed`` (a bool mask) when given; sorted indices."""
    values = np.asarray(bce, np.float64)
    candidates = np.flatnonzero(allowed) if allowed is not None else np.arange(len(values))
    n = max(0, min(int(n), len(candidates)))
    if n == 0:
        return np.zeros(0, np.int64)
    top = np.argpartition(-values[candidates], n - 1)[:n]
    return np.sort(candidates[top]).astype(np.int64)
