"""Exploration maths without Qt or pyvista: filmstrips, interpolation paths, neighbours, off-manifold cue, colours."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from latent3d.analysis.decoder import NumpyDecoder
from latent3d.analysis.interpolate import lerp
from latent3d.config.choices import ALL_COLOUR_MODES, COLOUR_MODES, COMPARE_COLOUR_MODES

__all__ = ["ALL_COLOUR_MODES", "COLOUR_MODES", "COMPARE_COLOUR_MODES", "NeighbourIndex", "ProbeCue", "colour_range",
           "colour_values", "filmstrip", "lerp", "map_colours", "movement", "movie_times", "path_decodes"]

NAN_GREY = (110, 110, 118)  # the colour of a value that does not exist (never learned)
DENSITY_K = 10  # neighbours used for the local-density estimate
_DENSITY_SAMPLE = 500  # data points sampled to learn what "typical" density is at a snapshot


def filmstrip(decoder: Callable[[int], NumpyDecoder], codes: np.ndarray, index: int,
              snapshots: Sequence[int] | None = None) -> np.ndarray:
    """Reconstructions ``[len(codes), 784]`` of test image ``index`` at each snapshot.

    Parameters
    ----------
    decoder : callable
        ``decoder(s)`` returns snapshot ``s``'s decoder (``Run.decoder``).
    codes : ndarray, shape (K, N, 3)
        The codes at the snapshots shown.
    index : int
        Test-image index.
    snapshots : sequence of int, optional
        The snapshot of each row of ``codes`` (default ``0 .. K-1``): row ``i`` is decoded by
        ``decoder(snapshots[i])`` from that snapshot's code.

    Returns
    -------
    ndarray of float32, shape (K, 784)
    """
    ids = range(len(codes)) if snapshots is None else snapshots
    return np.stack([decoder(int(s))(codes[i, index])[0] for i, s in enumerate(ids)]).astype(np.float32)


def path_decodes(decoder: NumpyDecoder, a: np.ndarray, b: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` evenly spaced codes on the straight path ``a -> b`` (ends included) and their decodes.

    Parameters
    ----------
    decoder : NumpyDecoder
    a, b : ndarray, shape (3,)
        The path's ends.
    n : int
        Number of samples, at least 2.

    Returns
    -------
    codes : ndarray of float32, shape (n, 3)
    images : ndarray of float32, shape (n, 784)
    """
    if n < 2:
        raise ValueError("A path needs at least 2 samples.")
    codes = lerp(a, b, np.linspace(0.0, 1.0, n))
    return codes, decoder(codes)


def movement(codes: np.ndarray, snapshot: int) -> np.ndarray:
    """How far each code moved from ``snapshot - 1`` to ``snapshot`` (zeros at snapshot 0), float32 ``[N]``."""
    if snapshot <= 0:
        return np.zeros(codes.shape[1], np.float32)
    return np.linalg.norm(codes[snapshot] - codes[snapshot - 1], axis=1).astype(np.float32)


def colour_values(mode: str, snapshot: int, codes: np.ndarray, test_bce: np.ndarray,
                  steps: np.ndarray | None = None) -> np.ndarray | None:
    """The scalar each point is coloured by in ``mode`` at stored ``snapshot``; None for ``"class"``.

    Parameters
    ----------
    mode : {"class", "error", "movement", "aligned-movement", "learned"}
    snapshot : int
    codes : ndarray, shape (E + 1, N, 3)
    test_bce : ndarray, shape (E + 1, N)
    steps : ndarray, shape (E + 1,), optional
        Each snapshot's step: needed by ``"learned"`` (``log10(1 + learned-at step)``, NaN for never).

    Returns
    -------
    ndarray of float32, shape (N,), or None
        Per-image BCE at ``snapshot`` for ``"error"``; distance moved since ``snapshot - 1`` for ``"movement"``,
        and beyond the best similarity transform of that move for ``"aligned-movement"``.
    """
    if mode == "class":
        return None
    if mode == "error":
        return np.asarray(test_bce[snapshot], np.float32)
    if mode == "movement":
        return movement(codes, snapshot)
    if mode == "aligned-movement":
        from latent3d.analysis.align import movement_beyond_alignment

        return movement_beyond_alignment(codes, snapshot)
    if mode == "learned":
        if steps is None:
            raise ValueError("The learned colour mode needs the snapshots' steps.")
        from latent3d.analysis.learning import learned_colour_values

        return learned_colour_values(test_bce, steps)
    raise ValueError(f"Unknown colour mode {mode!r}; use one of {', '.join(ALL_COLOUR_MODES)}.")


def colour_range(values: np.ndarray) -> tuple[float, float]:
    """A robust colour range: the 2nd to 98th percentile of the finite values (never empty)."""
    values = np.asarray(values)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return 0.0, 1.0
    lo, hi = (float(v) for v in np.percentile(values, [2.0, 98.0]))
    return lo, (hi if hi > lo else lo + 1e-6)


@lru_cache(maxsize=1)
def _viridis() -> np.ndarray:
    """Viridis as cmap's 256-entry table in 0-255 RGB: perceptually even and readable on a dark background."""
    from cmap import Colormap  # on first use: ~13 ms once numpy is loaded (matplotlib's colormaps: ~130 ms)

    return np.asarray(Colormap("viridis").lut(256), np.float64)[:, :3] * 255.0


