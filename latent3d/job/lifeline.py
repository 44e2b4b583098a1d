"""The training process's watch on the window that started it: an orphan stops, discards its run and exits.

The window can vanish without a word (SIGKILL, a crash, a logout). Three independent signs
tell the training process, each within a second:

- EOF on a pipe whose write end only the parent holds (a thread blocks reading it);
- ``os.getppid()`` no longer being the parent (checked between batches: one cheap syscall);
- Linux's parent-death signal, ``prctl(PR_SET_PDEATHSIG, SIGUSR1)``.

Torch-free and Qt-free: the window's side only creates the pipe.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import sys
import threading
from pathlib import Path
from typing import Any

__all__ = ["ORPHAN_GRACE_S", "ChildGuard", "remove_partials", "set_parent_death_signal"]

ORPHAN_GRACE_S = 5.0  # an orphan that has not stopped by itself this long after its parent died exits anyway
PR_SET_PDEATHSIG = 1  # prctl option, from <linux/prctl.h>
STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGINT", "SIGHUP", "SIGTERM") if hasattr(signal, n))
DEATH_SIGNAL = getattr(signal, "SIGUSR1", None)  # what Linux sends when the parent dies (None: Windows)


def remove_partials(target: Path) -> None:
    """Delete the hidden ``.NAME.partial-*`` folders that a run being written to ``target`` leaves.

    Parameters
    ----------
    target : Path
        The run folder the training was writing (it is not touched).
    """
    target = Path(target)
    for p in target.parent.glob(f".{target.name}.partial-*"):
        # Renamed first: if the training thread is renaming this folder into place right now,
        # exactly one rename wins, so a folder being deleted never becomes a run.
        trash = p if p.name.endswith("-discarded") else p.with_name(f"{p.name}-discarded")
        try:
            os.rename(p, trash)
        except OSError:
            continue
        shutil.rmtree(trash, ignore_errors=True)


def set_parent_death_signal(sig: int) -> bool:
    """Ask Linux to send ``sig`` to this process when its parent dies.

    Parameters
    ----------
    sig : int
        The signal to receive.

    Returns
    -------
    bool
        Whether it was armed (False off Linux or without a usable ``prctl``).

    Notes
    -----
    Linux sends it when the parent *thread* that started this process ends, which is not
    always the parent process ending: the receiver must check ``os.getppid()``.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        return int(ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)) == 0
    except (OSError, AttributeError):  # no prctl in this libc: the pipe and getppid still notice
        return False


class ChildGuard:
    """Installed first thing in the training process: stops it when the parent dies or a stop signal arrives.

    Parameters
    ----------
    target : Path
        The run folder being trained (its partial folder is removed when the guard gives up).
    lifeline : multiprocessing.connection.Connection
        Read end of a pipe whose write end only the parent holds; the parent never writes.
    parent_pid : int
        The parent's process id, as the parent saw it.

    Notes
    -----
    ``stop`` is set when the parent is gone or on SIGINT, SIGHUP or SIGTERM (Ctrl+C or a
    closed terminal reach the whole process group); the training checks it between batches and
    stops as the Stop button does, deleting its partial run. After SIGTERM (a kill, a logout,
    or multiprocessing's exit handler in a parent that is itself exiting and no longer reads)
    :meth:`listening` is False: no more messages, no final flush to wait for. Before :attr:`training_started`
    nothing is on disk and nobody needs a reply, so the process exits at once. An orphan that
    has not exited ``ORPHAN_GRACE_S`` after its parent died (stuck anywhere) exits anyway, its
    partial folder removed. Must be created in the main thread (it installs signal handlers).
    """

    def __init__(self, target: Path, lifeline: Any, parent_pid: int) -> None:
        self.target, self.parent_pid = Path(target), parent_pid
        self.stop = threading.Event()
        self.orphaned = threading.Event()
        self.training_started = False
        self.terminated = False
        self._lock = threading.Lock()
        for sig in STOP_SIGNALS:
            signal.signal(sig, self._on_signal)
        if DEATH_SIGNAL is not None:
            signal.signal(DEATH_SIGNAL, self._on_signal)
            set_parent_death_signal(DEATH_SIGNAL)
        threading.Thread(target=self._watch, args=(lifeline,), name="latent3d-parent-watch", daemon=True).start()
        self.parent_alive()  # the parent may have died before the death signal was armed

    def parent_alive(self) -> bool:
        """False once the parent is known to be gone (cheap: one ``getppid``)."""
        if not self.orphaned.is_set() and os.getppid() != self.parent_pid:
            self._on_orphaned()
        return not self.orphaned.is_set()

    def listening(self) -> bool:
        """Whether anybody may still read this process's messages: the parent lives and sent no SIGTERM."""
        return self.parent_alive() and not self.terminated

    def _watch(self, lifeline: Any) -> None:
        try:
            lifeline.recv_bytes()  # the parent never sends: this returns only by EOF, once its process is gone
        except (EOFError, OSError):
            pass
        self._on_orphaned()

    def _on_signal(self, signum: int, _frame: object) -> None:
        if signum == DEATH_SIGNAL:
            self.parent_alive()  # the death signal may only mean the starting thread ended: trust the pid
        else:
            self.terminated = self.terminated or signum == signal.SIGTERM
            self._stop_now()

    def _on_orphaned(self) -> None:
        with self._lock:
            if self.orphaned.is_set():
                return
            self.orphaned.set()
        self._stop_now()
        timer = threading.Timer(ORPHAN_GRACE_S, self.give_up)
        timer.daemon = True
        timer.start()

    def _stop_now(self) -> None:
        if not self.training_started:
            # Before the stop flag: a main thread that sees it may exit, killing this daemon thread
            # halfway through deleting the partial folder (seen once in the full suite).
            self.give_up()
        self.stop.set()

    def give_up(self) -> None:
        """Remove the partial run and end the process now (no teardown, no flush)."""
        remove_partials(self.target)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
