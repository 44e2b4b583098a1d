"""Epoch labels in log time: the last epoch and as many others as fit; the slider and loop box explain themselves."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QWidget

from latent3d.qt.timeline.ticks import LABEL_GAP, EpochTicks, Ruler
from latent3d.qt.timeline.widget import Timeline
from latent3d.runs import Run, load_run
from latent3d.state.viewer_model import ViewerModel
from tests.support.scene_fixtures import make_run


@pytest.fixture(scope="module")
def long_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return load_run(make_run(tmp_path_factory.mktemp("epochs") / "r", n=200, epochs=20))


def test_log_time_labels_the_last_epoch_and_more_than_before(qtbot, long_run: Run) -> None:  # noqa: ANN001
    model = ViewerModel()
    model.set_run(long_run)
    probe = QWidget()
    qtbot.addWidget(probe)
    metrics = QFontMetrics(EpochTicks.label_font(probe.font()))  # as the strip paints them
    ruler = Ruler(model.time.time, "log", 10.0, 430.0)  # the slider's width in the default 1400-px window
    shown = EpochTicks().shown_labels(ruler, metrics)
    texts = [t for _x, t in shown]
    # Before: 0 1 2 3 4 6 8 12 19 (the last epoch dropped for its neighbour).
    assert texts[0] == "0" and texts[-1] == "20" and len(texts) >= 10, texts
    for (xa, ta), (xb, tb) in zip(shown, shown[1:]):
        assert xb - metrics.horizontalAdvance(tb) / 2 - (xa + metrics.horizontalAdvance(ta) / 2) >= LABEL_GAP
    linear = [t for _x, t in EpochTicks().shown_labels(Ruler(model.time.time, "linear", 10.0, 430.0), metrics)]
    assert linear == [str(e) for e in range(21)]  # linear time: every epoch has room


def test_the_slider_and_the_loop_box_have_tooltips(qtbot) -> None:  # noqa: ANN001
    timeline = Timeline(ViewerModel().time)
    qtbot.addWidget(timeline)
    assert "snapshot" in timeline.slider.toolTip() and "PgUp" in timeline.slider.toolTip()
    assert "again" in timeline.loop.toolTip()
    timeline.close_timeline()
