"""The timeline from a bare ViewerState: a groove click jumps there; Home/End/PageUp/PageDown; the log-time words."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QStyle, QStyleOptionSlider

from latent3d.qt.timeline.widget import SLIDER_MAX, Timeline
from latent3d.runs import load_run
from latent3d.state.viewer_state import ViewerState

BUNDLED = Path(__file__).resolve().parents[3] / "checkpoints" / "fashion-mnist-default"


@pytest.fixture
def timeline(qtbot):  # noqa: ANN001, ANN201
    state = ViewerState()
    state.set_run(load_run(BUNDLED))
    t = Timeline(state)
    qtbot.addWidget(t)
    t.resize(900, 60)
    with qtbot.waitActive(t):
        t.show()
        t.activateWindow()
    return t


def _groove_x(slider: object, fraction: float) -> int:
    opt = QStyleOptionSlider()
    slider.initStyleOption(opt)  # type: ignore[attr-defined]
    style = slider.style()  # type: ignore[attr-defined]
    groove = style.subControlRect(QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderGroove, slider)
    handle = style.subControlRect(QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle, slider)
    return int(groove.x() + handle.width() / 2 + fraction * (groove.width() - handle.width()))


def test_a_click_on_the_groove_jumps_to_the_clicked_place(qtbot, timeline: Timeline) -> None:  # noqa: ANN001
    """It used to move one page (18,760 -> 18,576) towards the click."""
    slider = timeline.slider
    y = slider.height() // 2
    qtbot.mouseClick(slider, Qt.MouseButton.LeftButton, pos=QPoint(_groove_x(slider, 0.25), y))
    assert slider.value() == pytest.approx(0.25 * SLIDER_MAX, abs=0.01 * SLIDER_MAX)
    assert timeline.state.time.fraction(timeline.state.position, "log") == pytest.approx(0.25, abs=0.01)


def test_home_end_and_page_keys_move_whatever_has_the_focus(qtbot, timeline: Timeline) -> None:  # noqa: ANN001
    state = timeline.state
    spe = state.time.steps_per_epoch
    timeline.axis.setFocus()  # not the slider: the keys still belong to the timeline
    qtbot.keyClick(timeline.axis, Qt.Key.Key_Home)
    assert state.position == 0.0
    qtbot.keyClick(timeline.axis, Qt.Key.Key_PageUp)
    assert state.step == pytest.approx(spe)
    qtbot.keyClick(timeline.axis, Qt.Key.Key_PageUp)
    assert state.step == pytest.approx(2 * spe)
    qtbot.keyClick(timeline.axis, Qt.Key.Key_PageDown)
    assert state.step == pytest.approx(spe)
    qtbot.keyClick(timeline.axis, Qt.Key.Key_End)
    assert state.position == state.time.last
    qtbot.keyClick(timeline.axis, Qt.Key.Key_PageUp)  # clamped to the run
    assert state.position == state.time.last
    assert {a.shortcut().toString() for a in timeline.key_actions} == {"Home", "End", "PgUp", "PgDown"}


def test_the_log_time_words_say_the_room_epoch_1_gets(timeline: Timeline) -> None:
    """Epoch 1 of 20 takes ~69 % of a log axis; the tooltip said "as much room as the rest"."""
    time = timeline.state.time
    share = time.epoch_share("log")
    assert share == pytest.approx(time.fraction(time.at_epoch(1.0), "log"))
    assert 0.6 < share < 0.75
    assert f"{share:.0%} of the slider" in timeline.axis.toolTip()
    assert time.epoch_share("linear") == pytest.approx(1 / 20)
