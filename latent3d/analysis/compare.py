"""Two runs in one space: positions matched by epoch, the second aligned onto the first, neighbour agreement.

The runs are compared over the test images both encoded (each run keeps the first N test images,
so they share the first ``min(N1, N2)``, if their labels agree). Distance between a point's two
aligned positions depends on the alignment; the neighbour agreement (the fraction of each point's
k nearest neighbours that both runs share) does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from latent3d.analysis.align import Similarity, procrustes

__all__ = ["AGREEMENT_K", "CURVE_SAMPLE", "MIN_SHARED", "Comparison", "ComparedPosition", "interpolate_codes",
           "knn_indices", "neighbour_agreement", "shared_images"]

MIN_SHARED = 100  # fewer shared test images say nothing about a space's structure
AGREEMENT_K = 10
CURVE_SAMPLE = 2000  # images the mean-agreement curve averages over (standard error ~0.005); colours use all


def shared_images(labels_a: np.ndarray, labels_b: np.ndarray) -> int:
    """How many leading test images two runs share: ``min(N1, N2)`` when their labels agree there, else 0."""
    n = min(len(labels_a), len(labels_b))
    return n if np.array_equal(np.asarray(labels_a[:n]), np.asarray(labels_b[:n])) else 0


def knn_indices(points: np.ndarray, k: int = AGREEMENT_K, rows: np.ndarray | None = None) -> np.ndarray:
    """The ``k`` nearest other points of every point (or of ``rows`` only), int64 ``[N or len(rows), k]``.

    scipy's ``cKDTree`` over all ``points``; the point itself is left out.
    """
    from scipy.spatial import cKDTree  # on first use: keeps scipy out of the cold start

    pts = np.asarray(points, np.float64)
    own_ids = np.arange(len(pts)) if rows is None else np.asarray(rows, np.int64)
    k = min(k, len(pts) - 1)
    if k < 1:
        return np.zeros((len(own_ids), 0), np.int64)
    _, idx = cKDTree(pts).query(pts[own_ids], k=k + 1)
    idx = np.asarray(idx, np.int64).reshape(len(own_ids), k + 1)
    own = idx == own_ids[:, None]
    # Drop the point itself (usually column 0; after it among exact duplicates), else the farthest.
    drop = np.where(own.any(axis=1), own.argmax(axis=1), k)
    keep = np.ones_like(idx, bool)
    keep[np.arange(len(own_ids)), drop] = False
    return idx[keep].reshape(len(own_ids), k)


def neighbour_agreement(knn_a: np.ndarray, knn_b: np.ndarray) -> np.ndarray:
    """Per point, the fraction of its neighbours in ``knn_a`` also in ``knn_b`` (float32 ``[N]``)."""
    if knn_a.shape[1] == 0:
        return np.ones(len(knn_a), np.float32)
    same = (knn_a[:, :, None] == knn_b[:, None, :]).any(axis=2)
    return same.mean(axis=1).astype(np.float32)


def interpolate_codes(codes: np.ndarray, u: float) -> np.ndarray:
    """Codes at fractional snapshot index ``u`` (linear between the two snapshots around it), float32 ``[N, 3]``."""
    u = min(max(float(u), 0.0), float(len(codes) - 1))
    i = min(int(u), len(codes) - 1)
    f = np.float32(u - i)
    return codes[i] if f == 0 else codes[i] + f * (codes[i + 1] - codes[i])


@dataclass(frozen=True)
class ComparedPosition:
    """Where the second run stands at one position of the first: its matched position and the alignment there."""

    position: float
    transform: Similarity
    residual: float
    codes: np.ndarray  # the second run's shared codes, aligned onto the first run's drawn codes


class Comparison:
    """The second run against the first: matched positions, alignment and neighbour agreement (cached).

    Parameters
    ----------
    epochs_a, epochs_b : ndarray, shape (S1,), (S2,)
        Each snapshot's epoch (``steps / steps_per_epoch``) in the first and the second run.
    codes_b : ndarray, shape (S2, N2, 3)
        The second run's codes.
    n_shared : int
        Test images both runs share (:func:`shared_images`), at least :data:`MIN_SHARED`.
    """

    def __init__(self, epochs_a: np.ndarray, epochs_b: np.ndarray, codes_b: np.ndarray, n_shared: int) -> None:
        if n_shared < MIN_SHARED:
            raise ValueError(f"The two runs share {n_shared} test images; comparing them needs at least {MIN_SHARED}.")
        self.epochs_a = np.asarray(epochs_a, np.float64)
        self.epochs_b = np.asarray(epochs_b, np.float64)
        self.codes_b = codes_b
        self.n = int(n_shared)
        self._knn: dict[tuple[int, int], np.ndarray] = {}  # (run 0/1, snapshot) -> kNN indices
        self._agreement: dict[tuple[int, int], np.ndarray] = {}

    def rebased(self, epochs_a: np.ndarray, same_first: bool) -> Comparison:
        """The same second run against a new first run's snapshots, keeping what is cached that still holds.

        ``same_first``: the first run is the one compared before, grown by a live training (its old
        snapshots unchanged), so its neighbours are kept too; otherwise only the second run's.
        """
        other = Comparison(epochs_a, self.epochs_b, self.codes_b, self.n)
        other._knn = {k: v for k, v in self._knn.items() if same_first or k[0] in (1, 3)}
        if same_first:
            other._agreement = {k: v for k, v in self._agreement.items() if int(round(other.position_b(k[0]))) == k[1]}
        return other

    def position_b(self, u: float) -> float:
        """The second run's fractional snapshot index at the epoch of the first's position ``u`` (clamped)."""
        ia = np.arange(len(self.epochs_a), dtype=np.float64)
        epoch = float(np.interp(u, ia, self.epochs_a))
        return float(np.interp(epoch, self.epochs_b, np.arange(len(self.epochs_b), dtype=np.float64)))

    def ended(self, u: float) -> bool:
        """Whether the second run had ended (its last snapshot is shown) at the first's position ``u``."""
        ia = np.arange(len(self.epochs_a), dtype=np.float64)
        return float(np.interp(u, ia, self.epochs_a)) > self.epochs_b[-1] * (1 + 1e-9) + 1e-12

    def ended_mask(self) -> np.ndarray:
        """Per snapshot of the first run: whether the second had ended there (bool ``[S1]``)."""
        return self.epochs_a > self.epochs_b[-1] * (1 + 1e-9) + 1e-12

    def at(self, u: float, drawn_a: np.ndarray) -> ComparedPosition:
        """The second run at the first's position ``u``, aligned onto ``drawn_a`` (the first's drawn codes there)."""
        ub = self.position_b(u)
        raw = interpolate_codes(self.codes_b, ub)[: self.n]
        transform, residual = procrustes(raw, np.asarray(drawn_a)[: self.n])
        return ComparedPosition(ub, transform, residual, transform.apply(raw))

    def _neighbours(self, which: int, codes: np.ndarray, snapshot: int) -> np.ndarray:
        key = (which, snapshot)
        if key not in self._knn:
            self._knn[key] = knn_indices(codes[snapshot, : self.n])
        return self._knn[key]

    def agreement(self, codes_a: np.ndarray, snapshot_a: int) -> np.ndarray:
        """Neighbour agreement (k = 10) per shared image between the first run's snapshot and the second's nearest."""
        snapshot_b = int(round(self.position_b(float(snapshot_a))))
        key = (snapshot_a, snapshot_b)
        if key not in self._agreement:
            self._agreement[key] = neighbour_agreement(self._neighbours(0, codes_a, snapshot_a),
                                                       self._neighbours(1, self.codes_b, snapshot_b))
        return self._agreement[key]

    def agreement_curve(self, codes_a: np.ndarray, sample: int = CURVE_SAMPLE) -> np.ndarray:
        """The mean neighbour agreement at every snapshot of the first run (float64 ``[S1]``).

        Averaged over a fixed random ``sample`` of the shared images (their neighbours found among
        all of them): 5x cheaper than every image, and the mean moves by about 0.005.
        """
        rows = np.sort(np.random.default_rng(0).choice(self.n, min(sample, self.n), replace=False))
        out = np.empty(len(codes_a))
        for s in range(len(codes_a)):
            snapshot_b = int(round(self.position_b(float(s))))
            if (s, snapshot_b) in self._agreement:
                out[s] = float(self._agreement[(s, snapshot_b)][rows].mean())
                continue
            knn_a = self._sampled(0, codes_a, s, rows)
            knn_b = self._sampled(1, self.codes_b, snapshot_b, rows)
            out[s] = float(neighbour_agreement(knn_a, knn_b).mean())
        return out

    def _sampled(self, which: int, codes: np.ndarray, snapshot: int, rows: np.ndarray) -> np.ndarray:
        key = (which + 2, snapshot)  # 2, 3: the sampled rows of run 0, 1
        if key not in self._knn:
            self._knn[key] = knn_indices(codes[snapshot, : self.n], rows=rows)
        return self._knn[key]

    def colour_values(self, mode: str, drawn_a: np.ndarray, codes_a: np.ndarray, snapshot: int) -> np.ndarray:
        """Per test image of the first run, ``distance`` to its aligned twin or its neighbour ``agreement``.

        Parameters
        ----------
        mode : {"distance", "agreement"}
        drawn_a, codes_a : ndarray, shape (S1, N1, 3)
            The first run's codes as drawn (aligned or not) and its own codes.
        snapshot : int
            The first run's snapshot shown.

        Returns
        -------
        ndarray of float32, shape (N1,)
            Images the second run lacks get the smallest value of the others (they are not compared).
        """
        if mode == "distance":
            shared = np.linalg.norm(self.at(float(snapshot), drawn_a[snapshot]).codes - drawn_a[snapshot, : self.n],
                                    axis=1)
        elif mode == "agreement":
            shared = self.agreement(codes_a, snapshot)
        else:
            raise ValueError(f"Unknown comparison colour {mode!r}; use distance or agreement.")
        out = np.full(codes_a.shape[1], float(shared.min()), np.float32)
        out[: self.n] = shared
        return out

    def shared_snapshots(self) -> list[tuple[int, int]]:
        """``(snapshot of the first, snapshot of the second)`` pairs at the same epoch (every epoch end at least)."""
        pairs = []
        for i, e in enumerate(self.epochs_a):
            j = int(np.searchsorted(self.epochs_b, e))
            for jj in (j - 1, j):
                if 0 <= jj < len(self.epochs_b) and np.isclose(self.epochs_b[jj], e, rtol=1e-9, atol=1e-12):
                    pairs.append((i, jj))
                    break
        return pairs

    def report(self, codes_a: np.ndarray, steps_a: np.ndarray) -> list[dict[str, Any]]:
        """Per shared position: ``step`` (the first run's), ``epoch``, ``residual`` and ``neighbour_agreement``."""
        rows = []
        for i, j in self.shared_snapshots():
            _, residual = procrustes(self.codes_b[j, : self.n], codes_a[i, : self.n])
            knn_a, knn_b = self._neighbours(0, codes_a, i), self._neighbours(1, self.codes_b, j)
            mean = float(neighbour_agreement(knn_a, knn_b).mean())
            rows.append({"step": int(steps_a[i]), "epoch": float(self.epochs_a[i]), "residual": residual,
                         "neighbour_agreement": mean})
        return rows
