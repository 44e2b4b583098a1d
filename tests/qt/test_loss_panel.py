"""The loss panel, built from a bare ViewerState: curves from the run, a cursor at the position, click to seek."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from latent3d.analysis.curves import binned_mean, per_class_loss
from latent3d.qt.loss_panel import LossPanel
from latent3d.runs import Run, load_run
from latent3d.state.viewer_state import ViewerState


@pytest.fixture
def panel(qtbot, synthetic_run: Path):  # noqa: ANN001, ANN201
    state = ViewerState()
    p = LossPanel(state)
    qtbot.addWidget(p)
    p.resize(800, 220)
    p.show()
    qtbot.waitExposed(p)
    state.set_run(load_run(synthetic_run))
    return p


def _pixel(panel: LossPanel, x_value: float) -> QPoint:
    """Where axis value ``x_value`` is drawn, in the canvas viewport's pixels (mid-height of the plot)."""
    vb = panel.plot.vb
    y_mid = sum(vb.viewRange()[1]) / 2
    scene = vb.mapViewToScene(QPointF(x_value, y_mid))
    return panel.canvas.mapFromScene(scene)


@pytest.mark.parametrize("axis", ["log", "linear"])
def test_curves_are_the_runs_losses(panel: LossPanel, axis: str) -> None:
    state = panel.state
    state.time_axis = axis
    run: Run = state.run
    x, y = panel.test.getData()
    np.testing.assert_allclose(y, run.test_bce.mean(axis=1), rtol=1e-6)
    steps = state.time.steps
    np.testing.assert_allclose(x, np.log10(1 + steps) if axis == "log" else steps)
    per_class = per_class_loss(run.test_bce, run.labels)
    for c in range(10):
        np.testing.assert_allclose(panel.classes[c].getData()[1], per_class[:, c], rtol=1e-6)
        expected = run.test_bce[:, run.labels == c].mean(axis=1)
        np.testing.assert_allclose(per_class[:, c], expected, rtol=1e-6)


def test_cursor_follows_the_position_and_a_click_seeks(qtbot, panel: LossPanel) -> None:  # noqa: ANN001
    state = panel.state
    state.time_axis = "linear"
    qtbot.wait(50)  # the plot refits its range to the new axis when it next paints
    state.position = 1.0
    assert panel.position_line.value() == pytest.approx(state.time.steps[1])
    target = 0.5 * (state.time.steps[1] + state.time.steps[2])
    qtbot.mouseClick(panel.canvas.viewport(), Qt.MouseButton.LeftButton, pos=_pixel(panel, target))
    assert state.step == pytest.approx(target, rel=0.02)
    assert panel.position_line.value() == pytest.approx(state.step)


def test_class_curves_toggle_from_the_legend(qtbot, panel: LossPanel) -> None:  # noqa: ANN001
    sample, _label = panel.legend.items[3 + 1]  # after the three training/test entries: class 1
    assert not panel.classes[1].isVisible()
    rect = sample.sceneBoundingRect()
    qtbot.mouseClick(panel.canvas.viewport(), Qt.MouseButton.LeftButton, pos=panel.canvas.mapFromScene(rect.center()))
    assert panel.classes[1].isVisible()


def test_binned_mean_keeps_early_steps_and_averages_late_ones() -> None:
    steps = np.arange(1, 10_001)
    x = np.log10(1 + steps)
    loss = 1.0 / np.sqrt(steps)
    bx, by = binned_mean(x, loss, bins=100)
    assert len(bx) < 100  # empty bins are left out (steps 1, 2, 3 are far apart on a log axis)
    np.testing.assert_allclose(by[:3], loss[:3])  # the first steps are single steps: no lag
    last = (x - x[0]) / (x[-1] - x[0]) * 100 >= 99
    assert by[-1] == pytest.approx(loss[last].mean()) and bx[-1] == pytest.approx(x[last].mean())
    assert np.all(np.diff(bx) > 0)


def test_the_binned_curve_follows_the_time_axis(panel: LossPanel) -> None:
    run = panel.state.run
    assert run.step_loss is not None  # the synthetic run is of format 2
    for axis in ("log", "linear"):
        panel.state.time_axis = axis
        bx, by = panel.smoothed.getData()
        steps = np.arange(1, len(run.step_loss) + 1)
        x = np.log10(1 + steps) if axis == "log" else steps.astype(float)
        ex, ey = binned_mean(x, run.step_loss)
        np.testing.assert_allclose(bx, ex)
        np.testing.assert_allclose(by, ey)


@pytest.mark.parametrize("first", ["linear", "log"])
def test_a_switch_of_time_axis_keeps_the_step(panel: LossPanel, first: str) -> None:
    """Linear -> log used to jump to the last step: the line's old value, clamped to the new bounds, seeked."""
    state = panel.state
    state.time_axis = first
    state.position = 1.5
    step = state.step
    state.time_axis = "log" if first == "linear" else "linear"
    assert state.step == pytest.approx(step)
    state.time_axis = first
    assert state.step == pytest.approx(step)
