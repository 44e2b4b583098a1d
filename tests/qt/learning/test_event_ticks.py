"""The learning events as a tick layer of the timeline, from a bare ViewerModel: they line up, avoid labels, seek."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from latent3d.analysis.learning import analyse
from latent3d.qt.learning.event_ticks import EventTicks
from latent3d.qt.learning.purity_plot import plain_tip
from latent3d.qt.timeline.widget import Timeline
from latent3d.runs import Run, load_run
from latent3d.state.viewer_model import ViewerModel
from tests.support.scene_fixtures import grown


@pytest.fixture
def run(synthetic_run: Path) -> Run:
    return load_run(synthetic_run)


def _on_timeline(qtbot, run: Run, width: int = 900):  # noqa: ANN001, ANN202
    model = ViewerModel()
    model.set_run(run)
    timeline = Timeline(model.time)
    ticks = EventTicks(model.learning)
    timeline.add_tick_layer(ticks)
    qtbot.addWidget(timeline)
    timeline.resize(width, 60)
    timeline.show()
    qtbot.waitExposed(timeline)
    model.learning.result = analyse(run)  # as the analysis worker writes it
    return model, timeline, ticks


def _expected_x(timeline: Timeline, step: float) -> float:
    """Where the slider puts ``step``, in the tick strip's pixels (the handle's half width in from each end)."""
    slider, strip, time = timeline.slider, timeline.ticks, timeline.time.time
    assert time is not None
    left = slider.geometry().left() - strip.geometry().left() + 8
    return left + time.fraction(time.at_step(step), timeline.time.time_axis) * (slider.width() - 16)


def test_event_ticks_line_up_with_the_slider_and_seek(qtbot, run: Run) -> None:  # noqa: ANN001
    model, timeline, ticks = _on_timeline(qtbot, run)
    analysis = model.learning.result
    assert analysis is not None and ticks.events and ticks.events == analysis.events
    strip = timeline.ticks
    ruler = strip.ruler(ticks)
    event = ticks.events[0]
    x = ticks.tick_x(event, ruler)
    assert x == pytest.approx(_expected_x(timeline, event.step), abs=1.0)
    assert ticks.event_at(x + 3, ruler) is event and ticks.event_at(x + 40, ruler) in (None, *ticks.events[1:])
    time = model.time.time
    assert time is not None
    model.time.position = float(time.last)
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=QPoint(int(round(x)), 4))
    assert model.time.step == pytest.approx(ticks.event_at(round(x), ruler).step)  # type: ignore[union-attr]
    assert ticks.tip_at(x, ruler) == plain_tip(event.tooltip(analysis.steps))
    ticks.close_ticks()


def test_event_ticks_follow_a_resize_and_avoid_the_epoch_labels(qtbot, run: Run) -> None:  # noqa: ANN001
    """They used to lie over the epoch strip as a widget of their own, kept its size and read its labels."""
    model, timeline, ticks = _on_timeline(qtbot, run)
    strip = timeline.ticks
    timeline.resize(700, 60)
    qtbot.waitUntil(lambda: timeline.width() == 700 and strip.width() == timeline.slider.width(), timeout=2000)
    ruler = strip.ruler(ticks)
    event = ticks.events[0]
    assert ticks.tick_x(event, ruler) == pytest.approx(_expected_x(timeline, event.step), abs=1.0)
    # One row of labels, kept off every epoch label (a skipped one's too).
    assert len(ruler.taken) == len(timeline.epoch_ticks.labels(strip.ruler()))
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=QPoint(int(round(ticks.tick_x(event, ruler))), 3))
    assert model.time.step == pytest.approx(
        ticks.event_at(round(ticks.tick_x(event, ruler)), ruler).step)  # type: ignore[union-attr]
    ticks.close_ticks()
    assert ticks not in strip.layers  # closed: it leaves the timeline
    model.learning.result = None
    assert ticks.events  # and no longer follows the model


def test_a_run_of_one_snapshot_shows_no_event_ticks(qtbot, run: Run) -> None:  # noqa: ANN001
    model, timeline, ticks = _on_timeline(qtbot, grown(run, 1))
    assert model.learning.result is not None and model.learning.result.events == [] and ticks.events == []
    assert not timeline.ticks.grab().isNull()  # painted without a tick
    ticks.close_ticks()
