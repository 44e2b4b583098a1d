"""The window's default layout: every plot has room, nothing is cut, panels are docks saved and restored."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QDockWidget, QScrollArea, QToolBar, QToolButton
from qt.conftest import dispose, open_window

MIN_DATA_AREA = (300, 150)  # px: a plot's ViewBox, where the curves are drawn
SIZES = ((1400, 900), (1920, 1080))


def _plots(w) -> dict[str, object]:  # noqa: ANN001
    """Each plot's dock title and its ViewBox."""
    views = w.parts["learning"]["views"]
    return {"Loss curves": w.loss_panel.plot.vb, "Class separation": views.purity.plot.vb,
            "Learned at": views.histogram.plot.vb, "Agreement": w.parts["compare"]["agreement"].plot.vb,
            "Data map": views.data_map.view}


@pytest.mark.parametrize("size", SIZES)
def test_every_plot_has_a_data_area_of_300_by_150(qtbot, settings, synthetic_run, size) -> None:  # noqa: ANN001
    w = open_window(qtbot, settings, None, synthetic_run)
    try:
        w.resize(*size)
        qtbot.waitUntil(lambda: w.width() == size[0] and w.height() == size[1], timeout=3000)
        small = {}
        for title, vb in _plots(w).items():
            w.docks[title].raise_()  # a tab behind another is laid out when it comes to the front
            qtbot.wait(30)
            assert w.docks[title].isVisible(), title
            rect = vb.geometry()
            if rect.width() < MIN_DATA_AREA[0] or rect.height() < MIN_DATA_AREA[1]:
                small[title] = (round(rect.width()), round(rect.height()))
        assert not small, f"plots smaller than {MIN_DATA_AREA} at {size}: {small}"
    finally:
        dispose(w)


@pytest.mark.parametrize("size", SIZES)
def test_nothing_is_clipped_and_no_scroll_area_is_inside_another(qtbot, settings, synthetic_run, size) -> None:  # noqa: ANN001
    w = open_window(qtbot, settings, None, synthetic_run)
    try:
        w.resize(*size)
        qtbot.waitUntil(lambda: w.width() == size[0], timeout=3000)
        docks = w.findChildren(QDockWidget)
        assert len(docks) >= 12 and all(d.objectName() for d in docks)
        for dock in docks:
            dock.raise_()
            qtbot.wait(10)
            inner, need = dock.widget(), dock.widget().minimumSizeHint()
            assert inner.width() >= need.width() and inner.height() >= need.height(), (
                f"{dock.windowTitle()} is cut: {inner.width()}x{inner.height()} < {need.width()}x{need.height()}")
        for area in w.findChildren(QScrollArea):
            parent = area.parentWidget()
            while parent is not None:
                assert not isinstance(parent, QScrollArea), f"a scroll area inside another: {area.widget()}"
                parent = parent.parentWidget()
    finally:
        dispose(w)


def test_loss_and_class_separation_are_shown_at_once_with_their_legends_beside(window) -> None:  # noqa: ANN001
    loss, purity = window.docks["Loss curves"], window.docks["Class separation"]
    assert loss.isVisible() and purity.isVisible() and purity not in window.tabifiedDockWidgets(loss)
    for plot in (window.loss_panel, window.parts["learning"]["views"].purity):
        legend = plot.legend.mapRectToScene(plot.legend.boundingRect())
        box = plot.plot.vb.mapRectToScene(plot.plot.vb.boundingRect())
        outside = plot.legend.scene() is not plot.plot.vb.scene() or not legend.intersects(box)
        assert outside, "a legend over the curves"


def test_a_panel_hidden_and_moved_is_restored_and_reset_layout_puts_it_back(qtbot, settings, synthetic_run) -> None:  # noqa: ANN001
    w = open_window(qtbot, settings, None, synthetic_run)
    w.docks["Group"].toggleViewAction().trigger()  # View → Panels → Group: hidden
    w.docks["Agreement"].setFloating(True)
    assert not w.docks["Group"].isVisible()
    w.close()
    assert isinstance(settings.value("dock_state"), QByteArray)
    dispose(w)
    again = open_window(qtbot, QSettings(settings.fileName(), QSettings.Format.IniFormat), None, synthetic_run)
    try:
        assert not again.docks["Group"].isVisible() and again.docks["Agreement"].isFloating()
        again.chrome.reset_layout_action.trigger()
        assert again.docks["Group"].isVisibleTo(again) and not again.docks["Agreement"].isFloating()
        assert again.docks["Loss curves"].isVisible()
        titles = [a.text() for a in again.chrome.panels_menu.actions()]
        assert {"Loss curves", "Class separation", "Group", "Neighbours", "Data map"} <= set(titles)
    finally:
        dispose(again)


