"""Runs the learning analysis of the state's run on a worker thread and hands the result to the GUI thread by signal.

The maths is Qt-free (:mod:`latent3d.analysis.learning`); this object only moves it off the GUI
thread: one computation at a time, the newest run waiting behind it (a live training's snapshots
arrive faster than some machines analyse them), results cached per run folder.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from latent3d.analysis.learning import LearningAnalysis, LearningCache
from latent3d.state.viewer_state import ViewerState, connect_handlers

if TYPE_CHECKING:
    from latent3d.runs import Run

__all__ = ["LearningService"]

BUSY_NOTE = "Working out when each class separated…"


class LearningService(QObject):
    """The learning analysis of ``state.run``, computed in the background when the run changes.

    Parameters
    ----------
    state : ViewerState
    parent : QObject, optional

    Signals
    -------
    ready(object)
        A :class:`LearningAnalysis` of the run shown (or None without a run), on the GUI thread. A run
        just opened gets its quick part first (``partial``: learned-at and data map, no purity yet).
    busy(str)
        A short progress note while a computation runs, ``""`` when it ends.
    """

    ready = Signal(object)
    busy = Signal(str)
    _done = Signal(object, object)  # (run, analysis) from the worker: queued onto the GUI thread
    _partial = Signal(object, object)  # (run, quick part) from the worker, before the purity is done

    def __init__(self, state: ViewerState, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.cache = LearningCache()
        self.analysis: LearningAnalysis | None = None
        self._thread: threading.Thread | None = None
        self._pending: Run | None = None
        self._closed = False
        self._done.connect(self._on_done)
        self._partial.connect(self._on_partial)
        self._disconnect = connect_handlers(state.events, self)
        self._on_run(state.run)

    @property
    def running(self) -> bool:
        """Whether a computation is under way."""
        return self._thread is not None

    def _on_run(self, run: Run | None) -> None:
        if run is None:
            self._pending = None
            self._publish(None)
            return
        cached = self.cache.get(run)
        if cached is not None:
            self._pending = None
            self._publish(cached)
        elif self._thread is None:
            self._start(run)
        else:
            self._pending = run  # the newest run waits; older pending ones are dropped

    def _start(self, run: Run) -> None:
        self.busy.emit(BUSY_NOTE)
        self._thread = threading.Thread(target=self._work, args=(run,), name="learning-analysis", daemon=True)
        self._thread.start()

    def _work(self, run: Run) -> None:
        try:
            analysis: LearningAnalysis | None = self.cache.analyse(
                run, on_partial=lambda quick: None if self._closed else self._partial.emit(run, quick))
        except Exception:  # noqa: BLE001 - a failed analysis hides the panels' curves, never the window
            analysis = None
        if not self._closed:
            self._done.emit(run, analysis)

    def _on_done(self, run: Run, analysis: LearningAnalysis | None) -> None:
        self._thread = None
        if self._closed:
            return
        if self._pending is not None:  # a live training moved on meanwhile: show this result, then catch up
            if analysis is not None and self.state.run is not None and self.state.run.path == run.path:
                self._publish(analysis)
            run, self._pending = self._pending, None
            self._start(run)
            return
        self.busy.emit("")
        if self.state.run is run:
            self._publish(analysis)

    def _on_partial(self, run: Run, quick: LearningAnalysis) -> None:
        if not self._closed and self._pending is None and self.state.run is run:
            self._publish(quick)  # the data map and the learned-at histogram at once; curves and events follow

    def _publish(self, analysis: LearningAnalysis | None) -> None:
        if analysis is not self.analysis:
            self.analysis = analysis
            self.ready.emit(analysis)

    def wait(self, timeout: float = 30.0) -> None:
        """Wait for a running computation (tests, shutdown); its result arrives when events are processed."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def close(self) -> None:
        """Stop listening; a computation under way finishes on its own and is dropped."""
        self._closed = True
        self._disconnect()
