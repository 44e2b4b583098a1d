"""The run being trained, as it grows: snapshot messages from the training process become a format-2 Run."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

import numpy as np

from latent3d.analysis.decoder import NumpyDecoder
from latent3d.config.train import TrainConfig
from latent3d.runs.run import Run
from latent3d.runs.series import Snapshot, SnapshotSeries

__all__ = ["LiveRun"]


class StartInfo(Protocol):
    """What :class:`LiveRun` needs from the training's first message (``latent3d.job.process.Started``)."""

    @property
    def target(self) -> Path: ...
    @property
    def config(self) -> TrainConfig: ...
    @property
    def labels(self) -> np.ndarray: ...
    @property
    def n_batches(self) -> int: ...


class LiveRun:
    """The snapshots received so far; each one added gives a fresh :class:`Run` to show.

    Parameters
    ----------
    started : Started
        The training's first message (target folder, config, test labels, steps per epoch).

    Notes
    -----
    Snapshots hold the decoder only (the encoder stays in the training process), and the
    run's ``meta["status"]`` is ``"training"``. Decoders are shared by every Run this gives:
    a snapshot's weights never change.
    """

    def __init__(self, started: StartInfo) -> None:
        self.target = Path(started.target)
        self.config = started.config
        self.labels = np.asarray(started.labels, np.uint8)
        self.steps_per_epoch = int(started.n_batches)
        self.series = SnapshotSeries(self.steps_per_epoch)
        self._weights: dict[int, dict[str, np.ndarray]] = {}
        self._decoders: dict[int, NumpyDecoder] = {}

    @property
    def epochs(self) -> int:
        """Whole epochs trained as of the last snapshot received (-1 before the first)."""
        return self.series.epochs

    def add(self, update: Snapshot) -> Run:
        """Append one snapshot and return the run as it stands (codes ``[S, N, 3]``).

        Raises
        ------
        ValueError
            If the snapshot's step does not follow the last one's, or its step losses do not fill the gap.
        """
        # The live view tolerates an epoch end without its mean (shown as missing) where the writer refuses it.
        train_loss = update.train_loss if update.train_loss is not None or not update.epoch_end else float("nan")
        self.series.append(update.step, update.codes, update.test_bce, update.test_loss, update.step_losses,
                           train_loss)
        self._weights[len(self.series) - 1] = update.weights  # the decoder's: the encoder stays behind
        return self.snapshot()

    def snapshot(self) -> Run:
        """The snapshots received so far as a :class:`Run` (``format_version`` 2, ``status`` ``"training"``)."""
        series = self.series
        if not series:
            raise ValueError("no snapshot has arrived yet")
        meta = {"status": "training", "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "epochs": self.epochs, "config": self.config.to_dict(), "steps_per_epoch": self.steps_per_epoch,
                "train_loss": list(series.train_loss), "test_loss": list(series.test_loss),
                "initial_test_loss": series.snapshot_loss[0]}
        return Run(self.target, meta, self.config, series.codes(), self.labels, series.test_bce(),
                   None, None, np.asarray(series.steps, np.int64), self.steps_per_epoch,
                   np.asarray(series.snapshot_loss, np.float64), series.step_loss(), 2,
                   dict(self._weights), self._decoders)