def test_a_dock_tells_its_panel_when_it_is_seen(qtbot) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QLabel, QMainWindow

    from latent3d.qt.features import Panel
    from latent3d.qt.layout import DockLayout
    from latent3d.qt.timeline.widget import Timeline
    from latent3d.state.time import TimeModel

    win = QMainWindow()
    qtbot.addWidget(win)
    seen: dict[str, list[bool]] = {"A": [], "B": []}
    panels = [Panel(QLabel("a"), "bottom", "A", order=10, group="g", shown=seen["A"].append),
              Panel(QLabel("b"), "bottom", "B", order=20, group="g", shown=seen["B"].append)]
    timeline = Timeline(TimeModel())
    layout = DockLayout(win, QLabel("3-D view"), timeline, panels)
    assert seen == {"A": [False], "B": [False]}  # nothing is seen before the window is
    win.show()
    qtbot.waitUntil(lambda: seen["A"][-1:] == [True], timeout=2000)
    assert seen["B"][-1] is False  # tabbed behind A
    layout.docks["B"].raise_()
    qtbot.waitUntil(lambda: seen["B"][-1:] == [True] and seen["A"][-1:] == [False], timeout=2000)
    layout.docks["B"].close()  # View → Panels unchecked
    qtbot.waitUntil(lambda: seen["B"][-1:] == [False], timeout=2000)
    timeline.close_timeline()


def test_at_1280_px_no_toolbar_hides_an_action(qtbot, settings, synthetic_run) -> None:  # noqa: ANN001
    w = open_window(qtbot, settings, None, synthetic_run)
    try:
        w.resize(1280, 800)
        qtbot.waitUntil(lambda: w.width() == 1280, timeout=3000)
        qtbot.wait(50)
        for bar in w.findChildren(QToolBar):
            if bar.isVisible():
                more = [b for b in bar.findChildren(QToolButton) if b.objectName() == "qt_toolbar_ext_button"]
                assert not any(b.isVisible() for b in more), f"{bar.objectName()} puts actions behind »"
    finally:
        dispose(w)


def _menu_actions(menu) -> list:  # noqa: ANN001
    found = []
    for act in menu.actions():
        found.append(act)
        if act.menu() is not None:
            found += _menu_actions(act.menu())
    return found


def test_every_action_with_a_key_is_in_a_menu_and_the_toolbar_moves_none_out(window) -> None:  # noqa: ANN001
    from PySide6.QtGui import QAction

    in_menus = {id(a) for top in window.menuBar().actions() for a in [top, *_menu_actions(top.menu())]}
    keyed = [a for a in window.findChildren(QAction) if not a.shortcut().isEmpty()]
    missing = [f"{a.text()} ({a.shortcut().toString()})" for a in keyed if id(a) not in in_menus]
    assert not missing, f"actions with a key but no menu entry: {missing}"
    for bar in window.findChildren(QToolBar):
        for act in bar.actions():
            if act.text() and not act.isSeparator() and act.shortcut().isEmpty() is False:
                assert id(act) in in_menus, act.text()
    groups = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Groups")
    assert {"Box", "Lasso", "Behind", "Isolate", "Trails"} <= {a.text() for a in groups.actions()}


def test_the_paths_large_decode_is_larger_than_88_px_in_the_default_layout(qtbot, settings, synthetic_run) -> None:  # noqa: ANN001
    from latent3d.state.values import PathState

    w = open_window(qtbot, settings, None, synthetic_run)
    try:
        w.resize(1400, 900)
        qtbot.waitUntil(lambda: w.width() == 1400, timeout=3000)
        w.model.pick.selected = 3
        w.model.pick.path = PathState(3, 17)  # a path: its dock comes to the front
        path = w.parts["inspect"]["path"]
        qtbot.waitUntil(lambda: w.docks["Path A→B"].isVisible() and path.decode.pixmap() is not None
                        and not path.decode.pixmap().isNull(), timeout=5000)
        qtbot.wait(50)
        assert path.decode.pixmap().width() >= 112, path.decode.pixmap().width()  # 4 px or more an image pixel
    finally:
        dispose(w)
