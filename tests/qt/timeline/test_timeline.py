"""The timeline from a bare ViewerModel: a groove click jumps there; Home/End/PageUp/PageDown; the log-time words."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QStyle, QStyleOptionSlider, QToolTip

from latent3d.qt.timeline.ticks import Ruler, TickLayer
from latent3d.qt.timeline.widget import SLIDER_MAX, Timeline
from latent3d.runs import load_run
from latent3d.state.viewer_model import ViewerModel

BUNDLED = Path(__file__).resolve().parents[3] / "checkpoints" / "fashion-mnist-default"


@pytest.fixture
def timeline(qtbot):  # noqa: ANN001, ANN201
    model = ViewerModel()
    model.set_run(load_run(BUNDLED))
    t = Timeline(model.time)
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
    assert timeline.time.time.fraction(timeline.time.position, "log") == pytest.approx(0.25, abs=0.01)


def test_home_end_and_page_keys_move_whatever_has_the_focus(qtbot, timeline: Timeline) -> None:  # noqa: ANN001
    time = timeline.time
    spe = time.time.steps_per_epoch
    timeline.axis.setFocus()  # not the slider: the keys still belong to the timeline
    qtbot.keyClick(timeline.axis, Qt.Key.Key_Home)
    assert time.position == 0.0
    qtbot.keyClick(timeline.axis, Qt.Key.Key_PageUp)
    assert time.step == pytest.approx(spe)
    qtbot.keyClick(timeline.axis, Qt.Key.Key_PageUp)
    assert time.step == pytest.approx(2 * spe)
    qtbot.keyClick(timeline.axis, Qt.Key.Key_PageDown)
    assert time.step == pytest.approx(spe)
    qtbot.keyClick(timeline.axis, Qt.Key.Key_End)
    assert time.position == time.time.last
    qtbot.keyClick(timeline.axis, Qt.Key.Key_PageUp)  # clamped to the run
    assert time.position == time.time.last
    assert {a.shortcut().toString() for a in timeline.key_actions} == {"Home", "End", "PgUp", "PgDown"}


def test_the_log_time_words_say_the_room_epoch_1_gets(timeline: Timeline) -> None:
    """Epoch 1 of 20 takes ~69 % of a log axis; the tooltip said "as much room as the rest"."""
    time = timeline.time.time
    share = time.epoch_share("log")
    assert share == pytest.approx(time.fraction(time.at_epoch(1.0), "log"))
    assert 0.6 < share < 0.75
    assert f"{share:.0%} of the slider" in timeline.axis.toolTip()
    assert time.epoch_share("linear") == pytest.approx(1 / 20)


class _Mark(TickLayer):
    """A feature's layer of one tick at ``step``: it paints where the ruler says, answers hover and click near it."""

    def __init__(self, step: float) -> None:
        super().__init__()
        self.step = step
        self.rulers: list[Ruler] = []

    def paint(self, painter: QPainter, ruler: Ruler) -> None:
        self.rulers.append(ruler)
        x = int(ruler.x(self.step))
        painter.drawLine(x, 0, x, 5)

    def _near(self, x: float, ruler: Ruler) -> bool:
        return abs(ruler.x(self.step) - x) <= 3

    def tip_at(self, x: float, ruler: Ruler) -> str | None:
        return "the mark" if self._near(x, ruler) else None

    def step_at(self, x: float, ruler: Ruler) -> float | None:
        return self.step if self._near(x, ruler) else None


def test_a_tick_layer_is_placed_by_the_timeline_and_a_click_on_its_tick_seeks(qtbot, timeline: Timeline) -> None:  # noqa: ANN001
    """Issue 28: a feature's ticks plug into the timeline instead of painting over its private strip."""
    time, strip, slider = timeline.time, timeline.ticks, timeline.slider
    spe = time.time.steps_per_epoch
    mark = _Mark(3 * spe)
    timeline.add_tick_layer(mark)
    assert strip.layers == [timeline.epoch_ticks, mark]
    ruler = strip.ruler(mark)
    x = ruler.x(3 * spe)
    left = slider.geometry().left() - strip.geometry().left() + 8
    assert x == pytest.approx(left + time.time.fraction(time.time.at_step(3 * spe), "log") * (slider.width() - 16),
                              abs=1.0)  # where the slider puts that step
    frac, text = timeline.epoch_ticks.labels(strip.ruler())[3]
    assert text == "3" and ruler.at(frac) == pytest.approx(x, abs=1e-6)  # on the epoch tick of the same step
    assert len(ruler.taken) == len(timeline.epoch_ticks.labels(ruler)) == time.time.last_step // spe + 1
    strip.repaint()
    assert mark.rulers and mark.rulers[-1].taken == ruler.taken  # painted with the epoch labels' room taken
    time.position = 0.0
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=QPoint(int(x) + 20, 8))
    assert time.position == 0.0  # not on a tick
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=QPoint(int(round(x)), 8))
    assert time.step == pytest.approx(3 * spe)
    QToolTip.hideText()
    qtbot.mouseMove(strip, QPoint(int(round(x)), 8))
    qtbot.waitUntil(lambda: QToolTip.text() == "the mark", timeout=2000)
    QToolTip.hideText()
    mark.leave()
    assert strip.layers == [timeline.epoch_ticks]
    time.position = 0.0
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=QPoint(int(round(x)), 8))
    assert time.position == 0.0  # gone from the timeline
