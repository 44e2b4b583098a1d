"""Camera maths on plain values: the pose that frames a box of codes from a direction, and easing between poses."""

from __future__ import annotations

import math

import numpy as np

from latent3d.state.values import Camera

__all__ = ["FIT_MARGIN", "SnapshotBoxes", "blend", "framed", "percentile_box"]

FIT_MARGIN = 0.9  # a fit leaves about a 10 % margin around the framed box (as VTK's Zoom(0.9) after ResetCamera)
MIN_RADIUS = 5e-7  # a box of codes 1e-38 wide is framed as a dot, not at a distance GL cannot draw
PERCENTILES = (0.5, 99.5)  # a handful of far outliers must not shrink the cloud to a speck


def percentile_box(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 0.5th and 99.5th percentile of each axis of ``codes`` ``[..., 3]`` (finite values only)."""
    flat = np.asarray(codes, np.float64).reshape(-1, 3)
    flat = flat[np.isfinite(flat).all(axis=1)]
    if not len(flat):
        return np.zeros(3), np.zeros(3)
    lo, hi = np.percentile(flat, PERCENTILES, axis=0)
    return lo, hi


class SnapshotBoxes:
    """The percentile box of each snapshot's codes, computed on first use; between snapshots the box is blended.

    Blending the two neighbouring boxes costs microseconds where percentiles of an interpolated cloud
    would cost about a millisecond per timeline move, and it moves just as smoothly.
    """

    def __init__(self, codes: np.ndarray) -> None:
        self.codes = codes
        self._boxes: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def box(self, snapshot: int) -> tuple[np.ndarray, np.ndarray]:
        """The box of stored snapshot ``snapshot``."""
        if snapshot not in self._boxes:
            self._boxes[snapshot] = percentile_box(self.codes[snapshot])
        return self._boxes[snapshot]

    def at(self, u: float) -> tuple[np.ndarray, np.ndarray]:
        """The box at fractional snapshot index ``u``."""
        last = len(self.codes) - 1
        u = min(max(float(u), 0.0), float(last)) if math.isfinite(u) else 0.0
        i = min(int(u), last)
        f = u - i
        lo, hi = self.box(i)
        if f == 0.0 or i == last:
            return lo, hi
        lo2, hi2 = self.box(i + 1)
        return lo + f * (lo2 - lo), hi + f * (hi2 - hi)


def framed(camera: Camera, lo: np.ndarray, hi: np.ndarray, aspect: float = 1.0) -> Camera:
    """The pose that frames the box ``lo``-``hi`` looking along ``camera``'s direction.

    Direction, view-up and view angle stay; focal point and distance change, as VTK's
    ``ResetCamera(bounds)`` followed by ``Zoom(FIT_MARGIN)`` would place them, but without
    widening the view angle (repeated fits stay the same).

    Parameters
    ----------
    camera : Camera
        Where the camera is now (only its direction, view-up and view angle are used).
    lo, hi : ndarray, shape (3,)
        Corners of the box (see :func:`percentile_box`).
    aspect : float
        Width over height of the view: a view taller than wide needs more distance.
    """
    lo, hi = np.asarray(lo, np.float64), np.asarray(hi, np.float64)
    centre = (lo + hi) / 2.0
    radius = float(np.linalg.norm(hi - lo)) / 2.0
    if not radius > 0.0:
        radius = 0.5 if not np.any(hi - lo) else max(float(np.max(hi - lo)), 1e-9)
    radius = max(radius, MIN_RADIUS * max(1.0, float(np.abs(centre).max())))  # float32 GL draws no finer
    half = math.radians(camera.view_angle) / 2.0
    if aspect < 1.0:  # VTK fits the vertical angle: a narrow view fits the horizontal one instead
        half = math.atan(math.tan(half) * aspect)
    distance = radius / math.sin(half)
    distance *= math.tan(half / FIT_MARGIN) / math.tan(half)  # the margin, as a zoom would give it
    direction = np.subtract(camera.position, camera.focal_point)
    norm = float(np.linalg.norm(direction))
    direction = direction / norm if norm > 0 and math.isfinite(norm) else np.array([1.0, 1.0, 1.0]) / math.sqrt(3)
    position = centre + direction * distance
    return Camera(_vec(position), _vec(centre), camera.view_up, camera.view_angle)


def blend(a: Camera, b: Camera, t: float) -> Camera:
    """A pose ``t`` of the way from ``a`` to ``b`` (focal point and distance linear, direction by normalised lerp)."""
    t = min(max(float(t), 0.0), 1.0)
    fa, fb = np.asarray(a.focal_point), np.asarray(b.focal_point)
    da, db = np.subtract(a.position, fa), np.subtract(b.position, fb)
    la, lb = float(np.linalg.norm(da)), float(np.linalg.norm(db))
    focal = fa + t * (fb - fa)
    direction = (da / max(la, 1e-30)) * (1 - t) + (db / max(lb, 1e-30)) * t
    n = float(np.linalg.norm(direction))
    direction = direction / n if n > 0 else db / max(lb, 1e-30)
    length = la + t * (lb - la)
    up = np.asarray(a.view_up) * (1 - t) + np.asarray(b.view_up) * t
    up_n = float(np.linalg.norm(up))
    view_up = _vec(up / up_n) if up_n > 0 else b.view_up
    return Camera(_vec(focal + direction * length), _vec(focal), view_up,
                  a.view_angle + t * (b.view_angle - a.view_angle))


def _vec(v: np.ndarray) -> tuple[float, float, float]:
    return (float(v[0]), float(v[1]), float(v[2]))
