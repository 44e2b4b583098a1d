"""Own image files read off the GUI thread: one at a time, cancellable, each result a Qt signal in the GUI thread.

Reading a hostile file on the GUI thread froze the window: 37-76 s for a JPEG with 900 Exif
segments, during which Ctrl+Q and SIGTERM did nothing. The reader's work is bounded now
(:mod:`latent3d.data.image_bounds`), and it runs in a superqt worker: the window keeps painting
and answering while a file is read, opening another file drops the first one's result, and
closing the window cancels the read between its steps (read, parse, decode, reduce) and waits
at most :data:`CLOSE_WAIT_S` for the step under way.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal
from superqt.utils import create_worker

from latent3d.data import image_file
from latent3d.data.image_file import ImageCancelled, ImageFileError, default_name

__all__ = ["CLOSE_WAIT_S", "ImageLoader"]

CLOSE_WAIT_S = 2.0  # the longest step of an accepted file (a 16-megapixel PNG's decode) takes about half a second


class _Job:
    """One read: its cancel flag, and whether its thread is done."""

    def __init__(self, path: Path) -> None:
        self.path, self.cancel, self.done = path, threading.Event(), threading.Event()


class ImageLoader(QObject):
    """Reads a PNG or JPEG with :func:`latent3d.data.image_file.read_image_file` in a worker thread.

    Signals
    -------
    loaded(str, object)
        The name to list the image under and its 28x28 uint8 pixels.
    failed(str)
        One sentence: why the file cannot be used.
    busy(bool)
        A read started (True) or ended (False).
    """

    loaded = Signal(str, object)
    failed = Signal(str)
    busy = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job: _Job | None = None

    @property
    def reading(self) -> Path | None:
        """The file being read now, or None."""
        return self._job.path if self._job is not None else None

    def load(self, path: Path, *, invert: bool = False) -> None:
        """Start reading ``path`` (a read under way is cancelled and its result dropped); returns at once."""
        self.cancel()
        job = _Job(Path(path))
        self._job = job

        def read() -> np.ndarray:
            try:
                return image_file.read_image_file(job.path, invert=invert, cancelled=job.cancel.is_set)
            finally:
                job.done.set()

        worker: Any = create_worker(read, _start_thread=False, _ignore_errors=True)
        worker.returned.connect(lambda pixels: self._on_returned(job, pixels))
        worker.errored.connect(lambda exc: self._on_errored(job, exc))
        self.busy.emit(True)
        worker.start()

    def cancel(self) -> None:
        """Drop the read under way, if any: it stops at its next step and nothing is emitted for it."""
        job, self._job = self._job, None
        if job is not None:
            job.cancel.set()
            self.busy.emit(False)

    def close(self, wait_s: float = CLOSE_WAIT_S) -> bool:
        """Cancel, and wait up to ``wait_s`` for the step under way (the window calls it as it closes).

        Returns
        -------
        bool
            Whether no read is still running.
        """
        job = self._job
        self.cancel()
        return job is None or job.done.wait(wait_s)

    def _on_returned(self, job: _Job, pixels: np.ndarray) -> None:
        if job is self._job:
            self._job = None
            self.busy.emit(False)
            self.loaded.emit(default_name(job.path), pixels)

    def _on_errored(self, job: _Job, exc: BaseException) -> None:
        if job is not self._job or isinstance(exc, ImageCancelled):
            return
        self._job = None
        self.busy.emit(False)
        text = str(exc) if isinstance(exc, ImageFileError) else (
            f"{job.path} could not be read ({type(exc).__name__}: {str(exc)[:120]}); choose another PNG or JPEG.")
        self.failed.emit(text)
