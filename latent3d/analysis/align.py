"""Snapshots aligned to each other: orthogonal Procrustes with scale, per run, computed once and cached.

A latent space is defined only up to a rotation or reflection, a uniform scale and a shift. Aligning
snapshot ``i`` onto a reference by the similarity transform that fits it best (least squares over the
test codes) leaves only the movement that is learning. ``"final"`` maps every snapshot onto the last
one; ``"previous"`` chains each snapshot onto its already aligned successor, from the final one
backwards. Decoding stays exact: a drawn point goes back through :meth:`Similarity.invert` to the
snapshot's own codes before its decoder sees it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from latent3d.config.choices import ALIGN_MODES

__all__ = ["ALIGN_MODES", "RunAlignment", "Similarity", "alignment_of", "movement_beyond_alignment", "procrustes",
           "to_snapshot_codes"]

_CACHE_SIZE = 4  # runs whose alignments are kept (a run and a compared run, and a live run's last two)


@dataclass(frozen=True, eq=False)
class Similarity:
    """``y = scale * x @ rotation + shift`` for row vectors ``x``: rotation or reflection, uniform scale, shift.

    Attributes
    ----------
    rotation : ndarray of float64, shape (3, 3)
        Orthogonal (its determinant is +1 or -1).
    scale : float
        Positive.
    shift : ndarray of float64, shape (3,)
    """

    rotation: np.ndarray
    scale: float
    shift: np.ndarray

    @classmethod
    def identity(cls, dim: int = 3) -> Similarity:
        """The transform that changes nothing."""
        return cls(np.eye(dim), 1.0, np.zeros(dim))

    def apply(self, points: np.ndarray) -> np.ndarray:
        """The transformed points (float32, the shape of ``points``: ``[3]`` or ``[N, 3]``)."""
        x = np.asarray(points, np.float64)
        return (self.scale * (x @ self.rotation) + self.shift).astype(np.float32)

    def invert(self, points: np.ndarray) -> np.ndarray:
        """The points this transform maps onto ``points`` (float32): from the drawn space back to the snapshot's."""
        y = np.asarray(points, np.float64)
        return (((y - self.shift) @ self.rotation.T) / self.scale).astype(np.float32)


def procrustes(source: np.ndarray, target: np.ndarray) -> tuple[Similarity, float]:
    """The similarity transform mapping ``source`` onto ``target`` best in least squares, and what it leaves.

    Parameters
    ----------
    source, target : ndarray, shape (N, 3)
        Corresponding points (row ``i`` of both is the same test image).

    Returns
    -------
    transform : Similarity
        Rotation or reflection (no determinant constraint), scale and shift (Umeyama's solution).
    residual : float
        ``||transform(source) - target|| / ||target - mean(target)||`` (Frobenius): 0 when the two
        are identical up to a similarity, about 1 when ``source`` explains nothing of ``target``.
    """
    x = np.asarray(source, np.float64)
    y = np.asarray(target, np.float64)
    if x.shape != y.shape or x.ndim != 2 or len(x) == 0:
        raise ValueError(f"Procrustes needs two [N, D] arrays of the same shape, not {x.shape} and {y.shape}.")
    mx, my = x.mean(axis=0), y.mean(axis=0)
    xc, yc = x - mx, y - my
    sx, sy = float((xc * xc).sum()), float((yc * yc).sum())
    if sx <= 0.0 or not np.isfinite(sx):  # every source point at one place: only the shift is defined
        t = Similarity(np.eye(x.shape[1]), 1.0, my - mx)
        return t, (1.0 if sy > 0 else 0.0)
    u, sigma, vt = np.linalg.svd(xc.T @ yc)
    rotation = u @ vt
    scale = float(sigma.sum() / sx)
    if scale <= 0.0:
        scale = 1.0
    shift = my - scale * (mx @ rotation)
    # ||s Xc R - Yc||^2 = s^2 sx - 2 s tr(S) + sy, and s tr(S) = s^2 sx at the optimum
    left = max(sy - scale * float(sigma.sum()), 0.0)
    residual = float(np.sqrt(left / sy)) if sy > 0 else 0.0
    return Similarity(rotation, scale, shift), residual


