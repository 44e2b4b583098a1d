"""The main window: one run at a time, built at once or in two stages (the run's cloud first, then the rest).

Everything the window shows is read from one :class:`ViewerModel`; the parts are built by
:func:`latent3d.qt.compose.compose`, the window's composition root. Started from the command line
the window first draws its run's cloud (:class:`CloudPreview`, plain VTK: no pyvista, no matplotlib,
no panels) and builds the rest once that frame is on the screen (:mod:`latent3d.qt.staged`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QSettings
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from latent3d.qt.canvas.preview import CloudPreview
from latent3d.qt.features import Feature, Parts, why_off
from latent3d.qt.settings_file import open_settings
from latent3d.qt.style import STYLE
from latent3d.runs import Run
from latent3d.state.viewer_model import ViewerModel

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from PySide6.QtGui import QAction

    from latent3d.data.images import DatasetImages
    from latent3d.qt.canvas.easing import CameraEaser
    from latent3d.qt.canvas.export import ExportActions
    from latent3d.qt.canvas.gestures import SceneController
    from latent3d.qt.canvas.view import LatentView
    from latent3d.qt.chrome import WindowChrome
    from latent3d.qt.files.open_save import OpenSave
    from latent3d.qt.files.runs_menu import RunsMenu
    from latent3d.qt.layout import DockLayout
    from latent3d.qt.loss.panel import LossPanel
    from latent3d.qt.timeline.status_line import StatusLine
    from latent3d.qt.timeline.widget import Timeline
    from latent3d.qt.widgets.feature_frame import FeatureFrame
    from latent3d.qt.widgets.shortcuts import ShortcutsDialog
    from latent3d.scene.core.cloud import LatentScene
    from latent3d.scene.core.presenter import ScenePresenter
    from latent3d.state.neighbours import Neighbours

__all__ = ["MainWindow", "default_settings"]

LAYOUT_VERSION = 1  # saved dock layouts of another version are not restored (the docks changed)


def default_settings() -> QSettings:
    """The user's settings store (organisation and application ``latent3d``); unusable files are ignored."""
    return open_settings("latent3d", "latent3d")


