"""Drives one training process from the GUI thread: its queue becomes Qt signals; snapshots grow a live Run."""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtCore import QObject, QTimer, Signal

from latent3d.job.process import (
    TERMINATE_AFTER_S,
    Failed,
    Finished,
    Message,
    Progress,
    Snapshot,
    Started,
    Stopped,
    TrainingProcess,
)
from latent3d.job.train_job import TrainJob
from latent3d.runs.live import LiveRun

__all__ = ["LiveRun", "TrainingController"]

POLL_MS = 30
KILLED_SENTENCE = (f"The training did not stop within {TERMINATE_AFTER_S:g} s of being asked (its process was "
                   "paused or hung), so it was killed; the unfinished run was discarded.")


class TrainingController(QObject):
    """Starts, polls and stops one :class:`latent3d.job.process.TrainingProcess` at a time.

    Parameters
    ----------
    parent : QObject, optional

    Notes
    -----
    Signals carry numpy arrays and dataclasses only: ``started(Started)``,
    ``progress(Progress)``, ``snapshot_received(Snapshot)`` (one per snapshot), then exactly one of
    ``finished(Path)``, ``stopped()`` or ``failed(str)``; ``running_changed(bool)`` frames them.
    A training that did not stop when asked (a stopped or hung process) is killed after
    ``TERMINATE_AFTER_S``: ``killed(str)`` then comes just after ``stopped()``, with the sentence to show.
    """

    running_changed = Signal(bool)
    started = Signal(object)
    progress = Signal(object)
    snapshot_received = Signal(object)
    finished = Signal(object)
    stopped = Signal()
    failed = Signal(str)
    killed = Signal(str)

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
            elif isinstance(msg, Snapshot):
                self.snapshot_received.emit(msg)
            elif isinstance(msg, (Finished, Stopped, Failed)):
                self._end()
                if isinstance(msg, Finished):
                    self.finished.emit(msg.path)
                elif isinstance(msg, Stopped):
                    self.stopped.emit()
                    if msg.killed:
                        self.killed.emit(KILLED_SENTENCE)
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
