"""Training in a separate process: small numpy messages out through a queue, a stop event in.

Why a process and not a thread: torch lazily imports triton on the first optimiser step,
and importing triton into a process where Mesa's llvmpipe already made a GL context
segfaults. The viewer never imports torch; the child does. A process also keeps the
window's frame times free of the GIL held by the training loop.
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import os
import queue as queue_mod
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from latent3d.config.train import TrainConfig
from latent3d.job.lifeline import ChildGuard, remove_partials
from latent3d.job.train_job import TrainJob
from latent3d.runs.series import Snapshot

__all__ = ["Failed", "Finished", "Message", "Progress", "Snapshot", "Started", "Stopped", "TrainingProcess"]

TERMINATE_AFTER_S = 3.0  # a child that ignores the stop event this long (stopped, hung) is killed
READER_JOIN_S = 0.5  # how long the GUI thread waits, at most, for the last messages of a child that has exited
FLUSH_TIMEOUT_S = 5.0  # a child whose parent lives but reads nothing gives up its last messages after this
THREADS_ENV = "LATENT3D_TRAIN_THREADS"  # fixed torch threads of the training process (default: ThreadGovernor)
# The child's torch side is imported by module name, inside the child only: this module is a process
# boundary the window imports, and a static import (even inside a function) would put torch on the
# window's import graph, which the import contracts forbid (they count indirect imports).
_SESSION = "latent3d.training.session"
_LOOP = "latent3d.training.loop"


@dataclass(frozen=True)
class Started:
    """The data is loaded; training is about to begin."""

    target: Path
    config: TrainConfig
    labels: np.ndarray
    n_batches: int
    train_images: int
    device: str


@dataclass(frozen=True)
class Progress:
    """Every 50 batches: where the training is inside ``epoch`` (1-based) and its running loss."""

    epoch: int
    batch: int
    n_batches: int
    loss: float


@dataclass(frozen=True)
class Finished:
    """The run is completely written at ``path``."""

    path: Path


@dataclass(frozen=True)
class Stopped:
    """Training was stopped; the partial run was deleted. ``killed``: it did not stop when asked and was killed."""

    killed: bool = False


@dataclass(frozen=True)
class Failed:
    """Training failed; ``message`` is one sentence for the user. Nothing was saved."""

    message: str


Message = Started | Progress | Snapshot | Finished | Stopped | Failed  # a Snapshot carries the decoder's weights only
TERMINAL = (Finished, Stopped, Failed)


def _child_main(job: TrainJob, out: Any, stop: Any, should_stop: Callable[[], bool] | None = None) -> None:
    """Entry point of the training process: run ``latent3d.training.session.train_and_save``, report through ``out``."""
    from latent3d.data.datasets import DataError
    from latent3d.runs import RunError

    session = importlib.import_module(_SESSION)  # the torch side, by name: see _SESSION

    epoch = 0  # whole epochs done, as of the last snapshot

    def on_start(s: Any) -> None:
        out.put(Started(s.target, job.config, s.labels, s.n_batches, s.train_images, s.device))

    def on_batch(b: int, n: int, loss: float) -> None:
        out.put(Progress(epoch + 1, b, n, loss))

    def on_snapshot(r: Snapshot) -> None:
        nonlocal epoch
        epoch = r.step // r.steps_per_epoch
        # the window decodes and never encodes: half the bytes on the queue, the encoder stays in the run folder
        out.put(replace(r, weights={k: v for k, v in r.weights.items() if k.startswith("decoder.")}))

    try:
        loop = importlib.import_module(_LOOP)

        path = session.train_and_save(job, should_stop=should_stop or stop.is_set, on_start=on_start,
                                      on_batch=on_batch, on_snapshot=on_snapshot)
        out.put(Finished(path) if path is not None else Stopped())
    except (DataError, RunError, session.SaveError, loop.TrainingDiverged, ValueError) as exc:
        out.put(Failed(str(exc)))
    except MemoryError:
        out.put(Failed("Training ran out of memory; no run was saved."))
    except Exception as exc:  # noqa: BLE001 - anything else still becomes one sentence in the window
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        out.put(Failed(f"Training failed unexpectedly ({type(exc).__name__}{': ' + detail if detail else ''}); "
                       "no run was saved."))
    finally:
        out.close()
        out.join_thread()  # flush every message before the process exits


class ThreadGovernor:
    """Gives the training every core while the window is idle and all but one while it draws.

    On a 2-core machine two OpenMP threads plus a window drawing 60 frames/s made an epoch
    7x slower (a preempted thread stalls every parallel region), while one thread alone runs
    at ~57% of the CLI. So the window raises ``busy`` while the camera moves or the timeline
    plays, and the training switches its thread count between two batches.

    Parameters
    ----------
    busy : multiprocessing Event
        Set by the window while it is drawing continuously.
    idle_threads, busy_threads : int
        Torch threads in each state.
    """

    def __init__(self, busy: Any, idle_threads: int, busy_threads: int) -> None:
        self.busy, self.idle_threads, self.busy_threads = busy, idle_threads, busy_threads
        self.current = 0

    def update(self) -> None:
        """Apply the thread count the window's state asks for (cheap when unchanged)."""
        torch = importlib.import_module("torch")  # only ever called in the child (see _SESSION)
        want = self.busy_threads if self.busy.is_set() else self.idle_threads
        if want != self.current:
            torch.set_num_threads(want)
            self.current = want


