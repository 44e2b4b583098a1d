"""Ctrl+C, SIGTERM and SIGHUP end a long command promptly and cleanly: each becomes an exception in the main thread.

Python turns only SIGINT into ``KeyboardInterrupt``; SIGTERM (``kill``, a service manager) and
SIGHUP (the terminal closed) kill the process on the spot, skipping the clean-up that removes a
partial run folder or a half-written movie. Inside :class:`StopOnSignals` all three raise
:class:`Interrupted`, a ``KeyboardInterrupt``, so the same ``finally``/``except BaseException``
clean-up runs for each, and the command exits with 128 + the signal number (130, 143, 129).

Some moments are kept out of it. While a module is being imported the exception would break the
import half-way (``PyCapsule_Import could not import module "datetime"``, exit 1, a 12-56 line
traceback), and while a child process is started (ffmpeg) it would be raised in an at-fork hook
and dropped: a signal there is held and looked at again every 50 ms until that is over.
Before the command's handler is installed at all, :func:`exit_on_early_signals` (called by
``run.py`` before any heavy import) prints the same line and exits at once: nothing has been
written yet. And once an output file has replaced the earlier one (:func:`settle`), the command
has done its work: a signal no longer turns its success into "interrupted".
"""

from __future__ import annotations

import _thread
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType, TracebackType
from typing import Any

__all__ = ["HANDLED", "Interrupted", "StopOnSignals", "blocked", "exit_on_early_signals", "exit_quietly_on_signals",
           "exit_status", "held", "interrupted_line", "remove_on_early_exit", "settle"]

RETRY_SECONDS = 0.05  # a signal held during an import is looked at again this often
_active: list[StopOnSignals] = []  # the handler installed now (the command line's), if any
_early_removals: list[str] = []  # folders made before the command's handler (matplotlib's temporary config)

HANDLED: tuple[int, ...] = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                                 if hasattr(signal, name))


class Interrupted(KeyboardInterrupt):
    """A signal asked the command to stop; ``signum`` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def exit_status(exc: BaseException) -> int:
    """The shell's convention for a command ended by a signal: 128 + its number (Ctrl+C: 130)."""
    return 128 + int(getattr(exc, "signum", signal.SIGINT))


def interrupted_line(exc: BaseException) -> str:
    """The one line a stopped command prints: ``interrupted.``, naming the signal unless it was Ctrl+C."""
    signum = int(getattr(exc, "signum", signal.SIGINT))
    return "interrupted." if signum == signal.SIGINT else f"interrupted ({signal.Signals(signum).name})."


def _must_hold(frame: FrameType | None) -> bool:
    """Whether an exception raised at ``frame`` would break an import or be lost.

    Inside an import (importlib's frames are on the stack, C extensions' imports too) it leaves a
    half-imported module; inside ``subprocess`` starting a child (ffmpeg) Python runs the at-fork
    hooks, and inside a ``__del__``, where an exception is printed as "Exception ignored" and
    dropped: the command then went on and exited 0.
    """
    while frame is not None:
        code = frame.f_code
        if (code.co_filename.startswith("<frozen importlib._bootstrap") or code.co_name == "__del__"
                or (code.co_name == "_execute_child" and code.co_filename.endswith("subprocess.py"))):
            return True
        frame = frame.f_back
    return False


def _early_exit(signum: int, frame: FrameType | None) -> None:
    _remove_early_folders()
    try:
        os.write(2, f"latent3d: {interrupted_line(Interrupted(signum))}\n".encode())
    except OSError:  # after SIGHUP the terminal may be gone
        pass
    os._exit(128 + signum)


