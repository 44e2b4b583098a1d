"""Display widgets of the exploring tools: the filmstrip and path strips, and the nearest-neighbours box."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QHelpEvent, QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStackedLayout,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from latent3d.qt.widgets.image_view import ImageView, to_uint8
from latent3d.qt.widgets.thumbs import ThumbGrid

__all__ = ["FilmstripBox", "NeighboursBox", "PathBox"]

HINT = "color:#8a90a0;"
DEFAULT_PATH_STEPS = 10
DEFAULT_NEIGHBOURS = 8
FILMSTRIP_FRAMES = 21  # readable at the window's width; more snapshots are sampled evenly, step 0 and the last kept


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(HINT)
    label.setWordWrap(True)
    return label


class _Stack(QWidget):
    """A hint in place of a widget until there is something to show."""

    def __init__(self, widget: QWidget, hint: str) -> None:
        super().__init__()
        self.stack = QStackedLayout(self)
        self.hint, self.default_hint = _hint(hint), hint
        self.stack.addWidget(self.hint)
        self.stack.addWidget(widget)

    def show_widget(self, on: bool) -> None:
        self.hint.setText(self.default_hint)
        self.stack.setCurrentIndex(1 if on else 0)

    def show_note(self, text: str) -> None:
        """``text`` (why there is nothing to show) in place of the widget, until the next :meth:`show_widget`."""
        self.hint.setText(text)
        self.stack.setCurrentIndex(0)


class _TippedGrid(ThumbGrid):
    """A thumbnail grid whose images each have their own tooltip (their full caption)."""

    def __init__(self, columns: int, caption_lines: int, max_side: int) -> None:
        super().__init__(columns=columns, caption_lines=caption_lines, max_side=max_side)
        self.tips: list[str] = []

    def tip_at(self, i: int | None) -> str:
        """The tooltip of image ``i`` (the grid's own tooltip off the images)."""
        return self.tips[i] if i is not None and i < len(self.tips) else self.toolTip()

    def event(self, event: QEvent) -> bool:
        """Show the tooltip of the image under the mouse."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            QToolTip.showText(event.globalPos(), self.tip_at(self.index_at(event.pos())), self)
            return True
        return super().event(event)


MAX_DECODE_SCALE = 6  # the path's large decode: 75 px in the default tab was hard to read


class _FitImage(ImageView):
    """The path's decode: the whole 28x28 image as large as the tab allows (whole pixels, up to 6x: 168 px)."""

    def __init__(self) -> None:
        super().__init__(scale=3)
        self.setMinimumSize(32, 32)  # ImageView fixes its size; a short tab would clip the image instead
        self.setMaximumSize(28 * MAX_DECODE_SCALE + 4, 28 * MAX_DECODE_SCALE + 4)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """Room for the image at 3 screen pixels a pixel (it grows with a taller tab)."""
        return QSize(88, 88)

    def set_image(self, image: np.ndarray) -> None:
        """Show ``image`` as large as the label (nearest-neighbour; whole pixels when they cost under 15 %)."""
        room = self.contentsRect()
        side = max(28, min(room.width(), room.height(), 28 * MAX_DECODE_SCALE))
        whole = side - side % 28
        if whole >= 56 and whole >= 0.85 * side:
            side = whole  # whole screen pixels an image pixel (crisp) when that costs little room
        self.scale = max(1, side // 28)
        self.image = to_uint8(image)
        qimg = QImage(self.image.data, 28, 28, 28, QImage.Format.Format_Grayscale8).copy()
        self.setPixmap(QPixmap.fromImage(qimg).scaled(side, side, Qt.AspectRatioMode.IgnoreAspectRatio,
                                                      Qt.TransformationMode.FastTransformation))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        """Fit the image to the new size; as wide as tall, so a taller tab gives a larger image."""
        super().resizeEvent(event)
        side = max(32, min(self.height(), self.maximumWidth()))
        if self.minimumWidth() != side:
            self.setMinimumWidth(side)
        if self.image is not None:
            self.set_image(self.image)


class FilmstripBox(QGroupBox):
    """The selected image's reconstruction at the snapshots (all, or a readable subset); the one shown is framed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Reconstruction across snapshots", parent)
        self.grid = ThumbGrid(columns=FILMSTRIP_FRAMES, caption_lines=1, max_side=56)
        self.body = _Stack(self.grid, "Click a point to see its reconstruction at every snapshot of the training; "
                                      "click a frame to jump there.")
        self.snapshots: list[int] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.body)
        self.body.show_widget(False)

    def show_frames(self, frames: np.ndarray, snapshots: list[int], captions: list[str], current: int) -> None:
        """Show ``frames`` (row ``i`` decoded at snapshot ``snapshots[i]``) with snapshot ``current`` framed."""
        self.snapshots = list(snapshots)
        self.grid.columns = max(1, len(frames))
        self.grid.set_images(frames, captions)
        self.set_current(current)
        self.body.show_widget(True)

    def set_current(self, snapshot: int) -> None:
        """Frame the frame nearest snapshot ``snapshot``."""
        if self.snapshots:
            self.grid.set_current(int(np.argmin(np.abs(np.asarray(self.snapshots) - snapshot))))

    def clear(self) -> None:
        """Back to the hint."""
        self.snapshots = []
        self.grid.set_images([])
        self.body.show_widget(False)

    def show_off(self, reason: str) -> None:
        """No reconstructions to show: ``reason`` (the run's sentence) in their place."""
        self.clear()
        self.body.show_note(reason)


class PathBox(QGroupBox):
    """The straight path A -> B decoded at ``N`` steps, and the decode at the scrubbed point."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Interpolation path A → B", parent)
        self.grid = ThumbGrid(columns=DEFAULT_PATH_STEPS, caption_lines=1, max_side=64)
        self.steps = QSpinBox()
        self.steps.setRange(2, 40)
        self.steps.setValue(DEFAULT_PATH_STEPS)
        self.steps.setPrefix("N = ")
        self.steps.setToolTip("Number of decoded images along the path")
        self.clear_button = QPushButton("Clear path")
        self.decode = _FitImage()  # the whole 28x28 decode (a 140-px image in an 88-px label showed its centre)
        self.decode_caption = QLabel()
        self.decode_caption.setStyleSheet(HINT)
        self.ends = QLabel()
        self.ends.setTextFormat(Qt.TextFormat.RichText)
        strip = QWidget()
        sl = QHBoxLayout(strip)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.addWidget(self.grid, 1)
        sl.addWidget(self.decode)  # its "t = 0.50" sits in the controls row: the strip's height is all the image's
        self.body = _Stack(strip, "Select image A by clicking it, then Shift+click image B: the straight path "
                                  "A → B is drawn and decoded here. Drag along the strip to move the marker.")
        controls = QHBoxLayout()
        controls.addWidget(self.ends, 1)
        controls.addWidget(self.decode_caption)
        controls.addWidget(self.steps)
        controls.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(controls)
        layout.addWidget(self.body)
        self.clear()

    def show_path(self, images: np.ndarray, ends: str) -> None:
        """Show the ``N`` decodes ``[N, 784]`` along the path, and ``ends`` (rich text naming A and B)."""
        self.grid.columns = max(1, len(images))
        self.grid.set_images(images, [f"{t:.2f}" for t in np.linspace(0.0, 1.0, len(images))])
        self.ends.setText(ends)
        self.body.show_widget(True)
        self.clear_button.setEnabled(True)

    def show_decode(self, image: np.ndarray, t: float) -> None:
        """Show the decode at fraction ``t`` and mark it on the strip."""
        self.decode.set_image(image)
        self.decode_caption.setText(f"t = {t:.2f}")
        self.grid.set_marker(t)

    def clear(self) -> None:
        """No path: the hint."""
        self.grid.set_images([])
        self.grid.set_marker(None)
        self.ends.setText("<span style='color:#8a90a0'>no path</span>")
        self.body.show_widget(False)
        self.clear_button.setEnabled(False)

    def show_off(self, reason: str, ends: str) -> None:
        """A path with nothing to decode: ``ends`` (rich text naming A and B), ``reason`` in place of the strip."""
        self.clear()
        self.ends.setText(ends)
        self.body.show_note(reason)
        self.clear_button.setEnabled(True)


class NeighboursBox(QGroupBox):
    """The ``k`` nearest test images to the selection or the probe, with class and distance; a probe readout.

    "Select these" emits ``select_requested(indices)`` with the neighbours shown (when their indices were given).
    """

    select_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Nearest test images", parent)
        self.indices: list[int] = []
        self.select_button = QPushButton("Select these")
        self.select_button.setToolTip("Make these neighbours the group (B/L add more with Shift)")
        self.select_button.clicked.connect(lambda: self.select_requested.emit(list(self.indices)))
        self.select_button.setEnabled(False)
        self.k = QSpinBox()
        self.k.setRange(1, 32)
        self.k.setValue(DEFAULT_NEIGHBOURS)
        self.k.setPrefix("k = ")
        self.source = QLabel()
        self.source.setStyleSheet(HINT)
        self.source.setWordWrap(True)
        self.cue = QLabel()
        self.cue.setTextFormat(Qt.TextFormat.RichText)
        self.cue.setWordWrap(True)
        self.cue.setVisible(False)
        # Three caption lines, "#index", class, distance: "#7626 T-shirt/top" on one line was cut to "#7626 T-shi…".
        self.grid = _TippedGrid(columns=4, caption_lines=3, max_side=72)
        self.grid.set_keyboard(True)  # Tab here, arrows through the list, Enter selects
        self.grid.setToolTip("Click an image to select it (or Tab here, arrows, Enter)")
        top = QHBoxLayout()
        top.addWidget(self.source, 1)
        top.addWidget(self.select_button)
        top.addWidget(self.k)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(top)
        layout.addWidget(self.cue)
        layout.addWidget(self.grid)
        self.clear()

    def show_neighbours(self, source: str, images: list[np.ndarray], captions: list[str],
                        indices: list[int] | None = None) -> None:
        """Show neighbour ``images`` with ``captions``; ``source`` says what they are nearest to.

        With their test ``indices``, "Select these" can make them the group.

        A caption's first line, ``#index class``, is shown as two lines so the class name fits;
        each image's tooltip holds its whole caption.
        """
        self.source.setText(source)
        self.indices = [int(i) for i in indices] if indices is not None else []
        self.select_button.setEnabled(bool(self.indices))
        self.grid.tips = [c.replace("\n", " · ") + "\nClick to select it" for c in captions]
        self.grid.set_images(images, [c.replace(" ", "\n", 1) if c.startswith("#") else c for c in captions])

    def show_cue(self, html: str | None) -> None:
        """Show (or, with None, hide) the free-roam off-manifold readout."""
        self.cue.setVisible(html is not None)
        self.cue.setText(html or "")

    def clear(self) -> None:
        """Nothing to be near to yet."""
        self.source.setText("Select a point or use free roam.")
        self.indices = []
        self.select_button.setEnabled(False)
        self.grid.set_images([])
        self.show_cue(None)