class _Outbox:
    """The child's end of the message queue: a send never blocks, the final flush is bounded.

    ``multiprocessing.Queue.put`` hands messages to a feeder thread; when nobody reads, that
    thread blocks on the full pipe and ``join_thread`` at exit waits for it forever (the hang of
    issue 15). So messages nobody will read (the parent is gone, or SIGTERM came) are dropped,
    and the flush gives up after ``FLUSH_TIMEOUT_S`` or as soon as nobody listens.
    """

    def __init__(self, queue: Any, guard: ChildGuard) -> None:
        self.queue, self.guard = queue, guard

    def put(self, msg: Message) -> None:
        """Send ``msg`` unless nobody will read it (see :meth:`ChildGuard.listening`)."""
        if isinstance(msg, Started):
            self.guard.training_started = True
        if self.guard.listening():
            self.queue.put(msg)

    def close(self) -> None:
        """No more messages."""
        self.queue.close()

    def join_thread(self) -> None:
        """Wait until the messages are in the pipe, for at most ``FLUSH_TIMEOUT_S`` and only while somebody listens."""
        flush = threading.Thread(target=self.queue.join_thread, name="latent3d-flush", daemon=True)
        flush.start()
        deadline = time.monotonic() + FLUSH_TIMEOUT_S
        while flush.is_alive() and self.guard.listening() and time.monotonic() < deadline:
            flush.join(0.05)
        if flush.is_alive():
            self.queue.cancel_join_thread()  # and _child_entry's os._exit ends the blocked feeder


def _child_entry(job: TrainJob, out: Any, stop: Any, busy: Any, lifeline: Any, parent_pid: int) -> None:
    """Run :func:`_child_main`, then exit at once: torch's interpreter teardown would add ~0.6 s to a stop."""
    code = 0
    try:
        guard = ChildGuard(job.target, lifeline, parent_pid)
        torch = importlib.import_module("torch")  # the child's side of the process boundary (see _SESSION)

        env = os.environ.get(THREADS_ENV, "")
        cores = max(1, min(torch.get_num_threads(), os.cpu_count() or 1))
        if env.isdigit() and int(env) > 0:  # a fixed count asked for by the user
            governor = ThreadGovernor(busy, int(env), int(env))
        else:
            governor = ThreadGovernor(busy, cores, max(1, cores - 1))
        governor.update()

        def should_stop() -> bool:
            if guard.stop.is_set() or not guard.parent_alive():  # first: the parent's events may be unusable
                return True
            governor.update()
            return bool(stop.is_set())

        _child_main(job, _Outbox(out, guard), stop, should_stop)
    except BaseException:  # noqa: BLE001 - whatever escapes, the exit below must happen (no hanging teardown)
        traceback.print_exc()
        code = 1
    finally:
        if code:
            remove_partials(job.target)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


