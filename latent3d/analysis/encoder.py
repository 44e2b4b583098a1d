"""The encoder in plain numpy, and an own image's codes at every snapshot that stores an encoder."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from latent3d.analysis.decoder import Layer

if TYPE_CHECKING:
    from latent3d.runs import Run

__all__ = ["NumpyEncoder", "OwnCodes", "encode_at_snapshots"]


class NumpyEncoder:
    """Dense ReLU layers with a linear code, from ``(weight [out, in], bias [out])`` pairs.

    Parameters
    ----------
    layers : sequence of (ndarray, ndarray)
        Weights in PyTorch's ``nn.Linear`` layout, first layer first.
    """

    def __init__(self, layers: Sequence[Layer]) -> None:
        self._layers = [(np.ascontiguousarray(w.T, dtype=np.float32), b.astype(np.float32)) for w, b in layers]

    def __call__(self, pixels: np.ndarray) -> np.ndarray:
        """Codes ``[N, code_dim]`` of images ``[N, 784]`` (or one ``[784]``) with values in [0, 1]."""
        x = np.atleast_2d(np.asarray(pixels, dtype=np.float32))
        last = len(self._layers) - 1
        for i, (w, b) in enumerate(self._layers):
            x = x @ w + b
            if i < last:
                np.maximum(x, 0.0, out=x)
        return x


class OwnCodes:
    """An image's codes at the snapshots that store an encoder, and the code shown at any timeline position.

    Attributes
    ----------
    snapshots : ndarray of int64, shape (K,)
        Indices of the snapshots with an encoder, increasing.
    codes : ndarray of float32, shape (K, 3)
    """

    def __init__(self, snapshots: np.ndarray, codes: np.ndarray) -> None:
        self.snapshots = np.asarray(snapshots, np.int64)
        self.codes = np.asarray(codes, np.float32).reshape(len(self.snapshots), -1)

    def at(self, position: float) -> np.ndarray | None:
        """The code at fractional snapshot index ``position``: linear between encoded snapshots, None outside them.

        The cloud moves between snapshots in the same way, so the marker keeps its place among
        the test images; with only the final encoder it is placed at the last snapshot only.
        """
        if len(self.snapshots) == 0:
            return None
        s = self.snapshots.astype(np.float64)
        u = float(position)
        if u < s[0] - 1e-9 or u > s[-1] + 1e-9:
            return None
        out = np.array([np.interp(u, s, self.codes[:, k]) for k in range(self.codes.shape[1])], np.float32)
        return out


def encode_at_snapshots(run: Run, pixels: np.ndarray) -> OwnCodes:
    """Encode one image with the encoder of every snapshot of ``run`` that stores one.

    Parameters
    ----------
    run : Run
    pixels : ndarray, shape (784,) or (28, 28)
        Grey levels in [0, 1], white object on black (as the test images).

    Returns
    -------
    OwnCodes
        No snapshots when the run keeps no encoder at all (a live run).
    """
    x = np.asarray(pixels, np.float32).reshape(1, -1)
    snaps, codes = [], []
    for i in range(run.n_snapshots):
        layers = run.encoder_layers(i)
        if layers is not None:
            snaps.append(i)
            codes.append(NumpyEncoder(layers)(x)[0])
    return OwnCodes(np.array(snaps, np.int64), np.array(codes, np.float32).reshape(len(snaps), -1))