def to_snapshot_codes(points: np.ndarray, transform: Similarity | None) -> np.ndarray:
    """Drawn points back in the snapshot's own code space, ready for its decoder (float32).

    Parameters
    ----------
    points : ndarray, shape (3,) or (N, 3)
        Positions as drawn (aligned when alignment is on).
    transform : Similarity or None
        The snapshot's alignment (:meth:`RunAlignment.transform`); None when alignment is off.

    Returns
    -------
    ndarray of float32, the shape of ``points``
    """
    return np.asarray(points, np.float32) if transform is None else transform.invert(points)


def movement_beyond_alignment(codes: np.ndarray, snapshot: int) -> np.ndarray:
    """How far each code moved from snapshot ``snapshot - 1`` once that move's best similarity is taken out.

    Parameters
    ----------
    codes : ndarray, shape (S, N, 3)
    snapshot : int

    Returns
    -------
    ndarray of float32, shape (N,)
        ``|P(codes[s-1]) - codes[s]|`` with ``P`` the Procrustes fit of ``s - 1`` onto ``s``; zeros at 0.
    """
    if snapshot <= 0:
        return np.zeros(codes.shape[1], np.float32)
    transform, _ = procrustes(codes[snapshot - 1], codes[snapshot])
    return np.linalg.norm(transform.apply(codes[snapshot - 1]) - codes[snapshot], axis=1).astype(np.float32)


class RunAlignment:
    """The alignments of one run's snapshots, each mode computed on first use and kept.

    Parameters
    ----------
    codes : ndarray, shape (S, N, 3)
        The run's test codes (not copied; never written).
    """

    def __init__(self, codes: np.ndarray) -> None:
        self._codes = codes
        self._transforms: dict[str, list[Similarity]] = {}
        self._residuals: dict[str, np.ndarray] = {}
        self._aligned: dict[str, np.ndarray] = {}

    @property
    def source(self) -> np.ndarray:
        """The run's codes this alignment was computed from."""
        return self._codes

    def transforms(self, mode: str) -> list[Similarity]:
        """One transform per snapshot for ``mode`` (all identities for ``"none"``)."""
        if mode not in ALIGN_MODES:
            raise ValueError(f"Unknown alignment {mode!r}; use one of {', '.join(ALIGN_MODES)}.")
        if mode not in self._transforms:
            self._compute(mode)
        return self._transforms[mode]

    def transform(self, mode: str, snapshot: int) -> Similarity | None:
        """Snapshot ``snapshot``'s transform in ``mode``, or None for ``"none"`` (nothing to undo)."""
        return None if mode == "none" else self.transforms(mode)[snapshot]

    def residuals(self, mode: str) -> np.ndarray:
        """Each snapshot's relative Procrustes residual onto its reference in ``mode`` (float64 ``[S]``)."""
        self.transforms(mode)
        return self._residuals[mode]

    def codes(self, mode: str) -> np.ndarray:
        """The codes as drawn in ``mode``, float32 ``[S, N, 3]`` (the run's own array for ``"none"``)."""
        if mode == "none":
            return self._codes
        if mode not in self._aligned:
            self.transforms(mode)
        return self._aligned[mode]

    def _compute(self, mode: str) -> None:
        s = len(self._codes)
        transforms = [Similarity.identity(self._codes.shape[2])] * s
        residuals = np.zeros(s)
        aligned = np.empty(self._codes.shape, np.float32) if mode != "none" else self._codes
        if mode != "none":
            aligned[-1] = self._codes[-1]
            for i in range(s - 2, -1, -1):
                reference = self._codes[-1] if mode == "final" else aligned[i + 1]
                transforms[i], residuals[i] = procrustes(self._codes[i], reference)
                aligned[i] = transforms[i].apply(self._codes[i])
            aligned.setflags(write=False)
        self._transforms[mode], self._residuals[mode], self._aligned[mode] = transforms, residuals, aligned


_cache: list[RunAlignment] = []


def alignment_of(codes: np.ndarray) -> RunAlignment:
    """The cached :class:`RunAlignment` of a run's codes array (the same array gives the same object).

    A live run that grew brings a new array, and with it a fresh alignment (its final snapshot moved).
    """
    for alignment in _cache:
        if alignment.source is codes:
            return alignment
    alignment = RunAlignment(codes)
    _cache[:] = [*_cache[-(_CACHE_SIZE - 1):], alignment]
    return alignment
