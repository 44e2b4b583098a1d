"""The encoder in plain numpy, and an own image's codes at every snapshot that stores an encoder."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from latent3d.analysis.decoder import Layer, dense_relu


class Run(Protocol):
    """What encoding needs of a run (``latent3d.runs.Run`` has it): its snapshot count and their encoders."""

    @property
    def n_snapshots(self) -> int: ...  # noqa: D102

    def encoder_layers(self, snapshot: int | None = None) -> list[Layer] | None: ...  # noqa: D102

__all__ = ["NumpyEncoder", "OwnCodes", "OwnCodesCache", "encode_at_snapshots", "nearest_images"]


class NumpyEncoder:
    """Dense ReLU layers with a linear code, from ``(weight [out, in], bias [out])`` pairs.

    Parameters
    ----------
    layers : sequence of (ndarray, ndarray)
        Weights in PyTorch's ``nn.Linear`` layout, first layer first.
    """

    def __init__(self, layers: Sequence[Layer]) -> None:
        # Transposed views, not copies: an own image is one row, and copying 40 encoders' weights for it
        # would cost more than the products themselves.
        self._layers = [(np.asarray(w, np.float32).T, np.asarray(b, np.float32)) for w, b in layers]

    def __call__(self, pixels: np.ndarray) -> np.ndarray:
        """Codes ``[N, code_dim]`` of images ``[N, 784]`` (or one ``[784]``) with values in [0, 1]."""
        return dense_relu(self._layers, pixels)


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
        self.codes = np.asarray(codes, np.float32).reshape(len(self.snapshots), 3)

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
    return OwnCodes(np.array(snaps, np.int64), np.array(codes, np.float32).reshape(len(snaps), 3))


class OwnCodesCache:
    """Codes of own images per run, computed once per (run, pixels) and shared by the scene and the panels."""

    def __init__(self) -> None:
        self._run: object = None
        self._codes: dict[bytes, OwnCodes] = {}

    def codes(self, run: Run, pixels: bytes) -> OwnCodes:
        """The :class:`OwnCodes` of the 784 grey levels ``pixels`` (uint8 bytes) in ``run``."""
        if run is not self._run:
            self._run, self._codes = run, {}
        if pixels not in self._codes:
            x = np.frombuffer(pixels, np.uint8).astype(np.float32) / 255.0
            self._codes[pixels] = encode_at_snapshots(run, x)
        return self._codes[pixels]


def nearest_images(codes: np.ndarray, point: np.ndarray, k: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` test images whose codes lie nearest ``point``: indices and distances, nearest first.

    Parameters
    ----------
    codes : ndarray, shape (N, 3)
    point : ndarray, shape (3,)
    k : int

    Returns
    -------
    indices : ndarray of int64, shape (min(k, N),)
    distances : ndarray of float64, same shape
    """
    d = np.linalg.norm(np.asarray(codes, np.float64) - np.asarray(point, np.float64)[None, :], axis=1)
    k = min(int(k), len(d))
    idx = np.argpartition(d, k - 1)[:k] if 0 < k < len(d) else np.arange(len(d))[:k]
    idx = idx[np.argsort(d[idx], kind="stable")]
    return idx.astype(np.int64), d[idx]
