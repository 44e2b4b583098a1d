"""Timeline arithmetic without Qt: fractional snapshot positions, training steps, epochs, log/linear axes.

A position ``u`` is a fractional snapshot index in ``[0, S - 1]``: ``u = 3.25`` lies a quarter of the
way from snapshot 3 to snapshot 4, so interpolation only ever happens between neighbouring snapshots.
The step at ``u`` is the piecewise-linear interpolation of the snapshots' steps.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from latent3d.analysis.interpolate import clamp_position, split_position, value_at
from latent3d.config.choices import TIME_AXES

__all__ = ["TIME_AXES", "Timebase", "axis_to_step", "step_to_axis"]



def step_to_axis(step: float | np.ndarray, axis: str) -> Any:
    """Where training steps sit on time axis ``axis``: ``log10(1 + step)`` on ``log``, the step itself on ``linear``.

    Parameters
    ----------
    step : float or ndarray
        Training steps (negative ones count as 0 on the log axis).
    axis : {"log", "linear"}

    Returns
    -------
    float or ndarray of float64
        The same shape as ``step``.
    """
    if np.ndim(step) == 0:
        return math.log10(1.0 + max(float(step), 0.0)) if axis == "log" else float(step)
    s = np.asarray(step, np.float64)
    return np.log10(1.0 + np.maximum(s, 0.0)) if axis == "log" else s


def axis_to_step(value: float | np.ndarray, axis: str) -> Any:
    """Inverse of :func:`step_to_axis`: the training step at ``value`` along ``axis`` (``10 ** value - 1`` on ``log``).

    Parameters
    ----------
    value : float or ndarray
    axis : {"log", "linear"}

    Returns
    -------
    float or ndarray of float64
    """
    if np.ndim(value) == 0:
        return 10.0 ** float(value) - 1.0 if axis == "log" else float(value)
    v = np.asarray(value, np.float64)
    return 10.0 ** v - 1.0 if axis == "log" else v


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
        return clamp_position(u, self.last)

    def split(self, u: float) -> tuple[int, float]:
        """``(i, f)`` with ``u = i + f``, ``0 <= f < 1`` and ``i + 1`` a snapshot whenever ``f > 0``."""
        return split_position(u, self.last)

    def nearest(self, u: float) -> int:
        """The snapshot nearest ``u`` (whose decoder and losses are shown)."""
        return int(round(self.clamp(u)))

    def step_at(self, u: float) -> float:
        """Training step at position ``u``."""
        return value_at(self.steps, u)

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
        return float(step_to_axis(step, axis))

    def step_from_axis(self, value: float, axis: str) -> float:
        """Inverse of :meth:`axis_value`."""
        return float(axis_to_step(value, axis))

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
