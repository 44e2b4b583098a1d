"""Keyboard picking: Tab reaches the neighbours, the arrows move through them, Enter selects; shortcuts wait."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from latent3d.qt.inspect.explore_panel import NeighboursBox


def _window_with_neighbours(qtbot):  # noqa: ANN001, ANN202
    window = QWidget()
    before = QLineEdit()  # something focused first, so Tab has somewhere to come from
    box = NeighboursBox()
    layout = QVBoxLayout(window)
    layout.addWidget(before)
    layout.addWidget(box)
    fired: list[str] = []
    for key in ("Right", "Left", "Space", "Down"):  # the window's own shortcuts (step snapshots, play)
        act = QAction(key, window)
        act.setShortcut(QKeySequence(key))
        act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        act.triggered.connect(lambda _=False, k=key: fired.append(k))
        window.addAction(act)
    qtbot.addWidget(window)
    window.resize(340, 500)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    images = [np.full(784, i / 8, np.float32) for i in range(8)]
    box.show_neighbours("Nearest to #1", images, [f"#{i} Shirt\nd = 0.1" for i in range(8)])
    return window, before, box, fired


def test_tab_then_arrows_then_enter_selects_a_neighbour(qtbot) -> None:  # noqa: ANN001
    _window, before, box, fired = _window_with_neighbours(qtbot)
    before.setFocus()
    for _ in range(3):  # the line edit, the k spin box, then the grid
        if box.grid.hasFocus():
            break
        qtbot.keyClick(_window.focusWidget(), Qt.Key.Key_Tab)
    assert box.grid.hasFocus()
    chosen: list[int] = []
    box.grid.clicked.connect(chosen.append)
    qtbot.keyClick(box.grid, Qt.Key.Key_Right)
    qtbot.keyClick(box.grid, Qt.Key.Key_Down)  # 4 columns: image 1 -> image 5
    qtbot.keyClick(box.grid, Qt.Key.Key_Return)
    assert chosen == [5]
    qtbot.keyClick(box.grid, Qt.Key.Key_Left)
    qtbot.keyClick(box.grid, Qt.Key.Key_Space)
    assert chosen == [5, 4]
    qtbot.keyClick(box.grid, Qt.Key.Key_End)
    qtbot.keyClick(box.grid, Qt.Key.Key_Right)  # stays on the last
    qtbot.keyClick(box.grid, Qt.Key.Key_Enter)
    assert chosen == [5, 4, 7]
    assert fired == []  # the window's arrows and Space waited while the grid had the focus


def test_the_window_keys_work_again_once_the_grid_loses_the_focus(qtbot) -> None:  # noqa: ANN001
    _window, before, _box, fired = _window_with_neighbours(qtbot)
    before.setFocus()
    qtbot.keyClick(before, Qt.Key.Key_Down)
    assert fired == ["Down"]