def map_colours(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Viridis colours (uint8 ``[N, 3]``) of ``values`` scaled from ``[lo, hi]``, clipped at both ends; NaN is grey."""
    v = np.asarray(values, np.float64)
    u = np.clip((v - lo) / max(hi - lo, 1e-12), 0.0, 1.0)
    u = np.nan_to_num(u, nan=0.0)  # a NaN value has no place on the scale: grey below, never an index
    lut = _viridis()
    rgb = lut[(u * (len(lut) - 1)).astype(np.intp)]  # the table entry at or below u (u >= 0: truncation is floor)
    rgb[np.isnan(v)] = NAN_GREY  # e.g. an image never learned
    return np.rint(rgb).astype(np.uint8)


def movie_times(last: int, frames_per_snapshot: int) -> np.ndarray:
    """Positions of a movie evenly over snapshots: ``last * frames_per_snapshot + 1`` frames from 0 to ``last``."""
    if frames_per_snapshot < 1:
        raise ValueError("Frames per snapshot must be at least 1.")
    return np.linspace(0.0, float(last), last * frames_per_snapshot + 1)


@dataclass(frozen=True)
class ProbeCue:
    """How far a point in code space is from the data: the off-manifold cue of free roam.

    Attributes
    ----------
    nearest, distance : int, float
        The nearest test code and the distance to it.
    spacing : float
        The typical (median) distance from a test code to its nearest neighbour at this snapshot.
    density : float
        Local density at the point: ``k`` codes over the volume of the ball reaching the ``k``-th nearest.
    relative_density : float
        ``density`` over the median density at the test codes themselves (about 1 inside the data).
    """

    nearest: int
    distance: float
    spacing: float
    density: float
    relative_density: float

    @property
    def verdict(self) -> str:
        """``"inside the data"``, ``"at the edge"`` or ``"far outside"``.

        A point within the typical spacing of a code is inside the data whatever the density there:
        the probe on an outlying code (distance 0.000) was said to be "at the edge", which read as
        if the distance shown were wrong.
        """
        if self.distance <= self.spacing:
            return "inside the data"
        if self.relative_density >= 0.2 and self.distance <= 3 * self.spacing:
            return "inside the data"
        if self.relative_density >= 0.01:
            return "at the edge"
        return "far outside"


def _ball_density(k: int, radius: np.ndarray) -> np.ndarray:
    return k / (4.0 / 3.0 * np.pi * np.maximum(radius, 1e-12) ** 3)


class NeighbourIndex:
    """A k-d tree of the codes of each stored snapshot (scipy's ``cKDTree``), built on first use and kept.

    Parameters
    ----------
    codes : ndarray, shape (S, N, 3)
    """

    def __init__(self, codes: np.ndarray) -> None:
        self._codes = np.asarray(codes)
        self._trees: dict[int, Any] = {}
        self._reference: dict[int, tuple[float, float]] = {}

    def tree(self, snapshot: int) -> Any:
        """The ``cKDTree`` of stored snapshot ``snapshot``."""
        if snapshot not in self._trees:
            from scipy.spatial import cKDTree  # imported on first use: keeps scipy out of the cold start

            self._trees[snapshot] = cKDTree(np.asarray(self._codes[snapshot], np.float64))
        return self._trees[snapshot]

    def query(self, snapshot: int, point: np.ndarray, k: int,
              exclude: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` test codes nearest ``point`` at ``snapshot``, nearest first.

        Parameters
        ----------
        snapshot : int
        point : ndarray, shape (3,)
        k : int
        exclude : int, optional
            An index to leave out (the selected image itself).

        Returns
        -------
        indices : ndarray of int64, shape (k,)
        distances : ndarray of float64, shape (k,)
        """
        n = self._codes.shape[1]
        want = min(k + (exclude is not None), n)
        dist, idx = self.tree(snapshot).query(np.asarray(point, np.float64), k=want)
        dist, idx = np.atleast_1d(dist), np.atleast_1d(idx).astype(np.int64)
        if exclude is not None:
            keep = idx != exclude
            dist, idx = dist[keep], idx[keep]
        return idx[:k], dist[:k]

    def _typical(self, snapshot: int) -> tuple[float, float]:
        """Median nearest-neighbour spacing and median local density at the test codes of ``snapshot``."""
        if snapshot not in self._reference:
            pts = self._codes[snapshot]
            rng = np.random.default_rng(0)
            sample = pts[rng.choice(len(pts), min(_DENSITY_SAMPLE, len(pts)), replace=False)]
            k = min(DENSITY_K + 1, len(pts))
            dist, _ = self.tree(snapshot).query(np.asarray(sample, np.float64), k=k)
            dist = dist.reshape(len(sample), k)
            spacing = float(np.median(dist[:, min(1, k - 1)]))  # column 0 is the point itself
            density = float(np.median(_ball_density(k - 1, dist[:, -1])))
            self._reference[snapshot] = (spacing, density)
        return self._reference[snapshot]

    def probe_cue(self, snapshot: int, point: np.ndarray) -> ProbeCue:
        """The off-manifold cue at ``point``: nearest code, its distance and the local density there."""
        k = min(DENSITY_K, self._codes.shape[1])
        dist, idx = self.tree(snapshot).query(np.asarray(point, np.float64), k=k)
        dist, idx = np.atleast_1d(dist), np.atleast_1d(idx)
        spacing, typical = self._typical(snapshot)
        density = float(_ball_density(k, dist[-1]))
        return ProbeCue(nearest=int(idx[0]), distance=float(dist[0]), spacing=spacing, density=density,
                        relative_density=density / typical if typical > 0 else 0.0)
