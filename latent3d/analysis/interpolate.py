"""The one interpolation between snapshots (numpy only): clamp a position, split it, blend neighbouring snapshots.

A position ``u`` is a fractional snapshot index in ``[0, S - 1]``; ``u = 3.25`` lies a quarter of the way
from snapshot 3 to snapshot 4, so a value at ``u`` is only ever blended from two neighbouring snapshots.
The scene's cloud, the timeline's steps, the off-screen renderer and path points all go through here.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["clamp_position", "codes_at", "lerp", "split_position", "value_at"]


def clamp_position(position: float, last: int) -> float:
    """``position`` limited to ``[0, last]``: NaN and -inf become 0, +inf becomes ``last``.

    Parameters
    ----------
    position : float
        A fractional snapshot index.
    last : int
        Index of the last snapshot (``S - 1``).

    Returns
    -------
    float
    """
    u = float(position)
    return 0.0 if not math.isfinite(u) and not u > 0 else min(max(u, 0.0), float(last))


def split_position(position: float, last: int) -> tuple[int, float]:
    """``(i, f)`` with clamped ``position = i + f``, ``0 <= f < 1`` and ``i + 1 <= last`` whenever ``f > 0``.

    Parameters
    ----------
    position, last : float, int
        As in :func:`clamp_position`.

    Returns
    -------
    i : int
        The snapshot at or before the position.
    f : float
        How far the position lies towards snapshot ``i + 1``.
    """
    u = clamp_position(position, last)
    i = min(int(u), int(last))
    return i, u - i


def lerp(a: np.ndarray, b: np.ndarray, t: np.ndarray | float) -> np.ndarray:
    """Points ``a + t (b - a)`` in float32: shape ``[3]`` for a scalar ``t``, ``[len(t), 3]`` for an array.

    Parameters
    ----------
    a, b : ndarray, shape (3,)
        The ends.
    t : float or ndarray, shape (K,)
        Where between them (0 is ``a``, 1 is ``b``).

    Returns
    -------
    ndarray of float32
    """
    a32, b32 = np.asarray(a, np.float32), np.asarray(b, np.float32)
    tt = np.asarray(t, np.float32)
    return (a32 + tt[..., None] * (b32 - a32)).astype(np.float32)


def codes_at(codes: np.ndarray, position: float, out: np.ndarray | None = None) -> np.ndarray:
    """The codes at fractional snapshot ``position``: linear between the snapshots around it, clamped to the run.

    Parameters
    ----------
    codes : ndarray of float32, shape (S, N, 3)
        The codes at every snapshot.
    position : float
        A fractional snapshot index (clamped to ``[0, S - 1]``; NaN is 0).
    out : ndarray of float32, shape (N, 3), optional
        Buffer written in place (no temporaries beyond it), e.g. the points of a drawn cloud.

    Returns
    -------
    ndarray of float32, shape (N, 3)
        ``out`` when given; otherwise a new array, or the stored snapshot itself (not a copy) when the
        position is a whole snapshot.
    """
    i, f = split_position(position, len(codes) - 1)
    if out is None:
        return codes[i] if f == 0.0 else codes[i] + np.float32(f) * (codes[i + 1] - codes[i])
    if f == 0.0:
        np.copyto(out, codes[i])
    else:  # a + f * (b - a) written into out
        np.subtract(codes[i + 1], codes[i], out=out)
        out *= np.float32(f)
        out += codes[i]
    return out


def value_at(values: np.ndarray, position: float) -> float:
    """A per-snapshot number (a step, a loss) at fractional snapshot ``position``, linear between snapshots.

    Parameters
    ----------
    values : ndarray, shape (S,)
        One number per snapshot.
    position : float
        A fractional snapshot index (clamped to ``[0, S - 1]``).

    Returns
    -------
    float
    """
    i, f = split_position(position, len(values) - 1)
    return float(values[i]) if f == 0 else float(values[i] + f * (values[i + 1] - values[i]))
