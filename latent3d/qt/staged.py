"""A window started from the command line builds its heavy half after its first frame, importing it in a thread.

The preview (:class:`latent3d.qt.canvas.preview.CloudPreview`) is drawn with plain VTK in well under
the time pyvista, matplotlib and pyqtgraph take to import. Once its first frame is on the screen those
imports run in a background thread, so the preview can still be turned meanwhile; the widgets are then
built in the GUI thread (Qt requires it) and the preview replaced.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from latent3d.qt.widgets.dialogs import error_box
from latent3d.state.values import Camera

if TYPE_CHECKING:
    from latent3d.qt.main_window import MainWindow
    from latent3d.runs import Run
    from latent3d.state.view import ViewSpec

__all__ = ["HEAVY", "PREVIEW_PLATFORMS", "Handover", "StagedBuild", "preview_supported", "show_first"]

HEAVY = "latent3d.qt.compose"  # the module whose import is the heavy half of the window
WAIT_MS = 30  # while the button is down on the preview, the build looks again this often
FALLBACK_MS = 1500  # build anyway if no frame came by then (a window started minimised draws none)
#: Qt platforms where the preview's widget (VTK's own native-window interactor) can draw. Not Wayland:
#: there only pyvistaqt's QOpenGLWidget does, and the window is built at once, as before the two stages.
PREVIEW_PLATFORMS = ("xcb", "windows", "cocoa")


def preview_supported() -> bool:
    """Whether this Qt platform can show the preview (see :data:`PREVIEW_PLATFORMS`)."""
    return QGuiApplication.platformName() in PREVIEW_PLATFORMS


@dataclass(frozen=True)
class Handover:
    """What the user did to the preview, for the built window to take over."""

    camera: Camera | None = None  # the pose the preview was turned to, or None if it was not moved
    clicked: bool = False  # whether the user clicked the preview (then ``picked`` is the selection, None: empty space)
    picked: int | None = None


class StagedBuild(QObject):

    """Builds ``window`` (made with ``first=run``) once its preview has drawn, then calls ``then(handover)``.

    Parameters
    ----------
    window : MainWindow
        Showing its preview.
    then : callable
        Called once the window is built, with the :class:`Handover` of what the user did to the preview.

    Notes
    -----
    A window closed before the imports end is not built. :meth:`join` waits for the import thread
    (the interpreter should not exit in the middle of an extension module's import). A child of
    ``window``: it lives as long as the window, with or without a reference kept.
    """

    imported = Signal()  # emitted by the import thread as it ends; delivered in the GUI thread (queued)

    def __init__(self, window: MainWindow, then: Callable[[Handover], None]) -> None:
        super().__init__(window)
        self.window, self.then = window, then
        self._thread: threading.Thread | None = None
        self.imported.connect(self._build, Qt.ConnectionType.QueuedConnection)
        assert window.preview is not None, "a staged window shows a preview"
        ren_win = window.preview.GetRenderWindow()
        self._tag = ren_win.AddObserver("EndEvent", self._on_frame)
        self._ren_win = ren_win
        QTimer.singleShot(FALLBACK_MS, self._start)

    def _on_frame(self, *_args: object) -> None:
        if self._tag is not None:
            self._ren_win.RemoveObserver(self._tag)
            self._tag = None
            QTimer.singleShot(0, self._start)  # after this frame is swapped onto the screen

    def _start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._import, name="latent3d-window-imports", daemon=True)
        self._thread.start()

    def _import(self) -> None:
        try:
            importlib.import_module(HEAVY)
        except BaseException:  # noqa: BLE001, S110 - build() imports it again in the GUI thread, where it raises for real
            pass
        finally:
            with contextlib.suppress(RuntimeError):  # the window, and this child of it, may be gone already
                self.imported.emit()

    def _build(self) -> None:
        window = self.window
        if not window.isVisible() or window.built:  # closed while loading (or built by someone else)
            return
        preview = window.preview
        if preview is not None and preview.pressed:  # a click or a turn in progress ends on the preview first
            QTimer.singleShot(WAIT_MS, self._build)
            return
        handover = Handover(preview.moved_camera(), preview.clicked, preview.picked) if preview is not None else \
            Handover()
        try:
            window.build()
            self.then(handover)
        except Exception as exc:
            traceback.print_exc()
            error_box(window, "latent3d: the window could not be built",
                      f"{type(exc).__name__}: {exc}. Please report this with the text printed in the terminal.")
            QApplication.exit(1)

    def join(self, timeout: float = 30.0) -> None:
        """Wait for the import thread, if it runs."""
        if self._thread is not None:
            self._thread.join(timeout)


def show_first(window: MainWindow, run: Run, handover: Handover, view: ViewSpec | None = None,
               compare: Run | None = None) -> None:
    """Show ``run`` in the built ``window``, then its view file or else what the user did to the preview.

    Parameters
    ----------
    window : MainWindow
        Just built.
    run : Run
        The run the preview showed.
    handover : Handover
        The preview's pose (taken if it was turned; else the snapshot is framed at once, as the
        preview framed it, instead of gliding there from the whole run's frame) and click (its
        point selected).
    view : ViewSpec, optional
        A view file given on the command line: it sets the view instead.
    compare : Run, optional
        The view file's compared run.
    """
    window.files.show_run(run)
    if view is not None:
        window.files.apply_view(view, compare)
        return
    if handover.camera is not None:
        window.model.camera.camera = handover.camera
    elif window.model.time.follow:  # the pose the preview had: no glide from the whole run's frame to it
        window.easer.stop()
        window.model.camera.camera = window.presenter.framing()
    if handover.clicked:
        window.model.pick.selected = handover.picked
