"""The time model: the run shown, the position on its timeline, the time axis, and whether the camera follows."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from psygnal import SignalGroupDescriptor

from latent3d.config.choices import TIME_AXES
from latent3d.state.model import Model, identical, quietly_set
from latent3d.state.timeline import Timebase

if TYPE_CHECKING:
    from latent3d.runs import Run

__all__ = ["TimeModel", "timebase_of"]


def timebase_of(run: Run) -> Timebase:
    """The snapshots of ``run`` on the time axis (a version-1 run's are its epoch ends)."""
    return Timebase(np.asarray(run.steps), int(run.steps_per_epoch))



@dataclass(eq=False)
class TimeModel(Model):
    """Where on the training the window is.

    Attributes
    ----------
    run : Run or None
        The run shown; change it with :meth:`set_run` (the viewer model's, which keeps the other models
        consistent), never by assignment.
    position : float
        The fractional snapshot index shown, clamped to the run (see :mod:`latent3d.state.timeline`).
    time_axis : {"log", "linear"}
        How the timeline and the plots space training steps.
    follow : bool
        Whether the camera frames the snapshot shown (distance and focal point follow it, direction stays); on
        by default.
    """

    events: ClassVar[SignalGroupDescriptor] = SignalGroupDescriptor(equality_operators={"run": identical})

    run: Run | None = None
    position: float = 0.0
    time_axis: str = "log"
    follow: bool = True  # decided in issue 32: the first steps are what the tool is for, and they fill the view

    def __post_init__(self) -> None:
        self._time: Timebase | None = None
        self._grew = False
        super().__post_init__()

    def _check_run(self, run: Any) -> Any:
        raise AttributeError("Set the run with ViewerModel.set_run (it keeps selection, groups and comparison right).")

    def _check_position(self, u: float) -> float:
        return self._time.clamp(u) if self._time is not None else 0.0

    def _check_time_axis(self, axis: str) -> str:
        if axis not in TIME_AXES:
            raise ValueError(f"Unknown time axis {axis!r}; use log or linear.")
        return axis

    def _check_follow(self, on: object) -> bool:
        return bool(on)

    def set_run(self, run: Run | None, position: float | None, grew: bool,
                between: Callable[[], None] | None = None) -> None:
        """Show ``run`` at ``position`` (default: where it was if ``grew``, else the last snapshot).

        Both fields change before either event, so a listener of ``run`` reads the new position;
        ``between`` runs after the run's event and before the position's (the viewer model's other events).
        """
        time = timebase_of(run) if run is not None else None
        if time is None:
            u = 0.0
        else:
            target = position if position is not None else (self.position if grew else float(time.last))
            u = time.clamp(target)
        self._time, self._grew = time, grew
        old = quietly_set(self, run=run, position=u)
        self.events.run.emit(run, old["run"])
        if between is not None:
            between()
        self.events.position.emit(u, old["position"])  # always: listeners of run redraw from the position

    # -- derived -----------------------------------------------------------------------------------

    @property
    def time(self) -> Timebase | None:
        """The run's snapshots on the time axis (None without a run)."""
        return self._time

    @property
    def run_grew(self) -> bool:
        """Whether the last :meth:`set_run` showed a longer version of the run before (a live training's snapshot)."""
        return self._grew

    @property
    def snapshot(self) -> int:
        """The stored snapshot nearest the position: its decoder, losses and colours are shown."""
        return self._time.nearest(self.position) if self._time is not None else 0

    @property
    def step(self) -> float:
        """Training step at the position."""
        return self._time.step_at(self.position) if self._time is not None else 0.0

    @property
    def epoch(self) -> float:
        """Epoch (fractional) at the position."""
        return self._time.epoch_at(self.position) if self._time is not None else 0.0

    @property
    def planned_epochs(self) -> int:
        """The epochs the run was configured for (a live run's total, not the epochs done so far); 0 without a run."""
        run = self.run
        return 0 if run is None else max(int(run.config.epochs), int(run.epochs))

    def seek_step(self, step: float) -> None:
        """Move to training step ``step``."""
        if self._time is not None:
            self.position = self._time.at_step(step)

    def step_snapshot(self, direction: int) -> None:
        """Move to the next (``+1``) or previous (``-1``) stored snapshot."""
        if self._time is None:
            return
        u = self.position
        self.position = float(math.floor(u) + 1 if direction > 0 else math.ceil(u) - 1)
