"""Drives one training process from the GUI thread: its queue becomes Qt signals; epochs grow a live Run."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from latent3d.analysis.decoder import NumpyDecoder
from latent3d.runs import Run
from latent3d.train.process import EpochUpdate, Failed, Finished, Message, Progress, Started, Stopped, TrainingProcess
from latent3d.train.session import TrainJob

__all__ = ["LiveRun", "TrainingController"]

POLL_MS = 30


class LiveRun:
    """The run being trained, as it grows: each epoch added gives a fresh :class:`Run` snapshot.

    Parameters
    ----------
    started : Started
        The training's first message (target folder, config, test labels).
    """

    def __init__(self, started: Started) -> None:
        self.target = Path(started.target)
        self.config = started.config
        self.labels = np.asarray(started.labels, np.uint8)
        self._codes: list[np.ndarray] = []
        self._bce: list[np.ndarray] = []
        self._train_loss: list[float] = []
        self._test_loss: list[float] = []
        self._initial: float | None = None
        self._weights: dict[int, dict[str, np.ndarray]] = {}
        self._decoders: dict[int, NumpyDecoder] = {}  # shared by every snapshot: an epoch's weights never change

    @property
    def epochs(self) -> int:
        """Trained epochs received so far (-1 before epoch 0)."""
        return len(self._codes) - 1

    def add(self, update: EpochUpdate) -> Run:
        """Append one epoch and return the run as it stands (codes ``[epochs + 1, N, 3]``)."""
        if update.epoch != len(self._codes):
            raise ValueError(f"epoch {update.epoch} arrived out of order")
        self._codes.append(np.asarray(update.codes, np.float32))
        self._bce.append(np.asarray(update.test_bce, np.float32))
        if update.epoch == 0:
            self._initial = update.test_loss
        else:
            self._train_loss.append(float(update.train_loss if update.train_loss is not None else np.nan))
            self._test_loss.append(update.test_loss)
        self._weights[update.epoch] = update.decoder_weights
        return self.snapshot()

    def snapshot(self) -> Run:
        """The epochs received so far as a :class:`Run` (decoder weights only; marked ``"status": "training"``)."""
        meta = {"status": "training", "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "epochs": self.epochs, "config": self.config.to_dict(), "train_loss": list(self._train_loss),
                "test_loss": list(self._test_loss), "initial_test_loss": self._initial}
        return Run(self.target, meta, self.config, np.stack(self._codes), self.labels, np.stack(self._bce),
                   None, None, dict(self._weights), self._decoders)


class TrainingController(QObject):
    """Starts, polls and stops one :class:`latent3d.train.process.TrainingProcess` at a time.

    Parameters
    ----------
    parent : QObject, optional

    Notes
    -----
    Signals carry numpy arrays and dataclasses only: ``started(Started)``,
    ``progress(Progress)``, ``epoch_finished(EpochUpdate)``, then exactly one of
    ``finished(Path)``, ``stopped()`` or ``failed(str)``; ``running_changed(bool)`` frames them.
    """

    running_changed = Signal(bool)
    started = Signal(object)
    progress = Signal(object)
    epoch_finished = Signal(object)
    finished = Signal(object)
    stopped = Signal()
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._process: TrainingProcess | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._on_poll)
        self.stop_latency_s: float | None = None

    @property
    def running(self) -> bool:
        """Whether a training process is active (from :meth:`start` until its last signal)."""
        return self._process is not None

    @property
    def pid(self) -> int | None:
        """The training process's id, or None."""
        return self._process.pid if self._process is not None else None

    def start(self, job: TrainJob) -> None:
        """Start training ``job`` in a child process.

        Raises
        ------
        RuntimeError
            If a training is already running.
        """
        if self._process is not None:
            raise RuntimeError("A training is already running.")
        self.stop_latency_s = None
        self._process = TrainingProcess(job)
        self._process.start()
        self._timer.start()
        self.running_changed.emit(True)

    def set_window_busy(self, busy: bool) -> None:
        """Tell a running training that the window draws continuously (see ``worker.ThreadGovernor``)."""
        if self._process is not None:
            self._process.set_window_busy(busy)

    def stop(self) -> None:
        """Ask the training to stop between two batches (returns at once; ``stopped`` follows)."""
        if self._process is not None:
            self._process.request_stop()
            self._on_poll()

    def stop_and_wait(self, timeout: float = 3.0) -> None:
        """Stop and block until the child has exited (terminating it after ``timeout`` s); for closing the window."""
        if self._process is None:
            return
        self._dispatch(self._process.stop(timeout))  # the terminal message ends it through _end()
        if self._process is not None:  # no terminal message: make one up from the exit
            self._dispatch(self._process.wait(2.0))

    def _on_poll(self) -> None:
        if self._process is not None:
            self._dispatch(self._process.poll())

    def _dispatch(self, messages: Sequence[Message]) -> None:
        for msg in messages:
            if isinstance(msg, Started):
                self.started.emit(msg)
            elif isinstance(msg, Progress):
                self.progress.emit(msg)
            elif isinstance(msg, EpochUpdate):
                self.epoch_finished.emit(msg)
            elif isinstance(msg, (Finished, Stopped, Failed)):
                self._end()
                if isinstance(msg, Finished):
                    self.finished.emit(msg.path)
                elif isinstance(msg, Stopped):
                    self.stopped.emit()
                else:
                    self.failed.emit(msg.message)
                return

    def _end(self) -> None:
        proc, self._process = self._process, None
        self._timer.stop()
        if proc is None:
            return
        if proc.stop_requested_at is not None:
            self.stop_latency_s = time.perf_counter() - proc.stop_requested_at
        proc.wait(5.0)  # the last message is out: the child is exiting (os._exit), this is short
        if proc.is_alive():
            proc.stop(1.0)
        proc.close()
        self.running_changed.emit(False)
