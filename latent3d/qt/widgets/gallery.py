"""A paged grid of image pairs (original beside reconstruction) with an index caption; a click names the item."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from latent3d.qt.widgets.image_view import to_uint8

__all__ = ["GalleryGrid"]

GAP = 4
CAPTION_H = 12
MARK = QColor("#ffcc33")
MISSING = QColor("#2a2e36")


def _qimage(image: np.ndarray) -> QImage:
    a = to_uint8(image)
    return QImage(a.data, 28, 28, 28, QImage.Format.Format_Grayscale8).copy()  # owns its bytes


class GalleryGrid(QWidget):
    """Items of two 28x28 images side by side (the left may be missing), ``columns`` items a row.

    Parameters
    ----------
    columns : int
        Items per row.
    side : int
        Pixels of one image side (nearest-neighbour scaling).
    parent : QWidget, optional

    Notes
    -----
    ``clicked(i)`` is emitted with the item's position on the page when it is clicked.
    """

    clicked = Signal(int)

    def __init__(self, columns: int = 4, side: int = 40, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns, self.side = columns, side
        self._left: list[QImage | None] = []
        self._right: list[QImage] = []
        self.captions: list[str] = []
        self.current: int | None = None
        self._font = QFont()
        self._font.setPointSizeF(7.0)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    @property
    def count(self) -> int:
        """Items shown."""
        return len(self._right)

    def set_items(self, originals: Sequence[np.ndarray | None], reconstructions: Sequence[np.ndarray] | np.ndarray,
                  captions: Sequence[str], current: int | None = None) -> None:
        """Show pairs: ``originals`` (None where missing), ``reconstructions`` (784 values each), ``captions``."""
        self._left = [None if o is None else _qimage(o) for o in originals]
        self._right = [_qimage(r) for r in reconstructions]
        self.captions = list(captions)
        self.current = current
        self.setFixedHeight(self.heightForWidth(self.width()))
        self.update()

    def _cell_w(self) -> int:
        return 2 * self.side + 1

    def _rows(self) -> int:
        return max(1, -(-self.count // self.columns))

    def heightForWidth(self, _width: int) -> int:  # noqa: N802 - Qt's name
        """Rows of pairs and captions."""
        return self._rows() * (self.side + CAPTION_H + GAP) + GAP

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """Every column at full size."""
        return QSize(self.columns * (self._cell_w() + GAP) + GAP, self.heightForWidth(0))

    def cell(self, i: int) -> QRect:
        """The rectangle of item ``i`` (both images)."""
        r, c = divmod(i, self.columns)
        return QRect(GAP + c * (self._cell_w() + GAP), GAP + r * (self.side + CAPTION_H + GAP), self._cell_w(),
                     self.side)

    def index_at(self, x: int, y: int) -> int | None:
        """The item under widget pixel ``(x, y)``, or None."""
        for i in range(self.count):
            if self.cell(i).adjusted(0, 0, 0, CAPTION_H).contains(x, y):
                return i
        return None

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """A left click on an item emits ``clicked``."""
        if event.button() == Qt.MouseButton.LeftButton:
            p = event.position().toPoint()
            i = self.index_at(p.x(), p.y())
            if i is not None:
                self.clicked.emit(i)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        """Pairs (nearest-neighbour), captions, the current item framed."""
        p = QPainter(self)
        p.setFont(self._font)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        s = self.side
        for i, right in enumerate(self._right):
            rect = self.cell(i)
            left = self._left[i] if i < len(self._left) else None
            if left is None:
                p.fillRect(QRect(rect.left(), rect.top(), s, s), MISSING)
            else:
                p.drawImage(QRect(rect.left(), rect.top(), s, s), left)
            p.drawImage(QRect(rect.left() + s + 1, rect.top(), s, s), right)
            p.setPen(QColor("#c8ccd4"))
            p.drawText(QRect(rect.left(), rect.bottom() + 1, rect.width(), CAPTION_H),
                       Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                       self.captions[i] if i < len(self.captions) else "")
            if i == self.current:
                p.setPen(QPen(MARK, 2))
                p.drawRect(rect.adjusted(-1, -1, 1, 1))
        p.end()
