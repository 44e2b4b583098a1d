"""The loss panel, built from a bare ViewerModel: curves from the run, a cursor at the position, click to seek."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QApplication

from latent3d.analysis.curves import binned_mean, per_class_loss
from latent3d.qt.loss.panel import LossPanel
from latent3d.runs import Run, load_run
from latent3d.state.viewer_model import ViewerModel
from tests.support.step_plots import assert_axis_switch_keeps_the_step


@pytest.fixture
def panel(qtbot, synthetic_run: Path):  # noqa: ANN001, ANN201
    model = ViewerModel()
    p = LossPanel(model.time, model.display)
    qtbot.addWidget(p)
    p.resize(800, 220)
    p.show()
    qtbot.waitExposed(p)
    model.set_run(load_run(synthetic_run))
    return p


def _pixel(panel: LossPanel, x_value: float) -> QPoint:
    """Where axis value ``x_value`` is drawn, in the canvas viewport's pixels (mid-height of the plot)."""
    vb = panel.plot.vb
    y_mid = sum(vb.viewRange()[1]) / 2
    scene = vb.mapViewToScene(QPointF(x_value, y_mid))
    return panel.canvas.mapFromScene(scene)


@pytest.mark.parametrize("axis", ["log", "linear"])
def test_curves_are_the_runs_losses(panel: LossPanel, axis: str) -> None:
    time = panel.time
    time.time_axis = axis
    run: Run = time.run
    x, y = panel.test.getData()
    np.testing.assert_allclose(y, run.test_bce.mean(axis=1), rtol=1e-6)
    steps = time.time.steps
    np.testing.assert_allclose(x, np.log10(1 + steps) if axis == "log" else steps)
    per_class = per_class_loss(run.test_bce, run.labels)
    for c in range(10):
        np.testing.assert_allclose(panel.classes[c].getData()[1], per_class[:, c], rtol=1e-6)
        expected = run.test_bce[:, run.labels == c].mean(axis=1)
        np.testing.assert_allclose(per_class[:, c], expected, rtol=1e-6)


def test_cursor_follows_the_position_and_a_click_seeks(qtbot, panel: LossPanel) -> None:  # noqa: ANN001
    time = panel.time
    time.time_axis = "linear"
    qtbot.wait(50)  # the plot refits its range to the new axis when it next paints
    time.position = 1.0
    assert panel.position_line.value() == pytest.approx(time.time.steps[1])
    target = 0.5 * (time.time.steps[1] + time.time.steps[2])
    qtbot.mouseClick(panel.canvas.viewport(), Qt.MouseButton.LeftButton, pos=_pixel(panel, target))
    assert time.step == pytest.approx(target, rel=0.02)
    assert panel.position_line.value() == pytest.approx(time.step)


def test_a_click_on_a_class_name_toggles_its_curve(qtbot, panel: LossPanel) -> None:  # noqa: ANN001
    """Issue 25 replaced the legend's crossed-eye icons (hidden by default) by class buttons beside the plot."""
    bar = panel.class_bar
    assert {c for c in range(10) if panel.classes[c].isVisible()} == set(bar.shown) == {1, 6, 8}  # a few, at once
    qtbot.mouseClick(bar.buttons[3], Qt.MouseButton.LeftButton)
    assert panel.classes[3].isVisible() and bar.buttons[3].isChecked()
    qtbot.mouseClick(bar.buttons[1], Qt.MouseButton.LeftButton)
    assert not panel.classes[1].isVisible() and not bar.buttons[1].isChecked()


@pytest.mark.parametrize("modifier", [Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ControlModifier])
def test_alt_or_ctrl_click_shows_a_class_alone_and_all_is_one_click(qtbot, panel: LossPanel,  # noqa: ANN001
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    modifier: Qt.KeyboardModifier) -> None:
    from latent3d.qt.loss import class_curves

    bar = panel.class_bar
    monkeypatch.setattr(class_curves.QApplication, "keyboardModifiers", staticmethod(lambda: modifier))
    bar.buttons[4].click()
    assert {c for c in range(10) if panel.classes[c].isVisible()} == {4}
    bar.buttons[4].click()  # solo again on the class shown alone: every class
    assert all(curve.isVisible() for curve in panel.classes)
    monkeypatch.undo()
    bar.show_none()
    assert not any(curve.isVisible() for curve in panel.classes)
    bar.show_all()
    assert all(curve.isVisible() for curve in panel.classes)


def test_a_highlighted_class_is_brought_out_and_the_others_fade(qtbot, panel: LossPanel) -> None:  # noqa: ANN001
    display = panel.display
    display.highlight_class = 3  # not among the curves shown: drawn while highlighted
    assert panel.classes[3].isVisible() and panel.classes[3].opts["pen"].widthF() > 2
    assert panel.classes[6].opts["pen"].color().alpha() < 255
    assert panel.class_bar.buttons[3].font().bold() or "bold" in panel.class_bar.buttons[3].styleSheet()
    display.highlight_class = None
    assert not panel.classes[3].isVisible() and panel.classes[6].opts["pen"].color().alpha() == 255


def test_hovering_a_class_button_highlights_the_class(qtbot, panel: LossPanel) -> None:  # noqa: ANN001
    from PySide6.QtCore import QEvent

    bar = panel.class_bar
    QApplication.sendEvent(bar.buttons[2], QEvent(QEvent.Type.Enter))
    assert panel.display.highlight_class == 2
    QApplication.sendEvent(bar.buttons[2], QEvent(QEvent.Type.Leave))
    assert panel.display.highlight_class is None


def test_the_position_line_has_a_colour_no_class_and_no_curve_uses(panel: LossPanel) -> None:
    from latent3d.scene.core.look import CLASS_COLORS

    line = panel.position_line.pen.color()
    rgb = np.array([line.red(), line.green(), line.blue()])
    others = [*CLASS_COLORS, (0xff, 0xcc, 0x33), (0xe8, 0xe8, 0xe8)]  # the classes, test, binned train
    assert min(np.abs(rgb - np.array(c)).sum() for c in CLASS_COLORS) > 150
    assert panel.position_line.pen.style() == Qt.PenStyle.DashLine  # and dashed, unlike every curve
    assert all(tuple(rgb) != c for c in others)


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
    run = panel.time.run
    assert run.step_loss is not None  # the synthetic run is of format 2
    for axis in ("log", "linear"):
        panel.time.time_axis = axis
        bx, by = panel.smoothed.getData()
        steps = np.arange(1, len(run.step_loss) + 1)
        x = np.log10(1 + steps) if axis == "log" else steps.astype(float)
        ex, ey = binned_mean(x, run.step_loss)
        np.testing.assert_allclose(bx, ex)
        np.testing.assert_allclose(by, ey)


@pytest.mark.parametrize("first", ["linear", "log"])
def test_a_switch_of_time_axis_keeps_the_step(panel: LossPanel, first: str) -> None:
    """Linear -> log used to jump to the last step: the line's old value, clamped to the new bounds, seeked."""
    assert_axis_switch_keeps_the_step(panel.time, first)