def exit_on_early_signals(signums: tuple[int, ...] = HANDLED) -> None:
    """Until a command installs its own handler, SIGINT, SIGTERM and SIGHUP print one line and exit 130/143/129.

    Called by ``run.py`` and the ``latent3d`` script first thing, before the heavy imports: a Ctrl+C
    in the first half second printed a KeyboardInterrupt traceback from inside an import, and a
    SIGTERM killed the process without a word. Nothing has been written yet, so nothing is lost
    by exiting at once (a folder registered with :func:`remove_on_early_exit` is removed first).
    A signal the process was started ignoring stays ignored. Only in the main thread.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    for s in signums:
        if signal.getsignal(s) is not signal.SIG_IGN:
            signal.signal(s, _early_exit)


def exit_quietly_on_signals(status: int, signums: tuple[int, ...] = HANDLED) -> None:
    """The command has finished with ``status``: a signal while the interpreter shuts down exits with it, silently.

    Otherwise the early handler, back in place, would call a complete ``info`` or ``export``
    "interrupted" if a SIGTERM came in the last milliseconds.
    """
    def finished(signum: int, frame: FrameType | None) -> None:
        _remove_early_folders()
        os._exit(status)

    if threading.current_thread() is threading.main_thread():
        for s in signums:
            if signal.getsignal(s) is not signal.SIG_IGN:
                signal.signal(s, finished)


def _remove_early_folders() -> None:
    if _early_removals:
        import shutil

        for folder in _early_removals:
            shutil.rmtree(folder, ignore_errors=True)


def remove_on_early_exit(folder: str) -> None:
    """Remove ``folder`` if an early signal ends the process (atexit does not run after ``os._exit``)."""
    _early_removals.append(folder)


def settle() -> None:
    """The command's output is complete and in place: from now on a signal no longer interrupts it.

    :func:`latent3d.util.fileio.atomic_path` calls it right after its rename, inside :func:`held`:
    a SIGTERM arriving just after an export had replaced the earlier file said "interrupted",
    exit 143, though the new file was complete. Without an active :class:`StopOnSignals` (the
    window, the Python API) it does nothing.
    """
    if _active:
        _active[-1].settled = True


@contextmanager
def blocked(signums: tuple[int, ...] = HANDLED) -> Iterator[None]:
    """Keep ``signums`` from interrupting the main thread's system calls in the block; none of them is lost.

    Python installs its handlers interrupting system calls, and C code that does not retry on EINTR
    fails instead: VTK opening its X display connection for an off-screen render printed "bad X server
    connection" when a SIGHUP came at that moment (a one-line command then printed two). The signals
    are blocked in the main thread: one that comes goes to another thread (its Python handler still
    runs in the main thread, at the next line of Python) or waits for the block's end. Elsewhere than
    the main thread, and without ``pthread_sigmask``, nothing is blocked.
    """
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, signums)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


@contextmanager
def held() -> Iterator[None]:
    """Hold signals for the block (a rename and its :func:`settle`); one that came is raised after it.

    It is not raised when the block settled, and nothing is held without an active
    :class:`StopOnSignals`.
    """
    stopper = _active[-1] if _active else None
    if stopper is None:
        yield
        return
    stopper.holding += 1
    try:
        yield
    finally:
        stopper.holding -= 1
        pending = stopper.pending
        if not stopper.holding and pending is not None and not stopper.settled and stopper.received is None:
            stopper.received = pending
            raise Interrupted(pending)


class StopOnSignals:
    """While active, SIGINT, SIGTERM and SIGHUP raise :class:`Interrupted` in the main thread.

    Only the first signal raises; later ones are ignored until the block ends, so the clean-up
    that the first one started (deleting a partial folder, closing an encoder) is not cut short.
    A signal the process was started ignoring (``nohup``'s SIGHUP) stays ignored. Outside the main
    thread, where Python cannot install handlers, it does nothing.

    Examples
    --------
    >>> with StopOnSignals():  # doctest: +SKIP
    ...     long_job()
    """

    def __init__(self, signums: tuple[int, ...] = HANDLED) -> None:
        self.signums = signums
        self.received: int | None = None  # the signal raised as Interrupted
        self.pending: int | None = None  # a signal held (during an import or a held() block), not raised yet
        self.settled = False  # the output is complete (settle()): signals are ignored
        self.holding = 0
        self._retrying = False
        self._previous: dict[int, Any] = {}
        self._unraisable_before: Any = None

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.received is not None or self.settled:
            return
        held_now = self.holding > 0 or _must_hold(frame)
        if held_now:
            if self.pending is None:
                self.pending = signum
            if not self.holding and not self._retrying:  # look again once the import may be over
                self._retrying = True
                timer = threading.Timer(RETRY_SECONDS, self._retry, (self.pending,))
                timer.daemon = True
                timer.start()
            return
        self.received = signum = self.pending or signum
        raise Interrupted(signum)

    def _on_unraisable(self, unraisable: Any) -> None:
        """Python dropped an exception: if it was our Interrupted, deliver the signal again (else print as usual).

        A signal's exception raised in a weakref callback, an at-fork hook or a finaliser that
        :func:`_must_hold` did not recognise (an import's module-lock callback, logging's lock
        release) is printed as "Exception ignored" and lost: the command ran on and exited 0.
        """
        exc = unraisable.exc_value
        if isinstance(exc, Interrupted) and self.received == exc.signum and self._previous and not self.settled:
            self.received, self.pending = None, exc.signum
            if not self._retrying:
                self._retrying = True
                timer = threading.Timer(RETRY_SECONDS, self._retry, (exc.signum,))
                timer.daemon = True
                timer.start()
            return
        (self._unraisable_before or sys.__unraisablehook__)(unraisable)

    def _retry(self, signum: int) -> None:
        self._retrying = False
        if self._previous and self.received is None and not self.settled:
            # Runs _handle again in the main thread without a real signal: one would interrupt system calls
            # in C code (an X server connection being opened fails on EINTR).
            _thread.interrupt_main(signal.Signals(signum))

    def start(self) -> StopOnSignals:
        """Install the handlers (what entering the ``with`` block does); returns self."""
        if threading.current_thread() is threading.main_thread():
            for s in self.signums:
                if signal.getsignal(s) is signal.SIG_IGN:  # `nohup`, a background job: the caller chose to ignore it
                    continue
                self._previous[s] = signal.signal(s, self._handle)
            self._unraisable_before, sys.unraisablehook = sys.unraisablehook, self._on_unraisable
            _active.append(self)
        return self

    def stop(self) -> None:
        """Put back the handlers that were there before (what leaving the ``with`` block does)."""
        for s, previous in self._previous.items():
            signal.signal(s, previous if previous is not None else signal.SIG_DFL)
        self._previous.clear()
        if sys.unraisablehook == self._on_unraisable:
            sys.unraisablehook = self._unraisable_before or sys.__unraisablehook__
        self._unraisable_before = None
        if self in _active:
            _active.remove(self)

    def __enter__(self) -> StopOnSignals:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
