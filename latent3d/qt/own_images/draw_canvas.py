"""A 28x28 canvas to draw an own image on: white on black like Fashion-MNIST, with a brush and an eraser."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

__all__ = ["DrawCanvas"]

SIDE = 28
CELL = 8  # screen pixels a canvas pixel
SOFT = 0.55  # the brush's four neighbours get this much ink: strokes look like the soft test images


class DrawCanvas(QWidget):
    """Grey levels ``[28, 28]`` in [0, 1] painted with the mouse; ``changed`` fires after each stroke step.

    Attributes
    ----------
    pixels : ndarray of float32, shape (28, 28)
    erasing : bool
        The left button erases instead of drawing (the right button always erases).
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pixels = np.zeros((SIDE, SIDE), np.float32)
        self.erasing = False
        self.setFixedSize(SIDE * CELL, SIDE * CELL)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("Draw with the left button, erase with the right one")
        self._last: tuple[int, int] | None = None

    def clear(self) -> None:
        """Erase everything."""
        self.pixels[:] = 0.0
        self.update()
        self.changed.emit()

    def stroke(self, row: int, col: int, *, erase: bool = False) -> None:
        """Ink (or erase) the canvas pixel at ``row, col`` and its soft rim."""
        if not (0 <= row < SIDE and 0 <= col < SIDE):
            return
        if erase:
            self.pixels[max(0, row - 1):row + 2, max(0, col - 1):col + 2] = 0.0
        else:
            self.pixels[row, col] = 1.0
            for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
                r, c = row + dr, col + dc
                if 0 <= r < SIDE and 0 <= c < SIDE:
                    self.pixels[r, c] = max(self.pixels[r, c], SOFT)
        self.update()
        self.changed.emit()

    def _cell(self, pos: QPoint) -> tuple[int, int]:
        return pos.y() // CELL, pos.x() // CELL

    def _paint_to(self, event: QMouseEvent) -> None:
        erase = self.erasing or bool(event.buttons() & Qt.MouseButton.RightButton)
        row, col = self._cell(event.position().toPoint())
        start = self._last or (row, col)
        n = max(abs(row - start[0]), abs(col - start[1]), 1)
        for k in range(1, n + 1):  # fill the gap of a fast stroke
            self.stroke(round(start[0] + (row - start[0]) * k / n), round(start[1] + (col - start[1]) * k / n),
                        erase=erase)
        self._last = (row, col)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        self._last = None
        self._paint_to(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.buttons() & (Qt.MouseButton.LeftButton | Qt.MouseButton.RightButton):
            self._paint_to(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        self._last = None

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        levels = np.round(self.pixels * 255).astype(int)
        for r in range(SIDE):
            for c in range(SIDE):
                g = int(levels[r, c])
                p.fillRect(QRect(c * CELL, r * CELL, CELL, CELL), QColor(g, g, g))
        p.setPen(QColor(60, 64, 75))
        p.drawRect(0, 0, SIDE * CELL - 1, SIDE * CELL - 1)
        p.end()
