"""The side panel keeps its place: selecting, clearing and free roam never move the legend under the cursor."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from qt.conftest import dispose, open_window


def _legend_top(qtbot, w) -> int:  # noqa: ANN001
    qtbot.wait(30)  # the layout requests posted by the change are handled
    return w.parts["display"]["legend"].mapTo(w, QPoint(0, 0)).y()


def test_legend_stays_put_whatever_the_panel_shows(qtbot, window) -> None:  # noqa: ANN001
    tops = [_legend_top(qtbot, window)]
    window.model.pick.selected = 5
    tops.append(_legend_top(qtbot, window))
    window.parts["inspect"]["gestures"].set_free_roam(True)
    tops.append(_legend_top(qtbot, window))
    window.model.pick.selected = None
    tops.append(_legend_top(qtbot, window))
    window.parts["inspect"]["gestures"].set_free_roam(False)
    tops.append(_legend_top(qtbot, window))
    assert len(set(tops)) == 1, tops


def test_probe_box_says_how_to_start_free_roam(window) -> None:  # noqa: ANN001
    probe = window.parts["inspect"]["panel"].probe
    assert probe.isVisible() and "Free roam" in probe.left.text() and "F" in probe.details.text()


def test_main_content_fits_at_1500_by_950(qtbot, settings, synthetic_run, data_dir_or_none) -> None:  # noqa: ANN001
    w = open_window(qtbot, settings, data_dir_or_none, synthetic_run)
    try:
        w.resize(1500, 950)
        w.parts["inspect"]["gestures"].set_free_roam(True)
        w.model.pick.selected = 5
        qtbot.wait(50)
        legend, panel = w.parts["display"]["legend"], w.parts["inspect"]["panel"]
        classes = w.docks["Classes"]
        assert legend.mapTo(classes, QPoint(0, legend.height())).y() <= classes.height()  # the whole legend
        probe = w.docks["Free-roam probe"]
        assert probe.isVisible() and panel.probe.isVisible()  # free roam brought the probe's dock to the front
        w.docks["Selected image"].raise_()
        qtbot.wait(50)
        scroll = w.docks["Selected image"].widget()
        bottom = panel.selection.mapTo(scroll.viewport(), QPoint(0, panel.selection.height())).y()
        assert bottom <= scroll.viewport().height()  # the images and their text without scrolling
    finally:
        dispose(w)
