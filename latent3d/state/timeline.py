"""Timeline arithmetic without Qt: fractional snapshot positions, training steps, epochs, log/linear axes.

A position ``u`` is a fractional snapshot index in ``[0, S - 1]``: ``u = 3.25`` lies a quarter of the
way from snapshot 3 to snapshot 4, so interpolation only ever happens between neighbouring snapshots.
The step at ``u`` is the piecewise-linear interpolation of the snapshots' steps.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["TIME_AXES", "Timebase"]

TIME_AXES = ("log", "linear")


class Timebase:
    """The snapshots of one run on a time axis.

    Parameters
    ----------
    steps : ndarray of int, shape (S,)
        Training step of each snapshot, strictly increasing, first 0.
    steps_per_epoch : int
        Training steps in one epoch (for epoch fractions).
    """

    def __init__(self, steps: np.ndarray, steps_per_epoch: int) -> None:
        self.steps = np.asarray(steps, np.float64)
        if self.steps.ndim != 1 or len(self.steps) == 0:
            raise ValueError("A timeline needs at least one snapshot.")
        self.steps_per_epoch = max(1, int(steps_per_epoch))

    @property
    def last(self) -> int:
        """Index of the last snapshot (S - 1)."""
        return len(self.steps) - 1

    @property
    def last_step(self) -> int:
        """The final training step."""
        return int(self.steps[-1])

    def clamp(self, u: float) -> float:
        """``u`` limited to ``[0, S - 1]`` (NaN becomes 0)."""
        u = float(u)
        return 0.0 if not math.isfinite(u) and not u > 0 else min(max(u, 0.0), float(self.last))

    def split(self, u: float) -> tuple[int, float]:
        """``(i, f)`` with ``u = i + f``, ``0 <= f < 1`` and ``i + 1`` a snapshot whenever ``f > 0``."""
        u = self.clamp(u)
        i = min(int(u), self.last)
        return i, u - i

    def nearest(self, u: float) -> int:
        """The snapshot nearest ``u`` (whose decoder and losses are shown)."""
        return int(round(self.clamp(u)))

    def step_at(self, u: float) -> float:
        """Training step at position ``u``."""
        i, f = self.split(u)
        return float(self.steps[i]) if f == 0 else float(self.steps[i] + f * (self.steps[i + 1] - self.steps[i]))

    def epoch_at(self, u: float) -> float:
        """Epoch (step / steps per epoch) at position ``u``."""
        return self.step_at(u) / self.steps_per_epoch

    def at_step(self, step: float) -> float:
        """The position whose step is ``step`` (clamped to the run)."""
        s = min(max(float(step), 0.0), float(self.steps[-1])) if math.isfinite(float(step)) else 0.0
        if self.last == 0:
            return 0.0
        i = int(np.searchsorted(self.steps, s, side="right")) - 1
        i = min(max(i, 0), self.last - 1)
        span = self.steps[i + 1] - self.steps[i]
        return float(i + (s - self.steps[i]) / span) if span > 0 else float(i)

    def at_epoch(self, epoch: float) -> float:
        """The position at fractional ``epoch``."""
        return self.at_step(float(epoch) * self.steps_per_epoch)

    # -- axes: a position in [0, 1] along the slider or the plot ---------------------------------

    def axis_value(self, step: float, axis: str) -> float:
        """Where ``step`` sits on ``axis`` (``log``: log10(1 + step); ``linear``: the step)."""
        return math.log10(1.0 + max(step, 0.0)) if axis == "log" else float(step)

    def step_from_axis(self, value: float, axis: str) -> float:
        """Inverse of :meth:`axis_value`."""
        return 10.0 ** value - 1.0 if axis == "log" else float(value)

    def fraction(self, u: float, axis: str) -> float:
        """Position ``u`` as a fraction 0..1 of the axis ``axis``."""
        end = self.axis_value(self.steps[-1], axis)
        return self.axis_value(self.step_at(u), axis) / end if end > 0 else 0.0

    def from_fraction(self, x: float, axis: str) -> float:
        """The position at fraction ``x`` (0..1) of the axis ``axis``."""
        end = self.axis_value(self.steps[-1], axis)
        return self.at_step(self.step_from_axis(min(max(x, 0.0), 1.0) * end, axis))

    def epoch_share(self, axis: str) -> float:
        """The fraction of the axis ``axis`` that epoch 1 takes (all of it for a run of one epoch or less)."""
        end = self.axis_value(self.steps[-1], axis)
        first = self.axis_value(min(self.steps_per_epoch, self.steps[-1]), axis)
        return first / end if end > 0 else 1.0

    def caption(self, u: float) -> str:
        """``"step 64 · epoch 0.07"``: what the timeline and captions show."""
        step = self.step_at(u)
        return f"step {step:,.0f} · epoch {step / self.steps_per_epoch:.2f}"
