"""The one thumbnail grid: single images or pairs (original | reconstruction), sized to its width, clicks."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from latent3d.qt.widgets.thumbs import GAP, MISSING, ThumbGrid


def _pixel(grid: ThumbGrid, x: int, y: int) -> tuple[int, int, int]:
    c = QColor(grid.grab().toImage().pixel(x, y))
    return c.red(), c.green(), c.blue()


def test_pairs_draw_the_original_beside_the_image_and_a_dark_square_for_a_missing_one(qtbot) -> None:  # noqa: ANN001
    grid = ThumbGrid(columns=2, caption_lines=1, max_side=30)
    qtbot.addWidget(grid)
    white, black = np.full(784, 255, np.uint8), np.zeros(784, np.uint8)
    grid.set_pairs([white, None], [black, black], ["#1", "#2"])
    grid.resize(grid.sizeHint())  # room for two pairs at the largest size
    grid.show()
    qtbot.waitExposed(grid)
    assert grid.count == 2 and grid.originals is not None and grid.originals[1] is None
    first, second = grid.cell(0), grid.cell(1)
    side = first.height()
    assert side == 30 and first.width() == 2 * side + 1 and second.left() == first.right() + 1 + GAP
    y = first.center().y()
    assert _pixel(grid, first.left() + side // 2, y) == (255, 255, 255)  # the original
    assert _pixel(grid, first.left() + side + 1 + side // 2, y) == (0, 0, 0)  # its reconstruction
    missing = np.array([MISSING.red(), MISSING.green(), MISSING.blue()])
    assert np.abs(np.array(_pixel(grid, second.left() + side // 2, y)) - missing).max() <= 8  # a 16-bit display
    clicked: list[int] = []
    grid.clicked.connect(clicked.append)
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=second.center())
    assert clicked == [1]


def test_single_images_fill_the_width_and_pairs_halve_each_image(qtbot) -> None:  # noqa: ANN001
    grid = ThumbGrid(columns=4, caption_lines=0, max_side=84)
    qtbot.addWidget(grid)
    grid.resize(4 * (40 + GAP) + GAP, 100)
    grid.set_images([np.zeros(784, np.uint8)] * 4)
    assert grid.cell(0).width() == grid.cell(0).height() == 40 and grid.originals is None
    grid.set_pairs([None] * 4, [np.zeros(784, np.uint8)] * 4)
    assert grid.cell(0).height() == (40 - 1) // 2 and grid.cell(3).right() <= grid.width()
