"""Your own image: draw it or open a PNG/JPEG, see where each snapshot's encoder puts it and what it decodes to."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSignalBlocker, QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from latent3d.analysis.encoder import OwnCodes, OwnCodesCache, nearest_images
from latent3d.data.datasets import CLASS_NAMES
from latent3d.data.images import DatasetImages
from latent3d.qt.own_images.draw_canvas import DrawCanvas
from latent3d.qt.own_images.loader import ImageLoader
from latent3d.qt.widgets.dialog_dirs import start_folder
from latent3d.qt.widgets.dialogs import error_box
from latent3d.qt.widgets.image_view import ImageView, to_uint8
from latent3d.state.layers import LayersModel
from latent3d.state.model import connect_handlers
from latent3d.state.own_values import MAX_OWN_IMAGES, OwnImage, own_colour
from latent3d.state.pick import PickModel
from latent3d.state.time import TimeModel

__all__ = ["OwnImagePanel", "placement_note"]

NEAREST = 5


def placement_note(own: OwnCodes, run_steps: np.ndarray) -> str:
    """One sentence on where the image can be placed: at which snapshots the run keeps an encoder."""
    n, k = len(run_steps), len(own.snapshots)
    if k == 0:
        return "This run keeps no encoder (a training still running keeps it in the training process), so the " \
               "image cannot be placed yet."
    steps = ", ".join(f"{int(run_steps[i]):,}" for i in own.snapshots)
    if k == n:
        return f"Encoded by the encoder of every one of the {n} snapshots."
    if k == 1:
        return f"This run keeps only the final encoder, so the image is placed at step {steps} only."
    return (f"This run keeps the encoder at {k} of its {n} snapshots (steps {steps}); between them the marker "
            "moves linearly, as the cloud does between snapshots.")


class OwnImagePanel(QWidget):
    """Draws or opens own images into ``layers``, lists them with remove buttons, and shows the current one.

    Parameters
    ----------
    time : TimeModel
        The run (whose encoders and decoders place and reconstruct the images) and the position.
    pick : PickModel
        Where a click on one of the nearest test images selects it.
    layers : LayersModel
        The own images.
    codes : OwnCodesCache, optional
        Shared with the scene's own-image layer, so each image is encoded once per run.
    ask_file : callable, optional
        Returns the image file to open, or None (default: an open-file dialog).
    error : callable, optional
        Shows one sentence to the user (default: a plain-text error dialog).
    images : DatasetImages, optional
        The test images, for thumbnails of the nearest ones (without them: index and class only).
    """

    def __init__(self, time: TimeModel, pick: PickModel, layers: LayersModel, codes: OwnCodesCache | None = None,
                 parent: QWidget | None = None, ask_file: Callable[[], Path | None] | None = None,
                 error: Callable[[str], None] | None = None, images: DatasetImages | None = None) -> None:
        super().__init__(parent)
        self.time, self.pick, self.layers = time, pick, layers
        self.cache, self.images = codes or OwnCodesCache(), images
        self._ask_file = ask_file or self._dialog_file
        self._error = error or (lambda text: error_box(self, "Cannot use this image", text))
        self._drawings = 0
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        box = QGroupBox("Your own image")
        outer.addWidget(box)
        layout = QVBoxLayout(box)
        self.canvas = DrawCanvas()
        layout.addWidget(self.canvas, 0, Qt.AlignmentFlag.AlignHCenter)
        tools = QHBoxLayout()
        self.eraser = QCheckBox("eraser")
        self.clear = QPushButton("Clear")
        self.add = QPushButton("Place drawing")
        for w in (self.eraser, self.clear, self.add):
            tools.addWidget(w)
        layout.addLayout(tools)
        files = QHBoxLayout()
        self.open = QPushButton("Open PNG/JPEG…")
        self.invert = QCheckBox("invert")
        self.invert.setToolTip("The photo shows a dark object on a light background: negate it first")
        files.addWidget(self.open)
        files.addWidget(self.invert)
        layout.addLayout(files)
        self.list = QListWidget()
        self.list.setMaximumHeight(110)
        layout.addWidget(self.list)
        pair = QGridLayout()
        self.original, self.reconstruction = ImageView(scale=4), ImageView(scale=4)
        self.original_caption, self.reconstruction_caption = QLabel("your image"), QLabel("reconstruction")
        pair.addWidget(self.original, 0, 0)
        pair.addWidget(self.reconstruction, 0, 1)
        pair.addWidget(self.original_caption, 1, 0)
        pair.addWidget(self.reconstruction_caption, 1, 1)
        layout.addLayout(pair)
        self.nearest = QGridLayout()
        self.nearest_buttons = [QPushButton() for _ in range(NEAREST)]
        self._nearest: list[int] = []
        for k, b in enumerate(self.nearest_buttons):
            b.setVisible(False)
            b.setIconSize(QSize(28, 28))
            b.clicked.connect(lambda _c=False, k=k: self._select(self._nearest[k]))
            self.nearest.addWidget(b, k // 2, k % 2)  # two a row: the side panel is narrow
        layout.addLayout(self.nearest)
        self.note = QLabel()
        for label in (self.note, self.original_caption, self.reconstruction_caption):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
        layout.addWidget(self.note)
        self.eraser.toggled.connect(lambda on: setattr(self.canvas, "erasing", on))
        self.clear.clicked.connect(self.canvas.clear)
        self.add.clicked.connect(self.place_drawing)
        self.open.clicked.connect(self.open_file)
        self.loader = ImageLoader(self)  # files are read off the GUI thread: a hostile one cannot freeze the window
        self.loader.loaded.connect(lambda name, pixels: self._place(OwnImage.from_array(name, pixels)))
        self.loader.failed.connect(lambda text: self._error(text))
        self.loader.busy.connect(self._on_reading)
        self.list.currentRowChanged.connect(lambda _r: self.refresh())
        self._disconnects = [connect_handlers(m, self) for m in (time, layers)]
        self._on_own_images(layers.own_images)

    # -- to the models --------------------------------------------------------------------------

    def _place(self, image: OwnImage) -> bool:
        if len(self.layers.own_images) >= MAX_OWN_IMAGES:
            self._error(f"At most {MAX_OWN_IMAGES} own images can be shown at once; remove one first.")
            return False
        self.layers.add_own_image(image)
        self.list.setCurrentRow(len(self.layers.own_images) - 1)
        return True

    def place_drawing(self) -> None:
        """Place the canvas as a new own image (an empty canvas is refused with a sentence)."""
        if self.canvas.pixels.max() <= 0:
            self._error("The canvas is empty; draw something first (white on black, like the test images).")
            return
        self._drawings += 1
        self._place(OwnImage.from_array(f"drawing {self._drawings}", self.canvas.pixels))

    def open_file(self) -> None:
        """Ask for a PNG/JPEG and start reading it; it is placed (or one sentence shown) once read.

        Returns at once: :class:`ImageLoader` converts the file like Fashion-MNIST in a worker thread.
        """
        path = self._ask_file()
        if path is not None:
            self.loader.load(path, invert=self.invert.isChecked())

    def _on_reading(self, busy: bool) -> None:
        reading = self.loader.reading
        if busy and reading is not None:
            self.note.setText(f"Reading {reading.name}…")
        else:
            self.refresh()

    def remove(self, index: int) -> None:
        """Remove the own image at ``index``."""
        self.layers.remove_own_image(index)

    def _dialog_file(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self, "Open your own image", str(start_folder()),
                                              "Images (*.png *.jpg *.jpeg);;All files (*)")
        return Path(name) if name else None

    # -- from the models ------------------------------------------------------------------------

    def _on_own_images(self, images: tuple[OwnImage, ...]) -> None:
        row = self.list.currentRow()
        with QSignalBlocker(self.list):
            self.list.clear()
            self.trail_boxes: list[QCheckBox] = []
            for i, im in enumerate(images):
                self._add_row(i, im)
            self.list.setCurrentRow(min(max(row, 0), len(images) - 1) if images else -1)
        self.refresh()

    def _add_row(self, i: int, image: OwnImage) -> None:
        item = QListWidgetItem()
        cell = QWidget()
        line = QHBoxLayout(cell)
        line.setContentsMargins(4, 0, 4, 0)
        name = QLabel(image.name)
        name.setTextFormat(Qt.TextFormat.PlainText)
        r, g, b = (int(round(255 * c)) for c in own_colour(i))
        name.setStyleSheet(f"color: rgb({r},{g},{b}); font-weight: bold")  # the colour of its marker and name in 3-D
        trail = QCheckBox("trail")
        trail.setChecked(image.trail)
        trail.setToolTip("Draw this image's path through the snapshots in the 3-D view")
        trail.toggled.connect(lambda on, k=i: self.layers.set_own_trail(k, on))
        remove = QPushButton("remove")
        remove.setToolTip("Take this image out of the view")
        remove.clicked.connect(lambda _c=False, k=i: self.remove(k))
        line.addWidget(name, 1)
        line.addWidget(trail)
        line.addWidget(remove)
        self.trail_boxes.append(trail)
        item.setSizeHint(cell.sizeHint())
        self.list.addItem(item)
        self.list.setItemWidget(item, cell)

    def _on_run(self, _run: object) -> None:
        self.refresh()

    def _on_position(self, _u: float) -> None:
        if self.layers.own_images:
            self.refresh()

    def refresh(self) -> None:
        """Show the current own image, its reconstruction at the shown position and its nearest test images."""
        run, images, row = self.time.run, self.layers.own_images, self.list.currentRow()
        for b in self.nearest_buttons:
            b.setVisible(False)
        if not images or not 0 <= row < len(images):
            self.original.set_message("Draw or open an image")
            self.reconstruction.set_message("")
            self.note.setText("Draw on the canvas and press Place drawing, or open a PNG/JPEG.")
            return
        image = images[row]
        self.original.set_image(image.as_float())
        if run is None:
            self.reconstruction.set_message("no run")
            self.note.setText("Open a run to place the image.")
            return
        own = self.cache.codes(run, image.pixels)
        note = placement_note(own, run.steps)
        code = own.at(self.time.position)
        if code is None:
            self.reconstruction.set_message("not placed here")
            self.note.setText(note)
            return
        snap = self.time.snapshot
        at = f"step {int(run.steps[snap]):,}"
        if run.why_not("decoder") is None:
            self.reconstruction.set_image(run.decoder(snap)(code)[0])
            self.reconstruction_caption.setText(f"reconstruction ({at})")
        else:  # placed by an encoder, but nothing decodes it (the feature is off for such a run anyway)
            self.reconstruction.set_message("no decoder")
        idx, dist = nearest_images(run.codes[snap], code, NEAREST)
        self._nearest = [int(j) for j in idx]
        for b, j, d in zip(self.nearest_buttons, idx, dist):
            b.setText(f"#{int(j)} {CLASS_NAMES[int(run.labels[j])]}")
            b.setIcon(_icon(self.images.get(int(j)) if self.images is not None else None))
            b.setToolTip(f"distance {d:.3f} at {at}; click to select it")
            b.setVisible(True)
        self.note.setText(f"code ({', '.join(f'{v:+.3f}' for v in code)}) at {at}. {note}")

    def _select(self, index: int) -> None:
        try:
            self.pick.selected = index
        except ValueError as exc:  # its class is hidden
            self._error(str(exc))

    def detach(self) -> None:
        """Stop following the models and cancel a file being read (the window calls it when it closes)."""
        for disconnect in self._disconnects:
            disconnect()
        self.loader.close()


def _icon(image: np.ndarray | None) -> QIcon:
    """A 28x28 test image as a button icon (an empty icon without one)."""
    if image is None:
        return QIcon()
    a = to_uint8(image)  # any size, as every view draws it
    return QIcon(QPixmap.fromImage(QImage(a.data, 28, 28, 28, QImage.Format.Format_Grayscale8).copy()))
