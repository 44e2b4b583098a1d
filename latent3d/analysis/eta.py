"""Time left of a training from its measured step rate after warm-up (Qt-free, fed with (time, step) pairs)."""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["TimeLeft"]

WARMUP_FRACTION = 0.02  # the first 2 % of the steps (threads start, first allocations, caches) are not timed


@dataclass(frozen=True)
class _Interval:
    start: int  # step at the interval's start
    steps: int
    seconds: float
    epoch_end: bool  # it ends on an epoch boundary, so it may hold the evaluation and saving of an epoch


class TimeLeft:
    """Estimate the seconds a training has left from the step rate measured after its warm-up.

    The first steps of a training are much slower than the rest (threads start, buffers are
    allocated, caches fill), so a rate averaged from the very start overestimates the time
    left by a wide margin early on (the window once showed 1:52 for a 20 s training). Here the
    time per step is measured over the later half of the steps done so far, never before the
    warm-up ends, so the slow start drops out (a slow start longer than the warm-up weighs on
    the estimate until it falls out of that half). With ``steps_per_epoch``, the pause at each
    epoch end (evaluating the test set, saving) is measured apart and added once per epoch
    left: a window of steps that happens to hold one more or one fewer epoch end then does not
    make the estimate jump.

    Parameters
    ----------
    total_steps : int
        Steps of the whole training (epochs x batches per epoch).
    steps_per_epoch : int, optional
        Batches per epoch; a sample at a multiple of it is taken as an epoch end.
    warmup_steps : int, optional
        Steps left out of the rate (default: 2 % of ``total_steps``, at least 1).

    Examples
    --------
    >>> eta = TimeLeft(1000, warmup_steps=10)
    >>> for t, step in [(0.0, 0), (5.0, 10), (6.0, 110)]:
    ...     eta.add(t, step)
    >>> eta.seconds_left()
    8.9
    """

    def __init__(self, total_steps: int, steps_per_epoch: int | None = None, warmup_steps: int | None = None) -> None:
        self.total_steps = max(0, int(total_steps))
        self.steps_per_epoch = int(steps_per_epoch) if steps_per_epoch and steps_per_epoch > 0 else None
        default = max(1, math.ceil(WARMUP_FRACTION * self.total_steps))
        self.warmup_steps = default if warmup_steps is None else max(0, int(warmup_steps))
        self._intervals: list[_Interval] = []  # between consecutive samples, after the warm-up
        self._last: tuple[float, int] | None = None

    def add(self, t: float, step: int) -> None:
        """Record that ``step`` steps were done at time ``t`` (seconds on any monotonic clock)."""
        t, step = float(t), int(step)
        prev = self._last
        if prev is not None and (step < prev[1] or t < prev[0]):
            return  # out of order (a late message): the newest sample already says more
        self._last = (t, step)
        if prev is not None and prev[1] >= self.warmup_steps and t > prev[0]:
            spe = self.steps_per_epoch
            self._intervals.append(_Interval(prev[1], step - prev[1], t - prev[0],
                                             spe is not None and step > 0 and step % spe == 0))

    def _recent(self, intervals: list[_Interval]) -> list[_Interval]:
        # The later half of the steps done: the slow start drops out as the training goes on.
        half = self._last[1] / 2 if self._last is not None else 0.0
        recent = [i for i in intervals if i.start >= half]
        return recent or intervals

    def seconds_per_step(self) -> float | None:
        """Mean time of one step over the later half of the steps done (after the warm-up), or None."""
        steady = [i for i in self._intervals if not i.epoch_end and i.steps > 0]
        # Without samples inside epochs (tiny epochs), every interval is one whole epoch: use those.
        use = self._recent(steady or self._intervals)
        steps = sum(i.steps for i in use)
        return sum(i.seconds for i in use) / steps if steps > 0 else None

    def seconds_per_epoch_end(self) -> float:
        """The measured pause at an epoch end beyond its steps (0 until one was seen, or without epochs)."""
        per_step = self.seconds_per_step()
        steady = [i for i in self._intervals if not i.epoch_end and i.steps > 0]
        ends = [i for i in self._intervals if i.epoch_end]
        if per_step is None or not steady or not ends:
            return 0.0
        pauses: dict[int, float] = {}  # by boundary: a progress sample may arrive at the same step first
        for i in self._recent(ends):
            end = i.start + i.steps
            pauses[end] = pauses.get(end, 0.0) + i.seconds - i.steps * per_step
        return max(0.0, sum(pauses.values()) / len(pauses))

    def seconds_left(self) -> float | None:
        """Seconds until ``total_steps`` at the measured rate, from the last sample; None while warming up."""
        per_step = self.seconds_per_step()
        if per_step is None or self._last is None:
            return None
        steps_left = max(0, self.total_steps - self._last[1])
        ends_left = -(-steps_left // self.steps_per_epoch) if self.steps_per_epoch else 0
        return round(steps_left * per_step + ends_left * self.seconds_per_epoch_end(), 6)
