"""One 3-D projection for every snapshot of a D-dimensional embedding: PCA fitted on the last snapshot, in numpy.

The window draws three numbers per point. A recorded embedding of any other width is shown through
one linear map shared by all snapshots, fitted on the last one: a map refitted per snapshot would
spin and flip the cloud between snapshots and hide the motion of the training itself. Widths 1 and
2 are padded with zero columns instead. The map is affine (``z3 = (x - mean) @ components.T``), so
a point of the 3-D view maps back to the D-dimensional embedding (``x = mean + z3 @ components``):
a recorded decoder then decodes 3-D codes with the map folded into its first layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Projection", "fit_projection", "fold_into_first_layer"]

_CHUNK_ROWS = 65_536  # rows projected at once: bounds the float32 working copy of a wide embedding


@dataclass(frozen=True)
class Projection:
    """An affine map from a ``source_dim``-D embedding to the 3 numbers the window draws.

    Attributes
    ----------
    kind : {"pca", "pad"}
        ``"pca"``: the 3 leading principal axes of the fitted snapshot; ``"pad"``: a width below 3
        padded with zero columns.
    source_dim : int
        ``D``, the width of the recorded embedding.
    mean : ndarray of float64, shape (D,)
        Subtracted before projecting (zeros for ``"pad"``).
    components : ndarray of float64, shape (3, D)
        Orthonormal rows (for ``"pad"`` the first ``D`` rows of the identity, then zero rows).
    explained : ndarray of float64, shape (3,)
        Share of the fitted snapshot's variance along each axis (for ``"pad"``: each real axis's share,
        0 for the padding).
    fitted_on : int
        Index of the snapshot the map was fitted on (the last one).
    """

    kind: str
    source_dim: int
    mean: np.ndarray
    components: np.ndarray
    explained: np.ndarray
    fitted_on: int

    @property
    def explained_total(self) -> float:
        """Share of the fitted snapshot's variance the 3 axes keep, 0 to 1 (1 for a padded width)."""
        return float(np.clip(self.explained.sum(), 0.0, 1.0))

    def describe(self) -> str:
        """The corner note: ``"PCA of 64-D, 71 % of the variance"`` (``"2-D, drawn with z = 0"`` when padded)."""
        if self.kind == "pad":
            return f"{self.source_dim}-D, drawn with {'y and z' if self.source_dim == 1 else 'z'} = 0"
        return f"PCA of {self.source_dim}-D, {100 * self.explained_total:.0f} % of the variance"

    def apply(self, x: np.ndarray) -> np.ndarray:
        """Project ``x`` of shape ``(..., D)`` to float32 ``(..., 3)``, in chunks of rows (float32 inside)."""
        x = np.asarray(x)
        if x.shape[-1:] != (self.source_dim,):
            raise ValueError(f"expected rows of {self.source_dim} numbers, not shape {x.shape}")
        flat = x.reshape(-1, self.source_dim)
        out = np.empty((len(flat), 3), np.float32)
        # float32 (the codes are stored so and drawn so), centred before the product so no precision is lost
        # to a large mean: a 40 x 10,000 x 64 run took 0.39 s in float64, most of opening it in the window.
        w, mean = self.components.T.astype(np.float32), self.mean.astype(np.float32)
        for start in range(0, len(flat), _CHUNK_ROWS):
            rows = np.subtract(flat[start:start + _CHUNK_ROWS], mean, dtype=np.float32)  # one pass, no copy first
            np.matmul(rows, w, out=out[start:start + len(rows)])
        return out.reshape(x.shape[:-1] + (3,))

    def to_source(self) -> tuple[np.ndarray, np.ndarray]:
        """``(a, c)`` with ``x = a @ z3 + c``: the D-dimensional point a 3-D code stands for (``a`` is ``[D, 3]``)."""
        return self.components.T.copy(), self.mean.copy()


def fit_projection(last: np.ndarray, *, fitted_on: int = -1) -> Projection:
    """The projection of one snapshot's embedding: PCA onto 3 axes (D > 3) or zero padding (D < 3).

    Parameters
    ----------
    last : ndarray, shape (N, D)
        The embedding to fit on (the run's last snapshot); finite, any float dtype.
    fitted_on : int
        Its snapshot index, kept for the record.

    Returns
    -------
    Projection

    Raises
    ------
    ValueError
        If ``last`` is not 2-D with at least one row, or ``D`` is 3 (no projection is needed).

    Notes
    -----
    The axes come from the eigenvectors of the ``D x D`` covariance (float64), so the cost is one
    pass over the snapshot and one ``D x D`` eigendecomposition. Each axis's sign is fixed (its
    largest loading positive): the same data always gives the same picture.
    """
    x = np.asarray(last)
    if x.ndim != 2 or len(x) == 0:
        raise ValueError(f"a projection is fitted on an (N, D) snapshot with N >= 1, not shape {x.shape}")
    n, d = x.shape
    if d == 3:
        raise ValueError("a 3-D embedding is drawn as it is, without a projection")
    if d < 3:
        components = np.zeros((3, d))
        components[:d] = np.eye(d)
        var = x.astype(np.float64).var(axis=0)
        share = var / var.sum() if var.sum() > 0 else np.full(d, 1.0 / d)
        return Projection("pad", d, np.zeros(d), components, np.concatenate([share, np.zeros(3 - d)]), fitted_on)
    mean = np.zeros(d)
    cov = np.zeros((d, d))
    for start in range(0, n, _CHUNK_ROWS):
        mean += x[start:start + _CHUNK_ROWS].astype(np.float64).sum(axis=0)
    mean /= n
    for start in range(0, n, _CHUNK_ROWS):
        rows = x[start:start + _CHUNK_ROWS].astype(np.float64) - mean
        cov += rows.T @ rows
    cov /= max(n - 1, 1)
    values, vectors = np.linalg.eigh(cov)  # ascending
    order = np.argsort(values)[::-1][:3]
    top = vectors[:, order].T  # [3, D]
    signs = np.sign(top[np.arange(3), np.argmax(np.abs(top), axis=1)])
    top *= np.where(signs == 0, 1.0, signs)[:, None]
    total = float(np.clip(values, 0, None).sum())
    explained = np.clip(values[order], 0, None) / total if total > 0 else np.zeros(3)
    return Projection("pca", d, mean, top, explained, fitted_on)


def fold_into_first_layer(layers: Sequence[tuple[np.ndarray, np.ndarray]],
                          projection: Projection) -> list[tuple[np.ndarray, np.ndarray]]:
    """Decoder layers that take the window's 3-D codes: the inverse map folded into the first layer.

    Parameters
    ----------
    layers : sequence of (weight [out, in], bias [out])
        A decoder of the D-dimensional embedding (PyTorch's ``nn.Linear`` layout).
    projection : Projection

    Returns
    -------
    list of (ndarray, ndarray)
        The same layers, the first one ``(W @ a, b + W @ c)`` with ``(a, c) = projection.to_source()``,
        so decoding a 3-D code decodes the D-dimensional point it stands for.
    """
    a, c = projection.to_source()
    (w, b), rest = layers[0], list(layers[1:])
    w64 = np.asarray(w, np.float64)
    first = ((w64 @ a).astype(np.float32), (np.asarray(b, np.float64) + w64 @ c).astype(np.float32))
    return [first, *rest]
