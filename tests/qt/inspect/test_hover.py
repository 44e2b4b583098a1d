"""Issue 32 defect 10: hovering a point in the 3-D view shows its index and class (it showed nothing)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QToolTip


def _front_most(w) -> int:  # noqa: ANN001
    depth = np.array([w.scene.display_position(i)[2] for i in range(w.scene.n_points)])
    return int(np.argmin(depth))


def test_a_resting_mouse_on_a_point_shows_its_index_and_class(qtbot, window) -> None:  # noqa: ANN001
    hover = window.parts["inspect"]["hover"]
    i = _front_most(window)
    x, y, _ = window.scene.display_position(i)
    dpr = window.view.devicePixelRatioF()
    h = window.view.ren_win.GetSize()[1]
    pos = QPoint(int(round(x / dpr)), int(round((h - 1 - y) / dpr)))
    name = window.run.class_names[int(window.run.labels[i])]
    assert hover.text_at(pos) == f"#{i} {name}"
    assert hover.text_at(QPoint(2, 2)) == ""  # empty space: no tooltip
    qtbot.mouseMove(window.view, pos)
    qtbot.waitUntil(lambda: QToolTip.isVisible() and QToolTip.text() == f"#{i} {name}", timeout=3000)
    qtbot.mousePress(window.view, Qt.MouseButton.LeftButton, pos=pos)
    assert not QToolTip.isVisible()
    qtbot.mouseRelease(window.view, Qt.MouseButton.LeftButton, pos=pos)
