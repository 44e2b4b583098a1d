"""The training loss at a step as the loss plot bins it (what the status bar shows)."""

from __future__ import annotations

import numpy as np
import pytest

from latent3d.analysis.curves import binned_loss_at, binned_mean


@pytest.fixture
def step_loss() -> np.ndarray:
    rng = np.random.default_rng(0)
    return (0.7 * np.exp(-np.arange(18760) / 500) + 0.3 + 0.01 * rng.random(18760)).astype(np.float32)


@pytest.mark.parametrize("axis", ["log", "linear"])
def test_the_loss_at_a_step_is_a_point_of_the_plotted_curve(step_loss: np.ndarray, axis: str) -> None:
    x = np.arange(1, len(step_loss) + 1, dtype=np.float64)
    x = np.log10(1 + x) if axis == "log" else x
    _bx, by = binned_mean(x, step_loss)
    for step in (3, 64, 239, 940, 11256, 18760):
        value = binned_loss_at(step_loss, step, axis)
        assert value is not None and np.isclose(by, value, rtol=1e-9).any(), step


def test_early_steps_on_a_log_axis_are_their_own_bins(step_loss: np.ndarray) -> None:
    """Epoch 1's first steps spread wide on a log axis: the status bar shows each step's own loss there."""
    for step in (1, 3, 7):
        assert binned_loss_at(step_loss, step, "log") == pytest.approx(float(step_loss[step - 1]))


def test_no_loss_before_the_first_step_or_without_step_losses(step_loss: np.ndarray) -> None:
    assert binned_loss_at(step_loss, 0, "log") is None
    assert binned_loss_at(step_loss, float("nan"), "log") is None
    assert binned_loss_at(None, 100, "log") is None
    assert binned_loss_at(np.zeros(0, np.float32), 100, "linear") is None


def test_a_step_past_the_end_is_the_last_bin(step_loss: np.ndarray) -> None:
    assert binned_loss_at(step_loss, 10 ** 9, "linear") == binned_loss_at(step_loss, len(step_loss), "linear")
