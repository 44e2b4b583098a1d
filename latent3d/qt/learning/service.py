"""Works out the learning analysis of the run shown on a worker thread and writes it to the learning model.

The maths is Qt-free (:mod:`latent3d.analysis.learning`); this object only moves it off the GUI
thread, with superqt's worker: one computation at a time, the newest run waiting behind it (a live
training's snapshots arrive faster than some machines analyse them), results cached per run folder.
The worker's signals arrive on the GUI thread, where the result is written to ``learning.result``
and the progress note to ``learning.status``; every learning panel is a view of that model.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator
from functools import partial
from typing import TYPE_CHECKING

from superqt.utils import GeneratorWorker, create_worker

from latent3d.analysis.learning import LearningAnalysis, LearningCache

if TYPE_CHECKING:
    from latent3d.runs import Run
    from latent3d.state.learning import LearningModel
    from latent3d.state.time import TimeModel

__all__ = ["BUSY_NOTE", "LearningService"]

BUSY_NOTE = "Working out when each class separated…"
CLOSE_WAIT_S = 2.0  # closing waits this long at most for the worker, which stops between two snapshots


def _stages(cache: LearningCache, run: Run,
            stop: Callable[[], bool]) -> Generator[LearningAnalysis, None, LearningAnalysis | None]:
    """The worker's body: yields the quick part (if there is one), returns the whole analysis."""
    whole = None
    for a in cache.stages(run, stop=stop):
        if a.partial:
            yield a
        else:
            whole = a
    return whole


class LearningService:
    """Keeps ``learning.result`` the analysis of ``time.run``, computed in the background when the run changes.

    Parameters
    ----------
    learning : LearningModel
        Written on the GUI thread: ``result`` (a run just opened gets its quick part first,
        ``partial``: learned-at and data map, no purity yet), ``status`` while a computation runs.
    time : TimeModel
        Its run is analysed.
    """

    def __init__(self, learning: LearningModel, time: TimeModel) -> None:
        self.learning, self.time = learning, time
        self.cache = LearningCache()
        self._worker: GeneratorWorker | None = None
        self._stop = threading.Event()  # set when the service closes: the worker ends between two snapshots
        self._pending: Run | None = None
        self._closed = False
        time.events.run.connect(self._on_run)
        self._on_run(time.run)

    @property
    def running(self) -> bool:
        """Whether a computation is under way."""
        return self._worker is not None

    def _on_run(self, run: Run | None) -> None:
        if run is None:
            self._pending = None
            self.learning.result = None
            return
        cached = self.cache.get(run)
        if cached is not None:
            self._pending = None
            self.learning.result = cached
        elif self._worker is None:
            self._start(run)
        else:
            self._pending = run  # the newest run waits; older pending ones are dropped

    def _start(self, run: Run) -> None:
        self.learning.status = BUSY_NOTE
        self._worker = create_worker(  # its signals are queued onto the GUI thread
            _stages, self.cache, run, self._stop.is_set, _connect={
                "yielded": partial(self._on_partial, run), "returned": partial(self._on_done, run),
                "errored": partial(self._on_failed, run)})

    def _on_failed(self, run: Run, _error: Exception) -> None:
        self._on_done(run, None)  # a failed analysis hides the panels' curves, never the window

    def _on_done(self, run: Run, analysis: LearningAnalysis | None) -> None:
        self._worker = None
        if self._closed:
            return
        current = self.time.run
        if self._pending is not None:  # a live training moved on meanwhile: show this result, then catch up
            if analysis is not None and current is not None and current.path == run.path:
                self.learning.result = analysis
            run, self._pending = self._pending, None
            self._start(run)
            return
        self.learning.status = ""
        if current is run:
            self.learning.result = analysis

    def _on_partial(self, run: Run, quick: LearningAnalysis) -> None:
        if not self._closed and self._pending is None and self.time.run is run:
            self.learning.result = quick  # the data map and the learned-at histogram at once; curves and events follow

    def close(self) -> None:
        """Stop listening, and the computation under way (it ends between two snapshots; its result is dropped).

        Waits for the worker a moment, so that no thread is left computing while the application exits.
        """
        self._closed = True
        self.time.events.run.disconnect(self._on_run)
        worker = self._worker
        if worker is not None:
            self._stop.set()
            worker.quit()
            end = time.monotonic() + CLOSE_WAIT_S
            while worker.is_running and time.monotonic() < end:
                time.sleep(0.01)
