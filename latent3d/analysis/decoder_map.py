"""The decoder map: a G x G grid of images decoded at the centres of tiles on a plane through the latent space."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from latent3d.analysis.decoder import NumpyDecoder

__all__ = ["MapGrid", "PLANES", "decode_grid", "map_extent", "mosaic", "plane_axes", "png_bytes", "tile_centres"]

PLANES = ("camera", "xy", "xz", "yz")
SIDE = 28
_AXES = {"xy": ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0)), "xz": ((1.0, 0.0, 0.0), (0.0, 0.0, 1.0)),
         "yz": ((0.0, 1.0, 0.0), (0.0, 0.0, 1.0))}


@dataclass(frozen=True)
class MapGrid:
    """Where the map lies: its centre, the unit vectors of its columns and rows, its half-width, and G."""

    centre: np.ndarray
    u: np.ndarray
    v: np.ndarray
    half: float
    grid: int


def plane_axes(plane: str, view_dir: np.ndarray | None = None, view_up: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """Two orthonormal in-plane vectors: columns (``u``, to the right) and rows (``v``, up).

    Parameters
    ----------
    plane : {"camera", "xy", "xz", "yz"}
        ``camera`` faces the camera (needs ``view_dir``, from the camera to its focal point, and
        ``view_up``); the others are spanned by a pair of latent axes.
    view_dir, view_up : ndarray of 3 floats, optional

    Returns
    -------
    u, v : ndarray of float64, shape (3,)
    """
    if plane != "camera":
        a, b = _AXES[plane]
        return np.array(a), np.array(b)
    d = np.asarray(view_dir if view_dir is not None else (-1.0, -1.0, -1.0), np.float64)
    up = np.asarray(view_up if view_up is not None else (0.0, 0.0, 1.0), np.float64)
    d = d / (float(np.linalg.norm(d)) or 1.0)
    u = np.cross(d, up)
    if np.linalg.norm(u) < 1e-9:  # looking along the up vector: any perpendicular will do
        u = np.cross(d, np.array((1.0, 0.0, 0.0) if abs(d[0]) < 0.9 else (0.0, 1.0, 0.0)))
    u = u / np.linalg.norm(u)
    return u, np.cross(u, d)


def map_extent(codes: np.ndarray) -> float:
    """A half-width that covers most of the cloud: the largest per-axis spread of its 2nd-98th percentiles / 2."""
    c = np.asarray(codes, np.float64)
    if len(c) == 0:
        return 1.0
    lo, hi = np.percentile(c, [2.0, 98.0], axis=0)
    half = float(np.max(hi - lo)) / 2.0
    return half if np.isfinite(half) and half > 1e-6 else 1.0


def tile_centres(grid: MapGrid) -> np.ndarray:
    """Latent positions of the tile centres, ``[G * G, 3]``: row 0 is the top row, column 0 the left one."""
    g = grid.grid
    offsets = (np.arange(g) + 0.5) / g * 2.0 - 1.0  # -1..1 across the plane, at the tiles' middles
    cols = offsets * grid.half
    rows = -offsets * grid.half  # image rows go down, the plane's v goes up
    r, c = np.meshgrid(rows, cols, indexing="ij")
    return (np.asarray(grid.centre, np.float64)[None, :] + c.reshape(-1, 1) * grid.u[None, :]
            + r.reshape(-1, 1) * grid.v[None, :])


def decode_grid(decoder: NumpyDecoder, grid: MapGrid) -> np.ndarray:
    """The decoded tiles, float32 ``[G * G, 784]`` in (0, 1), in :func:`tile_centres` order."""
    return decoder(tile_centres(grid).astype(np.float32))


def mosaic(tiles: np.ndarray, grid: int) -> np.ndarray:
    """The tiles as one greyscale image, float32 ``[G * 28, G * 28]`` (row 0 at the top)."""
    t = np.asarray(tiles, np.float32).reshape(grid, grid, SIDE, SIDE)
    return t.transpose(0, 2, 1, 3).reshape(grid * SIDE, grid * SIDE)


def png_bytes(image: np.ndarray, scale: int = 4) -> bytes:
    """The mosaic ``image`` (floats in [0, 1]) as a greyscale PNG, each pixel ``scale`` x ``scale`` (nearest)."""
    from PIL import Image

    a = np.round(np.clip(np.asarray(image, np.float32), 0.0, 1.0) * 255.0).astype(np.uint8)
    a = np.repeat(np.repeat(a, scale, axis=0), scale, axis=1)
    import io

    buf = io.BytesIO()
    Image.fromarray(a, "L").save(buf, format="PNG")
    return buf.getvalue()
