"""A loaded run in memory: the snapshots' codes, losses and weights, in numpy; decoders built on demand."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from latent3d.analysis.decoder import Layer, NumpyDecoder
from latent3d.config.train import TrainConfig

__all__ = ["CACHED_DECODERS", "Run"]

CACHED_DECODERS = 32  # decoders kept built at once (~30 MB at the default widths)


@dataclass
class Run:
    """A validated run (or, from :class:`latent3d.runs.live.LiveRun`, one still training).

    A run's history is ``S`` snapshots at training steps: step 0 (the untrained model), and for
    the default schedule about 20 steps spaced in log(step) through epoch 1, then every epoch
    end. Every snapshot keeps the codes, each image's BCE and the decoder.

    Attributes
    ----------
    codes : ndarray of float32, shape (S, N, 3)
        Test-image codes at each snapshot; index 0 is the untrained model.
    labels : ndarray of uint8, shape (N,)
    test_bce : ndarray of float32, shape (S, N)
        Each test image's mean BCE per pixel at each snapshot.
    train_codes, train_labels : ndarray or None
        Final-epoch codes of the training images, when stored.
    steps : ndarray of int64, shape (S,)
        The training step of each snapshot: strictly increasing, first 0.
    steps_per_epoch : int
        Optimisation steps in one epoch.
    snapshot_test_loss : ndarray of float64, shape (S,)
        Mean test BCE per pixel at each snapshot.
    step_loss : ndarray of float32, shape (T,), or None
        The training loss of steps 1..T (T = ``last_step``); None for format-1 runs, which did not keep it.
    format_version : int
        Run format the run was read from (1 or 2; a live run is 2).
    """

    path: Path
    meta: dict[str, Any]
    config: TrainConfig
    codes: np.ndarray
    labels: np.ndarray
    test_bce: np.ndarray
    train_codes: np.ndarray | None
    train_labels: np.ndarray | None
    steps: np.ndarray
    steps_per_epoch: int
    snapshot_test_loss: np.ndarray
    step_loss: np.ndarray | None
    format_version: int
    _weights: Mapping[int, dict[str, np.ndarray]] = field(repr=False)
    _decoders: dict[int, NumpyDecoder] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        """The run's name (its folder name)."""
        return self.path.name

    @property
    def n_snapshots(self) -> int:
        """Number of snapshots ``S``."""
        return int(len(self.steps))

    @property
    def snapshot_epochs(self) -> np.ndarray:
        """Each snapshot's position in epochs, ``steps / steps_per_epoch`` (float64 ``[S]``)."""
        return self.steps.astype(np.float64) / self.steps_per_epoch

    @property
    def last_step(self) -> int:
        """The step of the last snapshot (the final step of a complete run)."""
        return int(self.steps[-1])

    @property
    def epochs(self) -> int:
        """Trained epochs: whole epochs up to the last snapshot (so far, for a run still training)."""
        return self.last_step // self.steps_per_epoch

    @property
    def train_loss(self) -> list[float]:
        """Mean training BCE of each trained epoch."""
        return [float(v) for v in self.meta["train_loss"]]

    @property
    def test_loss(self) -> list[float]:
        """Mean test BCE per pixel after each trained epoch."""
        return [float(v) for v in self.meta["test_loss"]]

    def snapshot_of_epoch(self, epoch: int) -> int:
        """Index of the snapshot at the end of ``epoch`` (0 gives 0, the untrained model).

        Raises
        ------
        ValueError
            If ``epoch`` is outside 0..epochs (every schedule keeps every epoch end).
        """
        i = int(np.searchsorted(self.steps, epoch * self.steps_per_epoch))
        if not 0 <= epoch <= self.epochs or i >= len(self.steps) or self.steps[i] != epoch * self.steps_per_epoch:
            raise ValueError(f"Epoch {epoch} is outside 0-{self.epochs} of run {self.name}.")
        return i

    def decoder(self, snapshot: int) -> NumpyDecoder:
        """The decoder at snapshot index ``snapshot`` (0 = untrained), in numpy."""
        if snapshot in self._decoders:
            self._decoders[snapshot] = self._decoders.pop(snapshot)  # most recently used last
        else:
            self._decoders[snapshot] = NumpyDecoder(_layers(self._weights[snapshot], "decoder"))
            # bounded (as the weights are): a 10,000-snapshot run never holds them all
            while len(self._decoders) > getattr(self._weights, "cache_size", CACHED_DECODERS):
                del self._decoders[next(iter(self._decoders))]
        return self._decoders[snapshot]

    def encoder_layers(self, snapshot: int | None = None) -> list[Layer] | None:
        """Encoder ``(weight, bias)`` pairs at snapshot index ``snapshot`` (default: last), or None if not stored."""
        w = self._weights[self.n_snapshots - 1 if snapshot is None else snapshot]
        return _layers(w, "encoder") if any(k.startswith("encoder.") for k in w) else None


def _layers(weights: dict[str, np.ndarray], prefix: str) -> list[Layer]:
    idx = sorted({int(k.split(".")[1]) for k in weights if k.startswith(prefix + ".")})
    return [(weights[f"{prefix}.{i}.weight"], weights[f"{prefix}.{i}.bias"]) for i in idx]
