"""Checks shared by the tests of the step plots (loss, purity): what a switch of time axis must keep."""

from __future__ import annotations

import pytest

from latent3d.state.time import TimeModel


def assert_axis_switch_keeps_the_step(time: TimeModel, first: str) -> None:
    """Switching ``time``'s axis away from ``first`` and back keeps the training step (a cursor must not seek)."""
    time.time_axis = first
    time.position = 1.5
    step = time.step
    time.time_axis = "log" if first == "linear" else "linear"
    assert time.step == pytest.approx(step)
    time.time_axis = first
    assert time.step == pytest.approx(step)
