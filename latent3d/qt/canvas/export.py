"""File → Save screenshot and File → Export timeline movie: what the 3-D view shows, to PNG, GIF or MP4."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMessageBox, QProgressDialog, QWidget

from latent3d.qt.canvas.movie_dialog import MovieOptionsDialog, frames_per_snapshot
from latent3d.qt.canvas.view import LatentView
from latent3d.qt.style import window_action
from latent3d.qt.widgets.dialog_dirs import save_file_name
from latent3d.qt.widgets.dialogs import error_box
from latent3d.scene.offscreen.caption import StepCaption
from latent3d.scene.offscreen.movie import plan_movie, record_movie
from latent3d.scene.offscreen.pixels import grab
from latent3d.state.display import DisplayModel
from latent3d.state.time import TimeModel
from latent3d.util.fileio import atomic_path
from latent3d.util.limits import check_image

__all__ = ["ExportActions", "MovieExport", "Render", "Shown", "ask_screenshot", "save_screenshot"]

SCALES = (1, 2, 3, 4)
MOVIE_FPS = 20
MOVIE_FRAMES_PER_SNAPSHOT = 10

#: What the window shows rendered again off screen: ``render((width, height), scale, caption)`` -> uint8 [H, W, 3].
Render = Callable[[tuple[int, int], int, str | None], np.ndarray]


@dataclass(frozen=True)
class Shown:
    """What the 3-D view shows, for a screenshot: where on the timeline, and the whole picture rendered off screen.

    Attributes
    ----------
    time : TimeModel
        The run and the position shown (the step a caption gives).
    render : Render
        Renders everything the window shows at a multiple of the view's size (the window builds it from
        all its models, as the off-screen renderer does).
    """

    time: TimeModel
    render: Render

    def caption(self) -> str | None:
        """The step and epoch shown (``"step 64 · epoch 0.07"``), or None without a run."""
        time = self.time.time
        return None if time is None else time.caption(self.time.position)


def save_screenshot(view: LatentView, path: Path, scale: int = 1, shown: Shown | None = None,
                    caption: bool = False) -> tuple[int, int]:
    """Write what ``view`` shows to the PNG ``path`` at ``scale`` times its resolution; returns (width, height).

    Parameters
    ----------
    view : LatentView
    path : Path
    scale : int
        1 for the view's own pixels; 2, 3, ... render a larger image of the same picture.
    shown : Shown, optional
        What the view shows. With it, a larger image is rendered off screen with point sizes, line
        widths and text scaled too, so it looks like the view; without it, VTK's tiled capture keeps
        pixel sizes (the cloud looks sparse).
    caption : bool
        Write the step and epoch shown ("step 64 · epoch 0.07") at the top left (needs ``shown``).
    """
    import imageio.v2 as imageio

    width, height = view.window_size
    check_image(width * scale, height * scale)
    with atomic_path(path, what="Screenshot") as tmp:  # an earlier file at path stays until this one is complete
        text = shown.caption() if caption and shown is not None else None
        if scale > 1 and shown is not None and shown.time.run is not None:
            size = view.ren_win.GetSize()
            img = shown.render((int(size[0]), int(size[1])), scale, text)
        else:
            label = StepCaption(view) if text is not None else None
            try:
                if label is not None:
                    label.show(text)
                img = grab(view.ren_win, scale)
            finally:
                if label is not None:
                    label.close()
        tmp.write_bytes(imageio.imwrite("<bytes>", img, format="png"))  # in memory first: see render_image
    return int(img.shape[1]), int(img.shape[0])


def ask_screenshot(parent: QWidget, view: LatentView, shown: Shown | None = None) -> Path | None:
    """The dialogs of File → Save screenshot…: a size, then a file; writes it and returns its path."""
    w, h = view.window_size
    items = [f"{s}× ({s * w} × {s * h} px)" for s in SCALES]
    choice, ok = QInputDialog.getItem(parent, "Save screenshot", "Image size:", items, 0, False)
    if not ok:
        return None
    text = shown.caption() if shown is not None else None
    caption = text is not None and QMessageBox.question(
        parent, "Save screenshot", f"Write the step into the image (\"{text}\", top left)?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No) == QMessageBox.StandardButton.Yes
    name, _ = save_file_name(parent, "Save screenshot", "latent3d.png", "PNG image (*.png)")
    if not name:
        return None
    path = Path(name if name.lower().endswith(".png") else name + ".png")
    try:
        save_screenshot(view, path, SCALES[items.index(choice)], shown, caption=caption)
    except (OSError, ValueError) as exc:
        error_box(parent, "Cannot save screenshot", str(exc))
        return None
    return path


class MovieExport:
    """Moves the time model frame by frame, as playback would, and writes each frame of the live view to a GIF or MP4.

    Parameters
    ----------
    view : LatentView
        The view whose pixels are recorded (camera, colours and overlays as the user set them).
    time : TimeModel
        Its position is moved through every frame; the window shows each as playback would.
    display : DisplayModel
        Its training-set overlay is left out of the movie when asked (and put back after).
    pause : callable
        Stops playback before the export moves the position (the timeline's ``pause``).
    """

    def __init__(self, view: LatentView, time: TimeModel, display: DisplayModel,
                 pause: Callable[[], None] = lambda: None) -> None:
        self.view, self.time, self.display, self.pause = view, time, display, pause
        self._caption: StepCaption | None = None

    def frame_at(self, u: float, fit_each: bool = False, caption: bool = False, shrink: int = 1) -> np.ndarray:
        """The view's pixels at position ``u`` (the time model moved there, as playback would move it).

        With ``fit_each``, or with *Follow the snapshot* on, the camera frames that position's own codes
        (keeping its direction) at once: the window's easing has no time between two frames. With
        ``caption`` the step and epoch are written at the bottom left; ``shrink`` 2 halves the size.
        """
        self.time.position = u
        if fit_each or self.time.follow:
            self.view.scene.fit_camera(self.view.scene.codes_at(u))
        time = self.time.time
        if caption and time is not None:
            if self._caption is None:
                self._caption = StepCaption(self.view)
            self._caption.show(time.caption(u))
        frame = grab(self.view.ren_win)
        return _shrink(frame, shrink) if shrink > 1 else frame

    def write(self, path: Path, fps: float = MOVIE_FPS, frames_per_snapshot: int = MOVIE_FRAMES_PER_SNAPSHOT,
              parent: QWidget | None = None, fit_each: bool = False, *, caption: bool = False, shrink: int = 1,
              leave_out_overlay: bool = False) -> int | None:
        """Write the movie with a cancellable progress dialog; returns the frame count, or None if cancelled.

        ``frames_per_snapshot`` frames are drawn between neighbouring snapshots; the frames are planned
        and encoded by :mod:`latent3d.scene.offscreen.movie`, as ``latent3d render --movie`` does. The position
        and the camera return to where they were; a cancelled or failed export leaves no partial file
        and an earlier file at ``path`` untouched. ``caption`` writes the step into each frame,
        ``shrink`` 2 halves the frames, ``leave_out_overlay`` hides the training-set overlay meanwhile.
        """
        run = self.time.run
        if run is None:
            raise ValueError("There is no run to export; open one first.")
        camera = self.view.camera_position
        w, h = self.view.window_size
        times = plan_movie(run, path, (w // shrink, h // shrink), fps, frames_per_snapshot=frames_per_snapshot)
        overlay = self.display.train_overlay
        if leave_out_overlay:
            self.display.train_overlay = False
        start = self.time.position
        self.pause()
        dialog = QProgressDialog("Rendering the epoch animation…", "Cancel", 0, len(times), parent)
        dialog.setWindowTitle("Export timeline movie")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)

        def keep_going(i: int) -> bool:
            dialog.setValue(i)  # also lets the event loop see a click on Cancel
            return not dialog.wasCanceled()

        try:
            return record_movie(path, times, lambda u: self.frame_at(u, fit_each, caption, shrink), fps, keep_going)
        finally:
            if self._caption is not None:
                self._caption.show(None)
            self.display.train_overlay = overlay
            dialog.setValue(len(times))
            dialog.close()
            dialog.deleteLater()
            self.time.position = start
            self.view.camera_position = camera

    def ask(self, parent: QWidget) -> Path | None:
        """The dialogs of File → Export timeline movie…: a file (.mp4 or .gif), then the export."""
        name, chosen = save_file_name(parent, "Export timeline movie", "latent3d.mp4",
                                      "MP4 video (*.mp4);;Animated GIF (*.gif)")
        if not name:
            return None
        path = Path(name)
        if path.suffix.lower() not in (".mp4", ".gif"):
            path = path.with_suffix(".gif" if "gif" in chosen.lower() else ".mp4")
        last = self.time.time.last if self.time.time is not None else 0
        dialog = MovieOptionsDialog(last, self.view.window_size, self.display.train_overlay, parent,
                                    follow=self.time.follow)
        accepted = dialog.exec() == MovieOptionsDialog.DialogCode.Accepted
        o = dialog.options()
        dialog.deleteLater()
        if not accepted:
            return None
        try:
            written = self.write(path, fps=o.fps, frames_per_snapshot=frames_per_snapshot(last, o.seconds, o.fps),
                                 parent=parent, fit_each=o.fit_each, caption=o.caption, shrink=o.shrink,
                                 leave_out_overlay=o.leave_out_overlay)
            return path if written is not None else None
        except (OSError, ValueError, RuntimeError) as exc:
            error_box(parent, "Cannot export movie", str(exc))
            return None


def _shrink(frame: np.ndarray, factor: int) -> np.ndarray:
    """``frame`` averaged over ``factor`` x ``factor`` blocks, cut to an even size (H.264 needs one)."""
    h, w = (frame.shape[0] // factor) // 2 * 2, (frame.shape[1] // factor) // 2 * 2
    blocks = frame[: h * factor, : w * factor, :3].reshape(h, factor, w, factor, 3).astype(np.float32)
    return np.rint(blocks.mean(axis=(1, 3))).astype(np.uint8)


class ExportActions:
    """File → Save screenshot… (Ctrl+S) and Export timeline movie… (Ctrl+E) of what the view shows.

    Parameters
    ----------
    view : LatentView
    shown : Shown
        What the view shows, for a screenshot.
    display : DisplayModel
        The movie may leave its training-set overlay out.
    pause : callable
        Stops playback before a movie moves the position.
    parent : QWidget
        The window: the actions' owner and the dialogs' parent.
    """

    def __init__(self, view: LatentView, shown: Shown, display: DisplayModel, pause: Callable[[], None],
                 parent: QWidget) -> None:
        self.view, self.shown, self.parent = view, shown, parent
        self.movie = MovieExport(view, shown.time, display, pause)
        self.screenshot_action = window_action("Save screenshot…", parent, "Ctrl+S")
        self.screenshot_action.triggered.connect(lambda: ask_screenshot(self.parent, self.view, self.shown))
        self.movie_action = window_action("Export timeline movie…", parent, "Ctrl+E")
        self.movie_action.triggered.connect(lambda: self.movie.ask(self.parent))

    @property
    def actions(self) -> list[QAction]:
        """For the File menu."""
        return [self.screenshot_action, self.movie_action]
