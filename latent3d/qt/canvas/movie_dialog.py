"""The options of File → Export timeline movie: duration, frame rate, size, caption, camera, overlay."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

__all__ = ["MovieOptions", "MovieOptionsDialog", "frames_per_snapshot"]

SIZES = (("the view's size", 1), ("half the view's size", 2))


@dataclass(frozen=True)
class MovieOptions:
    """What the movie export was asked for."""

    seconds: float = 10.0
    fps: int = 20
    shrink: int = 1  # 1: the view's size, 2: half of it (a quarter of the pixels)
    caption: bool = True
    fit_each: bool = False
    leave_out_overlay: bool = True


def frames_per_snapshot(last_snapshot: int, seconds: float, fps: int) -> int:
    """Frames between neighbouring snapshots so a movie over ``last_snapshot`` gaps lasts about ``seconds``."""
    return max(1, int(round((seconds * fps - 1) / max(last_snapshot, 1))))


class MovieOptionsDialog(QDialog):
    """Duration, frames per second, size, step caption (on), camera, and the training-set overlay when it is on.

    Parameters
    ----------
    last_snapshot : int
        The run's last snapshot index: the frame count shown follows from it.
    view_size : (int, int)
        The 3-D view's size in pixels.
    overlay_on : bool
        Whether the training-set overlay is shown: it is the final epoch's codes in every frame, so
        the dialog offers to leave it out (ticked).
    parent : QWidget, optional
    follow : bool
        Whether *Follow the snapshot* is on: every frame is then framed on its own snapshot, so the camera
        choice says that instead of offering a fixed camera the movie would not keep.
    """

    def __init__(self, last_snapshot: int, view_size: tuple[int, int], overlay_on: bool,
                 parent: QWidget | None = None, *, follow: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export timeline movie")
        self.last_snapshot, self.view_size = last_snapshot, view_size
        d = MovieOptions()
        self.seconds = QDoubleSpinBox()
        self.seconds.setRange(1.0, 600.0)
        self.seconds.setValue(d.seconds)
        self.seconds.setSuffix(" s")
        self.fps = QSpinBox()
        self.fps.setRange(1, 60)
        self.fps.setValue(d.fps)
        self.frame_size = QComboBox()
        for text, shrink in SIZES:
            self.frame_size.addItem(f"{text} ({view_size[0] // shrink}×{view_size[1] // shrink})", shrink)
        self.caption = QCheckBox("Step caption in every frame (\"step 64 · epoch 0.07\")")
        self.caption.setChecked(d.caption)
        self.camera = QComboBox()
        if follow:  # the movie follows the snapshot as the view does: a fixed camera is not on offer
            self.camera.addItem("Follow the snapshot: each frame framed on its points, from my camera's direction",
                                True)
            self.camera.setEnabled(False)
            self.camera.setToolTip("Follow the snapshot is on; turn it off to keep one camera through the movie")
        else:
            self.camera.addItem("Keep my camera (the cloud grows from a speck)", False)
            self.camera.addItem("Fit each frame's points", True)
        self.overlay = QCheckBox("Leave the training-set overlay out: it is the final epoch's codes in every "
                                 "frame and hides the early ones")
        self.overlay.setChecked(True)
        self.overlay.setVisible(overlay_on)
        self.summary = QLabel()
        self.summary.setStyleSheet("color:#8a90a0")
        form = QFormLayout()
        form.addRow("Duration", self.seconds)
        form.addRow("Frames per second", self.fps)
        form.addRow("Size", self.frame_size)
        form.addRow("Camera", self.camera)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        for w in (self.caption, self.overlay, self.summary, buttons):
            layout.addWidget(w)
        self.overlay_on = overlay_on
        for signal in (self.seconds.valueChanged, self.fps.valueChanged, self.frame_size.currentIndexChanged):
            signal.connect(self._update_summary)
        self._update_summary()

    def options(self) -> MovieOptions:
        """The options as set."""
        return MovieOptions(seconds=self.seconds.value(), fps=self.fps.value(),
                            shrink=int(self.frame_size.currentData()), caption=self.caption.isChecked(),
                            fit_each=bool(self.camera.currentData()),
                            leave_out_overlay=self.overlay_on and self.overlay.isChecked())

    def frame_count(self) -> int:
        """Frames the movie will have."""
        o = self.options()
        return self.last_snapshot * frames_per_snapshot(self.last_snapshot, o.seconds, o.fps) + 1

    def _update_summary(self, *_args: object) -> None:
        o = self.options()
        n = self.frame_count()
        self.summary.setText(f"{n:,} frames, {n / o.fps:.1f} s at {o.fps} frames/s "
                             f"({frames_per_snapshot(self.last_snapshot, o.seconds, o.fps)} between snapshots)")
