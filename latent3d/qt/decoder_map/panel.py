"""The decoder map in the side panel: the same G x G grid the 3-D view shows, flat, with its settings and PNG export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from latent3d.analysis.decoder_map import PLANES, png_bytes
from latent3d.qt.widgets.dialog_dirs import save_file_name
from latent3d.qt.widgets.dialogs import error_box
from latent3d.state.camera import CameraModel
from latent3d.state.layers import LayersModel
from latent3d.state.map_plane import map_image
from latent3d.state.model import connect_handlers
from latent3d.state.own_values import GRID_RANGE, DecoderMapState
from latent3d.state.pick import PickModel
from latent3d.state.time import TimeModel
from latent3d.util.fileio import atomic_path

__all__ = ["DecoderMapPanel", "save_map_png"]

SIDE_PX = 264  # the flat map's size on screen: the side panel's width
CAMERA_SETTLE_MS = 150  # camera moves arrive every frame of a drag: the flat map waits until they pause
PLANE_LABELS = {"camera": "facing the camera", "xy": "x-y axes", "xz": "x-z axes", "yz": "y-z axes"}



def save_map_png(image: np.ndarray, path: Path, scale: int = 4) -> None:
    """Write the mosaic ``image`` to the PNG ``path`` atomically (``scale`` screen pixels an image pixel)."""
    data = png_bytes(image, scale)
    with atomic_path(path, what="Image") as tmp:
        tmp.write_bytes(data)


class DecoderMapPanel(QWidget):
    """Shows the decoder map of ``layers`` flat, and sets it: on/off (M), plane, G, opacity; exports it as PNG.

    Parameters
    ----------
    time, camera, pick, layers : TimeModel, CameraModel, PickModel, LayersModel
        The run and position, the camera, the probe, and the map's settings (None: hidden).
    ask_path : callable, optional
        Returns the PNG path to export to, or None when cancelled (default: a save dialog).
    error : callable, optional
        Shows one sentence to the user (default: a plain-text error dialog).
    """

    def __init__(self, time: TimeModel, camera: CameraModel, pick: PickModel, layers: LayersModel,
                 parent: QWidget | None = None, ask_path: Callable[[], Path | None] | None = None,
                 error: Callable[[str], None] | None = None) -> None:
        super().__init__(parent)
        self.time, self.camera, self.pick, self.layers = time, camera, pick, layers
        self._ask_path = ask_path or self._dialog_path
        self._error = error or (lambda text: error_box(self, "Cannot export the decoder map", text))
        self.image: np.ndarray | None = None
        box = QGroupBox("Decoder map")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(box)
        layout = QVBoxLayout(box)
        self.toggle = QCheckBox("Show the decoder map (M)")
        self.toggle.setToolTip("Images decoded on a grid of tiles over a plane through the latent space")
        layout.addWidget(self.toggle)
        form = QFormLayout()
        self.plane = QComboBox()
        for p in PLANES:
            self.plane.addItem(PLANE_LABELS[p], p)
        self.grid = QSpinBox()
        self.grid.setRange(*GRID_RANGE)
        self.grid.setSuffix(" tiles a side")
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(5, 100)
        form.addRow("plane", self.plane)
        form.addRow("grid", self.grid)
        form.addRow("opacity in 3-D", self.opacity)
        layout.addLayout(form)
        self.view = QLabel()
        self.view.setFixedSize(SIDE_PX, SIDE_PX)
        self.view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.view.setWordWrap(True)
        self.view.setTextFormat(Qt.TextFormat.PlainText)
        self.view.setStyleSheet("background:#0f1115; border:1px solid #3a3f4b; color:#aab;")
        layout.addWidget(self.view, 0, Qt.AlignmentFlag.AlignHCenter)
        self.caption = QLabel()
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)
        row = QHBoxLayout()
        self.export = QPushButton("Export PNG…")
        row.addStretch(1)
        row.addWidget(self.export)
        layout.addLayout(row)
        self.toggle.toggled.connect(self._toggled)
        self.plane.currentIndexChanged.connect(lambda _i: self._edit())
        self.grid.valueChanged.connect(lambda _v: self._edit())
        self.opacity.valueChanged.connect(lambda _v: self._edit())
        self.export.clicked.connect(self.export_png)
        self._shown: tuple[object, ...] | None = None  # what the flat map was decoded for, and of which run
        self._shown_run: object = None
        self._camera_timer = QTimer(self)
        self._camera_timer.setSingleShot(True)
        self._camera_timer.setInterval(CAMERA_SETTLE_MS)
        self._camera_timer.timeout.connect(self.refresh)
        self._disconnects = [connect_handlers(m, self) for m in (time, camera, pick, layers)]
        self._show_settings(layers.decoder_map or DecoderMapState())
        self.refresh()

    # -- from the models ------------------------------------------------------------------------

    def _show_settings(self, m: DecoderMapState) -> None:
        with QSignalBlocker(self.plane), QSignalBlocker(self.grid), QSignalBlocker(self.opacity):
            self.plane.setCurrentIndex(PLANES.index(m.plane))
            self.grid.setValue(m.grid)
            self.opacity.setValue(round(m.opacity * 100))

    def refresh(self) -> None:
        """Decode the map for the models as they are now (or say why there is none)."""
        m, time, run = self.layers.decoder_map, self.time, self.time.run
        with QSignalBlocker(self.toggle):
            self.toggle.setChecked(m is not None)
        self.export.setEnabled(m is not None and run is not None)
        key = None if m is None else (time.snapshot, m, self.pick.probe, self.camera.camera)
        if key is not None and key == self._shown and run is self._shown_run and self.image is not None:
            return  # the same map as shown (a move between two snapshots that keeps the nearest one)
        self._shown, self._shown_run = key, run
        placed = map_image(time, self.camera, self.pick, m) if m is not None else None
        if m is None or placed is None:
            self.image = None
            self.view.clear()
            self.view.setText("Press M or tick the box to show the decoder map." if run is not None
                              else "Open a run to see its decoder map.")
            self.caption.setText("")
            return
        grid, self.image = placed
        a = np.round(np.clip(self.image, 0, 1) * 255).astype(np.uint8)
        h, w = a.shape
        qimg = QImage(a.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
        self.view.setPixmap(QPixmap.fromImage(qimg).scaled(SIDE_PX - 4, SIDE_PX - 4,
                                                          Qt.AspectRatioMode.KeepAspectRatio,
                                                          Qt.TransformationMode.FastTransformation))
        assert run is not None
        where = "the probe" if self.pick.probe is not None else "the focal point"
        c = ", ".join(f"{v:+.2f}" for v in grid.centre)
        self.caption.setText(f"{m.grid} x {m.grid} tiles decoded at step {int(run.steps[time.snapshot]):,}, "
                             f"through {where} ({c}), {2 * grid.half:.2f} wide.")

    def _on_run(self, _run: object) -> None:
        self.refresh()

    def _on_position(self, _u: float) -> None:
        if self.layers.decoder_map is not None:
            self.refresh()

    def _on_probe(self, _p: object) -> None:
        if self.layers.decoder_map is not None:
            self.refresh()

    def _on_camera(self, _c: object) -> None:
        if self.layers.decoder_map is not None:
            self._camera_timer.start()  # restarted by each move: one decode when the camera settles

    def _on_decoder_map(self, m: DecoderMapState | None) -> None:
        if m is not None:
            self._show_settings(m)
        self.refresh()

    # -- to the models --------------------------------------------------------------------------

    def _settings(self) -> DecoderMapState:
        return DecoderMapState(str(self.plane.currentData()), self.grid.value(), self.opacity.value() / 100.0)

    def _toggled(self, on: bool) -> None:
        self.layers.decoder_map = self._settings() if on else None

    def _edit(self) -> None:
        if self.layers.decoder_map is not None:
            self.layers.decoder_map = self._settings()

    def _dialog_path(self) -> Path | None:
        name, _ = save_file_name(self, "Export the decoder map", "decoder-map.png", "PNG image (*.png)")
        if not name:
            return None
        return Path(name if name.lower().endswith(".png") else name + ".png")

    def export_png(self) -> Path | None:
        """Ask for a file and write the shown map there as PNG; returns the path written, or None."""
        if self.image is None:
            return None
        image = self.image.copy()
        path = self._ask_path()
        if path is None:
            return None
        try:
            save_map_png(image, path)
        except (OSError, ValueError) as exc:
            self._error(str(exc))
            return None
        return path

    def detach(self) -> None:
        """Stop following the models (the window calls it when it closes)."""
        for disconnect in self._disconnects:
            disconnect()