class MainWindow(QMainWindow):
    """One window on one run at a time; everything it shows is read from one :class:`ViewerModel`.

    Parameters
    ----------
    data_dir : Path or None
        Where the Fashion-MNIST IDX files are (``None``: the usual resolution).
    settings : QSettings, optional
        Where geometry, docks and last run are remembered (tests pass a temporary ini).
    first : Run, optional
        Build in two stages: show this run's cloud at once, and build the rest on :meth:`build`
        (the caller shows the run then). Without it the window is built at once.

    Notes
    -----
    ``parts[name]`` are a feature's parts; :attr:`built` says whether they exist yet. Before
    :meth:`build` the window has only its model, its settings and the preview.
    """

    # Set by latent3d.qt.compose.compose (the composition root) when the window is built.
    features: tuple[Feature, ...]
    images: DatasetImages
    neighbours: Neighbours
    view: LatentView
    scene: LatentScene
    easer: CameraEaser
    presenter: ScenePresenter
    timeline: Timeline
    loss_panel: LossPanel
    status: StatusLine
    files: OpenSave
    controller: SceneController
    exports: ExportActions
    layout_: DockLayout
    docks: dict[str, QDockWidget]
    chrome: WindowChrome
    follow_action: QAction
    fit_action: QAction
    escape_action: QAction
    runs_menu: RunsMenu
    show_shortcuts: Callable[[], ShortcutsDialog]

    def __init__(self, data_dir: Path | None = None, settings: QSettings | None = None, *,
                 first: Run | None = None) -> None:
        super().__init__()
        self.setWindowTitle("latent3d")
        self.setStyleSheet(STYLE)
        self.settings = settings if settings is not None else default_settings()
        self.data_dir = data_dir
        self.model = ViewerModel()
        self.parts: dict[str, Parts] = {}
        self.frames: dict[str, list[FeatureFrame]] = {}
        self._off: dict[str, str | None] = {}  # why each feature is off for the run shown (None: on)
        self.built = False
        self.preview: CloudPreview | None = None
        if first is None:
            self.build()
            return
        self.preview = CloudPreview(first.codes, first.labels, self)
        self.setCentralWidget(self.preview)
        self.setWindowTitle(f"latent3d — {first.name}")
        self._restore_geometry()

    def build(self) -> None:
        """Build the 3-D view, the panels, menus and toolbar in place of the preview (imports pyvista and pyqtgraph)."""
        if self.built:
            return
        from latent3d.qt.compose import compose  # the heavy half: after the preview's frame when staged

        staged = self.preview is not None
        if self.preview is not None:
            self.setUpdatesEnabled(False)  # no frame of a half-built window: the preview stays until the end
            self.preview.release()
            self.takeCentralWidget()
            self.preview.deleteLater()
            self.preview = None
        compose(self)
        self.built = True
        if staged:
            # The window is on the screen already: Qt shows the new docks on its next turn and sizes them
            # from their hints, which leaves the 3-D view no height. Show them now, then size them.
            QCoreApplication.sendPostedEvents(None, QEvent.Type.MetaCall)
            self.layout_.size_docks()
            self.setUpdatesEnabled(True)
        else:
            self._restore_geometry()  # a staged window has its geometry already (and the user may have resized it)
        saved = self.settings.value("dock_state")
        if isinstance(saved, QByteArray):
            self.restoreState(saved, LAYOUT_VERSION)  # False (the default stays) for another version's layout

    # -- what the models say, shown by the window itself ----------------------------------------

    @property
    def run(self) -> Run | None:
        """The run shown."""
        return self.model.time.run

    def on_run(self, run: Run | None) -> None:
        """A run is shown: the title, and each feature on or off (saying why) for what the run has."""
        if run is not None:
            self.setWindowTitle(f"latent3d — {run.name}")
        for feature in self.features:  # built either way; off, saying why, when the run lacks what it needs
            reason = why_off(feature, run)
            if reason == self._off.get(feature.name):
                continue  # the feature's own enabling of its actions (a training running) is left alone
            self._off[feature.name] = reason
            for frame in self.frames.get(feature.name, []):
                frame.set_off(reason)
            for act in (a for acts in self.parts[feature.name].actions.values() for a in acts):
                need = act.property("needs")  # an action may need more than its feature (free roam: a decoder)
                own = run.why_not(need) if need and run is not None else None
                act.setEnabled(reason is None and own is None)
                if own is None:  # else the feature's own words stay
                    act.setStatusTip(reason or "")

    def show_panel(self, widget: QWidget) -> None:
        """Bring the dock holding ``widget`` forward (what a feature's build is given to show its panel)."""
        self.layout_.show_panel(widget)

    def on_interacting(self, busy: bool) -> None:
        """The user took the camera: no easing fights the mouse."""
        if busy:
            self.easer.stop()

    def discard_training_on_close(self) -> None:
        """A signal closes the window: a running training is stopped and discarded without asking."""
        if self.built:
            self.parts["training"]["training"].discard_on_close = True

    def message(self, text: str, ms: int) -> None:
        """Show ``text`` in the status bar for ``ms`` milliseconds."""
        self.statusBar().showMessage(text, ms)

    # -- settings -------------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = self.settings.value("geometry")
        if not isinstance(geometry, QByteArray) or not self.restoreGeometry(geometry):
            self.resize(1400, 900)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Remember geometry and docks, then close every feature and release the VTK view."""
        if not self.built:  # closed while the preview was shown: the saved docks stay as they were
            self.settings.setValue("geometry", self.saveGeometry())
            self.settings.sync()
            if self.preview is not None:
                self.preview.release()
                self.preview = None
            super().closeEvent(event)
            return
        if self.view.scene is None:  # already closed once
            super().closeEvent(event)
            return
        if not all(p.confirm_close() for p in self.parts.values() if p.confirm_close is not None):
            event.ignore()  # a training is running and the user keeps the window
            return
        self.timeline.pause()
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("dock_state", self.saveState(LAYOUT_VERSION))
        self.settings.sync()
        for parts in self.parts.values():
            parts.close()
        for part in (self.status, self.neighbours, self.presenter):
            part.close()
        self.timeline.close_timeline()
        self.view.close()
        super().closeEvent(event)
