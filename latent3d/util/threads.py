"""How many CPU threads a training should use: a default for this machine and its load, and a governor that follows it.

Why it matters: PyTorch's default (one OpenMP thread per core) collapses on a busy machine.
OpenMP waits at the end of every parallel region for its slowest thread, and a thread that
another process preempts stalls them all: on a 2-core machine at load 6, two threads took
17.6x as long as one. So the default counts the cores that other processes leave free, and
the :class:`ThreadGovernor` looks again every few seconds during the training (between two
batches), leaving one core to the window while the window draws.

The load is the number of runnable threads of *other* processes: on Linux sampled from
``/proc/loadavg`` (its ``running/total`` field, immediate, unlike the 1-minute average that
still holds a load which just ended), elsewhere :func:`os.getloadavg`. Torch-free.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

__all__ = ["MAX_THREADS", "ThreadGovernor", "available_cores", "check_threads", "choose_threads", "other_load",
           "sample_load"]

MAX_THREADS = 1024  # more threads than any machine this runs on has cores
SAMPLE_EVERY_S = 0.1  # during a training, one reading of the load this often (~0.2 ms each: 0.2 % of the time)
DECIDE_EVERY_S = 2.0  # ... and a new thread count from the readings of this long
MAX_HISTORY = 500  # changes listed in run.json; a long training on a restless machine counts the rest


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the OS has one), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # macOS and Windows have no sched_getaffinity
        return max(1, os.cpu_count() or 1)


def check_threads(value: object) -> int | None:
    """``value`` as a thread count (None for the automatic default); ValueError with one sentence otherwise."""
    if value is None or value == "auto":
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_THREADS:
        raise ValueError(f"threads must be a whole number from 1 to {MAX_THREADS} or 'auto', not {value!r}.")
    return value


def _own_running() -> int:
    """Threads of this process running or runnable right now (Linux: ``/proc/self/task/*/stat``)."""
    n = 0
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return 1
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
        except OSError:  # the thread ended in between
            continue
        end = stat.rfind(")")  # the state follows the command name, which may itself hold ")"
        n += end > 0 and stat[end + 2: end + 3] == "R"
    return max(1, n)  # the reading thread runs


def sample_load() -> float | None:
    """Runnable threads of other processes right now, one reading (None where ``/proc`` is missing)."""
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            running = int(f.read().split()[3].split("/")[0])
    except (OSError, IndexError, ValueError):
        return None
    return float(max(0, running - _own_running()))


def other_load(samples: int = 5, gap_s: float = 0.004, own: int = 1) -> float:
    """Threads of other processes that want a core now, averaged over ``samples`` readings ``gap_s`` apart.

    Where ``/proc`` is missing, the 1-minute load average less ``own`` (this process's threads).
    """
    seen = []
    for i in range(samples):
        value = sample_load()
        if value is None:
            break
        seen.append(value)
        if i + 1 < samples:
            time.sleep(gap_s)
    if seen:
        return sum(seen) / len(seen)
    try:
        return max(0.0, os.getloadavg()[0] - own)  # slower to follow, but the best there is without /proc
    except (AttributeError, OSError):
        return 0.0


def choose_threads(cores: int, load: float, leave: int = 0) -> int:
    """The thread count for ``cores`` cores when other processes keep ``load`` of them busy.

    Every core that is more than half free gets a thread; ``leave`` cores stay free (the window's,
    while it draws); never fewer than one thread.
    """
    free = cores - max(0.0, load)
    return max(1, min(cores - leave, int(free + 0.5)))


class ThreadGovernor:
    """Sets a training's thread count between batches: fixed, or following the machine's load.

    Before the first batch it looks at the load for ~20 ms; during the training it reads the load
    every ``SAMPLE_EVERY_S`` (between two batches, where this process's own running threads are
    counted and left out) and chooses again from the mean of each ``DECIDE_EVERY_S`` of readings.

    Parameters
    ----------
    set_threads : callable
        Applies a count (``torch.set_num_threads`` in the training process).
    asked : int or None
        A fixed count; None follows the load.
    busy : callable, optional
        True while the window draws continuously: one core is left to it.
    cores : int, optional
        Default :func:`available_cores`.
    first_look, sample : callable, optional
        The load before the first batch (:func:`other_load`) and one reading during the training
        (:func:`sample_load`; None: no reading possible, the first look stands). Tests pass their own.
    clock : callable
        Seconds, for when to read and decide.

    Attributes
    ----------
    history : list of [int, int]
        ``[step, threads]`` each time the count changed (steps counted by :meth:`update` calls), the
        first ``MAX_HISTORY`` changes.
    changes : int
        How many times the count changed (the first setting included).
    first_load : float or None
        The load seen before the first batch.
    """

    def __init__(self, set_threads: Callable[[int], None], asked: int | None = None, *,
                 busy: Callable[[], bool] = lambda: False, cores: int | None = None,
                 first_look: Callable[[], float] = other_load, sample: Callable[[], float | None] = sample_load,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.set_threads, self.asked, self.busy = set_threads, check_threads(asked), busy
        self.cores = cores or available_cores()
        self._first_look, self._sample, self._clock = first_look, sample, clock
        self.current = 0
        self.steps = 0
        self.history: list[list[int]] = []
        self.changes = 0
        self.first_load: float | None = None
        self.load = 0.0  # the load the count is chosen for
        self._readings: list[float] = []
        self._sampled = self._decided = 0.0

    def _follow_load(self) -> None:
        now = self._clock()
        if self.first_load is None:
            self.first_load = self.load = self._first_look()
            self._sampled = self._decided = now
            return
        if now - self._sampled >= SAMPLE_EVERY_S:
            self._sampled = now
            value = self._sample()
            if value is not None:
                self._readings.append(value)
        if now - self._decided >= DECIDE_EVERY_S and self._readings:
            self.load = sum(self._readings) / len(self._readings)
            self._readings.clear()
            self._decided = now

    def wanted(self) -> int:
        """The count for now: the asked one, or the one the load and the window leave room for."""
        if self.asked is not None:
            return self.asked
        self._follow_load()
        return choose_threads(self.cores, self.load, leave=1 if self.busy() else 0)

    def apply(self) -> int:
        """Set the count wanted now (cheap between two readings of the load) and return it."""
        want = self.wanted()
        if want != self.current:
            self.set_threads(want)
            self.current = want
            self.changes += 1
            if len(self.history) < MAX_HISTORY:
                self.history.append([self.steps, want])
        return want

    def update(self) -> int:
        """:meth:`apply` before one training step; call once per step."""
        want = self.apply()
        self.steps += 1
        return want

    def record(self) -> dict[str, object]:
        """What ``run.json`` keeps under ``threads``: asked, cores, the load at the start, the counts used."""
        return {"asked": "auto" if self.asked is None else self.asked, "cores": self.cores,
                "load_at_start": None if self.first_load is None else round(self.first_load, 2),
                "used": [list(h) for h in self.history], "changes": self.changes}