class TrainingProcess:
    """One training in a child process started with the ``spawn`` method.

    Parameters
    ----------
    job : TrainJob
        What to train and where to save it.

    Notes
    -----
    Call :meth:`poll` regularly (the window does every 30 ms): it returns the messages
    that arrived, ending with exactly one of :class:`Finished`, :class:`Stopped` or
    :class:`Failed`. A child that dies without saying why yields a :class:`Failed`.
    """

    def __init__(self, job: TrainJob) -> None:
        self.job = job
        ctx = mp.get_context("spawn")
        self._queue = ctx.Queue()
        self._stop = ctx.Event()
        self._busy = ctx.Event()
        # The lifeline: the child blocks reading one end; only this process holds the other, so the
        # child reads EOF the moment this process is gone, however it died (see ChildGuard).
        self._lifeline_child, self._lifeline = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_child_entry, name="latent3d-training", daemon=True,
                                 args=(job, self._queue, self._stop, self._busy, self._lifeline_child, os.getpid()))
        self._pending: list[Message] = []
        # Messages are read on a thread of their own: a child stopped (SIGSTOP) or killed in the middle of
        # a message leaves a half-written message in the pipe, and reading it on the GUI thread froze the window.
        self._inbox: deque[Message] = deque()
        self._reading = True
        self._reader = threading.Thread(target=self._read_loop, name="latent3d-training-reader", daemon=True)
        self._started = False
        self._ended = False
        self._killed = False
        self.stop_requested_at: float | None = None

    def start(self) -> None:
        """Start the child process."""
        self._proc.start()
        self._lifeline_child.close()  # the child has its own copy; ours would only leak
        # The child holds its own copy of the queue's write end; without ours, a read of a message the
        # child was killed in the middle of ends (EOF) instead of waiting forever for its missing bytes.
        writer = getattr(self._queue, "_writer", None)
        if writer is not None:
            writer.close()
        self._reader.start()

    def _read_loop(self) -> None:
        while self._reading:
            try:
                self._inbox.append(self._queue.get(timeout=0.1))
            except queue_mod.Empty:
                continue
            except (OSError, EOFError, ValueError, TypeError):  # the child died mid-message, or the queue closed
                return

    @property
    def ended(self) -> bool:
        """True once the terminal message was returned by :meth:`poll` and the child has exited."""
        return self._ended and not self._proc.is_alive()

    @property
    def pid(self) -> int | None:
        """The child's process id."""
        return self._proc.pid

    def is_alive(self) -> bool:
        """Whether the child process is still running."""
        return self._proc.is_alive()

    def set_window_busy(self, busy: bool) -> None:
        """Tell the training whether the window is drawing continuously (it then leaves a core free)."""
        if busy:
            self._busy.set()
        else:
            self._busy.clear()

    def request_stop(self) -> None:
        """Ask the child to stop between two batches; returns at once.

        Before training has started (importing torch, loading data) nothing is on disk yet,
        so the child is killed right away instead of waiting for it to reach a batch.
        """
        if self.stop_requested_at is None:
            self.stop_requested_at = time.perf_counter()
        self._stop.set()
        self._drain()
        if not self._started and self._proc.is_alive():
            self._kill()

    def poll(self) -> list[Message]:
        """Messages that arrived since the last call (never blocks for long)."""
        self._drain()
        if (self.stop_requested_at is not None and self._proc.is_alive()
                and time.perf_counter() - self.stop_requested_at > TERMINATE_AFTER_S):
            self._kill()
        if not self._ended and not self._proc.is_alive() and self._proc.exitcode is not None:
            self._reader.join(READER_JOIN_S)  # the last messages are in the pipe: read them, for a bounded time
            self._drain()
            if not any(isinstance(m, TERMINAL) for m in self._pending):
                self._cleanup_partial()
                self._pending.append(Stopped(self._killed) if self._stop.is_set() else Failed(
                    f"The training process ended unexpectedly (exit code {self._proc.exitcode}); "
                    "no run was saved."))
        out, self._pending = self._pending, []
        if any(isinstance(m, TERMINAL) for m in out):
            self._ended = True
        return out

    def wait(self, timeout: float) -> list[Message]:
        """Block up to ``timeout`` seconds for the child to exit; returns the messages that arrived meanwhile."""
        deadline = time.perf_counter() + timeout
        msgs: list[Message] = []
        while self._proc.is_alive() and time.perf_counter() < deadline:
            msgs += self.poll()  # keep reading: a child with a full pipe cannot exit
            self._proc.join(0.02)
        return msgs + self.poll()

    def stop(self, timeout: float = TERMINATE_AFTER_S) -> list[Message]:
        """Request a stop, wait up to ``timeout`` s, then kill; returns the remaining messages."""
        self.request_stop()
        msgs = self.wait(timeout)
        if self._proc.is_alive():
            self._kill()
            msgs += self.wait(2.0)
        return msgs

    def close(self) -> None:
        """Release the queue and process handles (the child must have exited)."""
        self._reading = False
        self._reader.join(READER_JOIN_S)
        self._queue.close()
        self._queue.join_thread()
        self._lifeline.close()  # a child still running reads EOF and stops as if the window were gone
        if not self._proc.is_alive():
            self._proc.close()

    def _drain(self) -> None:
        while self._inbox:  # never blocks: the reader thread does the reading
            msg = self._inbox.popleft()
            if isinstance(msg, Started):
                self._started = True
            self._pending.append(msg)

    def _kill(self) -> None:
        # SIGKILL, not SIGTERM: the child takes SIGTERM as a polite stop (see ChildGuard), and
        # this is for a child that does not stop, or has nothing on disk yet.
        self._killed = True
        self._proc.kill()
        self._proc.join(2.0)
        self._cleanup_partial()

    def _cleanup_partial(self) -> None:
        # A killed child may leave RunWriter's hidden ``.NAME.partial-*`` folder; no listing shows it, but tidy up.
        remove_partials(self.job.target)
