"""The one grid of small 28x28 images with captions: one frame marked, click or drag (or keys) to choose.

Each item is one image (the filmstrip, the path, the hardest images) or a pair, an original beside its
reconstruction (the group's gallery, where a missing original is a dark square).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QFont, QImage, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from latent3d.qt.widgets.image_view import to_uint8

__all__ = ["ThumbGrid"]

GAP = 3
MARK = QColor("#ffcc33")
FOCUS = QColor("#40e0ff")
MISSING = QColor("#2a2e36")  # where an original is not on disk
# Keys the grid takes from the window's shortcuts while it has the focus (arrows step snapshots, Space plays).
GRID_KEYS: dict[Qt.Key, str] = {
    Qt.Key.Key_Left: "previous", Qt.Key.Key_Right: "next", Qt.Key.Key_Up: "up", Qt.Key.Key_Down: "down",
    Qt.Key.Key_Home: "first", Qt.Key.Key_End: "last", Qt.Key.Key_Return: "choose", Qt.Key.Key_Enter: "choose",
    Qt.Key.Key_Space: "choose"}


def _qimage(image: np.ndarray) -> QImage:
    return QImage(image.data, 28, 28, 28, QImage.Format.Format_Grayscale8).copy()  # owns its bytes


class ThumbGrid(QWidget):
    """Shows images (or pairs) in ``columns`` columns that share the widget's width; emits what the mouse chooses.

    Parameters
    ----------
    columns : int
        Images per row (fewer images: they keep the same size, left-aligned).
    caption_lines : int
        Lines of caption text under each image (0 for none).
    max_side : int
        Largest image side in pixels.
    parent : QWidget, optional

    Notes
    -----
    ``clicked(i)`` on a click on item ``i``; ``scrubbed(u)`` while the mouse is pressed or dragged,
    with ``u`` in [0, 1] from the centre of the first item to the centre of the last, in reading order.
    :meth:`set_images` shows one image an item, :meth:`set_pairs` an original beside each image.
    After :meth:`set_keyboard`, Tab reaches the grid, the arrows (and Home/End) move a cyan focus
    frame, and Enter or Space is a click on the framed image.
    """

    clicked = Signal(int)
    scrubbed = Signal(float)

    def __init__(self, columns: int, caption_lines: int = 1, max_side: int = 84, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self.caption_lines = caption_lines
        self.max_side = max_side
        self.images: list[np.ndarray] = []
        self.originals: list[np.ndarray | None] | None = None  # the left image of each pair; None: single images
        self.captions: list[str] = []
        self.current: int | None = None
        self.marker: float | None = None  # a fractional position in [0, 1] drawn as a line (the path marker)
        self.focus_index = 0  # the image Enter chooses, framed while the grid has the keyboard focus
        self._qimages: list[QImage] = []
        self._qoriginals: list[QImage | None] = []
        self._font = QFont()
        self._font.setPointSizeF(7.5)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMouseTracking(False)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    # -- content --------------------------------------------------------------------------------

    @property
    def count(self) -> int:
        """Items shown."""
        return len(self.images)

    def set_images(self, images: Sequence[np.ndarray] | np.ndarray, captions: Sequence[str] | None = None,
                   current: int | None = None) -> None:
        """Show ``images`` (each 784 values, uint8 or [0, 1] floats) with optional ``captions``."""
        self.originals, self._qoriginals = None, []
        self._show(images, captions, current)

    def set_pairs(self, originals: Sequence[np.ndarray | None], images: Sequence[np.ndarray] | np.ndarray,
                  captions: Sequence[str] | None = None, current: int | None = None) -> None:
        """Show each of ``images`` with its original (None: not on disk, a dark square) on its left."""
        self.originals = [None if o is None else to_uint8(o) for o in originals]
        self._qoriginals = [None if o is None else _qimage(o) for o in self.originals]
        self._show(images, captions, current)

    def _show(self, images: Sequence[np.ndarray] | np.ndarray, captions: Sequence[str] | None,
              current: int | None) -> None:
        self.images = [to_uint8(im) for im in images]
        self._qimages = [_qimage(a) for a in self.images]
        self.captions = list(captions) if captions is not None else [""] * len(self.images)
        self.current = current
        self.focus_index = min(self.focus_index, max(len(self.images) - 1, 0))
        if (len(self.images), self._per) != getattr(self, "_laid_out", None):  # the size hint changed
            self._laid_out = (len(self.images), self._per)
            self.updateGeometry()  # a relayout of the panels around: not for new pictures of the same count
        self.update()

    def set_current(self, index: int | None) -> None:
        """Frame image ``index`` (None: none)."""
        self.current = index
        self.update()

    def set_marker(self, u: float | None) -> None:
        """Draw the scrub marker at fraction ``u`` (None: none)."""
        self.marker = u
        self.update()

    # -- geometry -------------------------------------------------------------------------------

    @property
    def _per(self) -> int:
        return 1 if self.originals is None else 2

    def _item_w(self, side: int) -> int:
        return self._per * side + self._per - 1  # a pair's images a pixel apart

    def _side(self, width: int) -> int:
        item = (width - GAP * (self.columns + 1)) // self.columns
        return max(12, min(self.max_side, (item - self._per + 1) // self._per))

    def _caption_h(self) -> int:
        return 0 if self.caption_lines == 0 else self.caption_lines * 11 + 2

    def _rows(self) -> int:
        return max(1, -(-len(self.images) // self.columns))

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        """Height follows width (square images)."""
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        """Rows of images and captions at ``width``."""
        return self._rows() * (self._side(width) + self._caption_h() + GAP) + GAP

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """Room for one row at the largest size."""
        w = self.columns * (self._item_w(self.max_side) + GAP) + GAP
        return QSize(w, self.heightForWidth(w))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """Small images still fit."""
        w = self.columns * 16 * self._per
        return QSize(w, self.heightForWidth(w))

    def cell(self, i: int) -> QRect:
        """The rectangle of item ``i`` (both images of a pair)."""
        side = self._side(self.width())
        r, c = divmod(i, self.columns)
        return QRect(GAP + c * (self._item_w(side) + GAP), GAP + r * (side + self._caption_h() + GAP),
                     self._item_w(side), side)

    def index_at(self, pos: QPoint) -> int | None:
        """The image under ``pos``, or None."""
        for i in range(len(self.images)):
            if self.cell(i).adjusted(-GAP, -GAP, GAP, GAP + self._caption_h()).contains(pos):
                return i
        return None

    def fraction_at(self, pos: QPoint) -> float:
        """``pos`` as a fraction of the way from the first image's centre to the last one's (reading order)."""
        n = len(self.images)
        if n < 2:
            return 0.0
        side = self._side(self.width())
        row = min(max(0, (pos.y() - GAP) // (side + self._caption_h() + GAP)), self._rows() - 1)
        item = self._item_w(side)
        x = (pos.x() - GAP - item / 2) / (item + GAP)  # 0 at the first column's centre
        i = row * self.columns + min(max(x, 0.0), self.columns - 1.0)
        return float(min(max(i / (n - 1), 0.0), 1.0))

    # -- keyboard -------------------------------------------------------------------------------

    def set_keyboard(self, on: bool) -> None:
        """Let Tab reach the grid and its keys choose an image (off: the mouse only)."""
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus if on else Qt.FocusPolicy.NoFocus)

    def move_focus(self, action: str) -> None:
        """Move the focus frame: ``previous``/``next`` in reading order, ``up``/``down`` a row, ``first``/``last``."""
        n = len(self.images)
        if n == 0:
            return
        i = self.focus_index
        target = {"previous": i - 1, "next": i + 1, "up": i - self.columns, "down": i + self.columns,
                  "first": 0, "last": n - 1}.get(action, i)
        self.focus_index = min(max(target, 0), n - 1)
        self.update()

    def event(self, event: QEvent) -> bool:
        """While focused, the grid's keys are not the window's shortcuts."""
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and self.images
                and event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
                and Qt.Key(event.key()) in GRID_KEYS):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Arrows, Home and End move the focus frame; Enter or Space chooses the framed image."""
        action = GRID_KEYS.get(Qt.Key(event.key())) if self.images else None
        if action is None:
            super().keyPressEvent(event)
        elif action == "choose":
            self.clicked.emit(self.focus_index)
        else:
            self.move_focus(action)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        """Show the focus frame."""
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        """Hide the focus frame."""
        self.update()
        super().focusOutEvent(event)

    # -- events ---------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """Click chooses an image and starts a scrub."""
        if event.button() == Qt.MouseButton.LeftButton:
            self.scrubbed.emit(self.fraction_at(event.position().toPoint()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """Dragging scrubs."""
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.scrubbed.emit(self.fraction_at(event.position().toPoint()))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """A release over an image is a click on it."""
        if event.button() == Qt.MouseButton.LeftButton:
            i = self.index_at(event.position().toPoint())
            if i is not None:
                self.clicked.emit(i)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        """Images (nearest-neighbour), captions, the current frame and the scrub marker."""
        p = QPainter(self)
        p.setFont(self._font)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        ch = self._caption_h()
        for i, img in enumerate(self._qimages):
            rect = self.cell(i)
            if self.originals is None:
                p.drawImage(rect, img)
            else:
                side = rect.height()
                left = QRect(rect.left(), rect.top(), side, side)
                original = self._qoriginals[i] if i < len(self._qoriginals) else None
                if original is None:
                    p.fillRect(left, MISSING)
                else:
                    p.drawImage(left, original)
                p.drawImage(QRect(rect.left() + side + 1, rect.top(), side, side), img)
            if ch:
                text_rect = QRect(rect.left() - 1, rect.bottom() + 1, rect.width() + 2, ch)
                p.setPen(QColor("#c8ccd4"))
                lines = self.captions[i].split("\n")[: self.caption_lines]
                elided = "\n".join(p.fontMetrics().elidedText(t, Qt.TextElideMode.ElideRight, text_rect.width())
                                   for t in lines)
                p.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, elided)
            if i == self.current:
                p.setPen(QPen(MARK, 2))
                p.drawRect(rect.adjusted(-1, -1, 1, 1))
            if i == self.focus_index and self.hasFocus():
                p.setPen(QPen(FOCUS, 2, Qt.PenStyle.DashLine))
                p.drawRect(rect.adjusted(-2, -2, 2, 2))
        if self.marker is not None and len(self.images) >= 2:
            pos = self.marker * (len(self.images) - 1)
            i = min(int(pos), len(self.images) - 1)
            rect = self.cell(i)
            x = rect.center().x() + (pos - i) * (rect.width() + GAP)
            p.setPen(QPen(MARK, 2))
            p.drawLine(int(x), rect.top() - 2, int(x), rect.bottom() + 2)
        p.end()
