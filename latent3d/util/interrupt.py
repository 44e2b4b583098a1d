"""Ctrl+C, SIGTERM and SIGHUP end a long command promptly and cleanly: each becomes an exception in the main thread.

Python turns only SIGINT into ``KeyboardInterrupt``; SIGTERM (``kill``, a service manager) and
SIGHUP (the terminal closed) kill the process on the spot, skipping the clean-up that removes a
partial run folder or a half-written movie. Inside :class:`StopOnSignals` all three raise
:class:`Interrupted`, a ``KeyboardInterrupt``, so the same ``finally``/``except BaseException``
clean-up runs for each, and the command exits with 128 + the signal number (130, 143, 129).
"""

from __future__ import annotations

import signal
import threading
from types import FrameType, TracebackType
from typing import Any

__all__ = ["HANDLED", "Interrupted", "StopOnSignals", "exit_status", "interrupted_line"]

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
        self.received: int | None = None
        self._previous: dict[int, Any] = {}

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.received is None:
            self.received = signum
            raise Interrupted(signum)

    def start(self) -> StopOnSignals:
        """Install the handlers (what entering the ``with`` block does); returns self."""
        if threading.current_thread() is threading.main_thread():
            for s in self.signums:
                if signal.getsignal(s) is signal.SIG_IGN:  # `nohup`, a background job: the caller chose to ignore it
                    continue
                self._previous[s] = signal.signal(s, self._handle)
        return self

    def stop(self) -> None:
        """Put back the handlers that were there before (what leaving the ``with`` block does)."""
        for s, previous in self._previous.items():
            signal.signal(s, previous if previous is not None else signal.SIG_DFL)
        self._previous.clear()

    def __enter__(self) -> StopOnSignals:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
