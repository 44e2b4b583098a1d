"""The decoder in plain numpy, so the viewer can decode without importing torch."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["NumpyDecoder", "bce_per_image", "dense_relu"]

Layer = tuple[np.ndarray, np.ndarray]


def dense_relu(layers: Sequence[tuple[np.ndarray, np.ndarray]], x: np.ndarray) -> np.ndarray:
    """``x`` through ``(W [in, out], b)`` layers, ReLU between them and none after the last (float32)."""
    x = np.atleast_2d(np.asarray(x, dtype=np.float32))
    last = len(layers) - 1
    for i, (w, b) in enumerate(layers):
        x = x @ w + b
        if i < last:
            np.maximum(x, 0.0, out=x)
    return x


class NumpyDecoder:
    """Dense ReLU layers with a sigmoid output, from ``(weight [out, in], bias [out])`` pairs.

    Parameters
    ----------
    layers : sequence of (ndarray, ndarray)
        Weights in PyTorch's ``nn.Linear`` layout, first layer first.
    """

    def __init__(self, layers: Sequence[Layer]) -> None:
        # Transposed once so each call is a plain ``x @ W + b`` on contiguous memory.
        self._layers = [(np.ascontiguousarray(w.T, dtype=np.float32), b.astype(np.float32)) for w, b in layers]

    def logits(self, z: np.ndarray) -> np.ndarray:
        """Pre-sigmoid output for codes ``z`` of shape ``[N, code_dim]`` (or ``[code_dim]``)."""
        return dense_relu(self._layers, z)

    def __call__(self, z: np.ndarray) -> np.ndarray:
        """Decoded images ``[N, 784]`` in (0, 1) for codes ``[N, 3]``."""
        x = self.logits(z)
        # Stable sigmoid: exp of a non-positive number never overflows.
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(np.float32)


def bce_per_image(logits: np.ndarray, images: np.ndarray) -> np.ndarray:
    """Mean binary cross-entropy per image, computed stably from logits.

    Parameters
    ----------
    logits : ndarray, shape (N, 784)
        Decoder output before the sigmoid.
    images : ndarray, shape (N, 784)
        Targets in [0, 1].

    Returns
    -------
    ndarray of float32, shape (N,)
    """
    x = np.asarray(logits, dtype=np.float64)
    y = np.asarray(images, dtype=np.float64)
    loss = np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x)))
    return loss.mean(axis=1).astype(np.float32)
