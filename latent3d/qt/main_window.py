"""The main window, a composition root: it builds the models, the services and the features, places their parts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QWidget

from latent3d.data.images import load_test_images
from latent3d.qt import compare, decoder_map, display, groups, inspect, learning, own_images, training
from latent3d.qt.canvas.easing import CameraEaser
from latent3d.qt.canvas.export import ExportActions, Shown
from latent3d.qt.canvas.gestures import SceneController
from latent3d.qt.canvas.view import LatentView
from latent3d.qt.canvas.warm_start import warm_after_first_frame
from latent3d.qt.chrome import WindowChrome
from latent3d.qt.features import DOCK_AREAS, Feature, Panel, Parts, Services, why_off
from latent3d.qt.files.open_save import OpenSave
from latent3d.qt.layout import DockLayout
from latent3d.qt.loss.panel import LossPanel
from latent3d.qt.settings_file import open_settings
from latent3d.qt.style import STYLE
from latent3d.qt.timeline.status_line import StatusLine
from latent3d.qt.timeline.widget import Timeline
from latent3d.qt.widgets.feature_frame import FeatureFrame
from latent3d.runs import Run
from latent3d.scene.core.presenter import ScenePresenter
from latent3d.scene.offscreen.render import render_model
from latent3d.state.neighbours import Neighbours
from latent3d.state.viewer_model import ViewerModel

__all__ = ["FEATURES", "MainWindow", "default_settings"]

FRAMED = (*DOCK_AREAS, "beside-view")  # the areas where a feature's panel says why it is off
LAYOUT_VERSION = 1  # saved dock layouts of another version are not restored (the docks changed)
#: The features, in the order their menus, escapes and panels of equal order come (groups' Escape first).
FEATURES: tuple[Feature, ...] = (display.FEATURE, groups.FEATURE, inspect.FEATURE, learning.FEATURE, training.FEATURE,
                                 compare.FEATURE, decoder_map.FEATURE, own_images.FEATURE)


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

    Notes
    -----
    The window builds the models, the 3-D view, the timeline, the loss plot and the File menu, then
    each feature of :data:`FEATURES` from the models and the services, and places the parts each
    returns; it closes them in one loop. ``parts[name]`` are a feature's parts.
    """

    def __init__(self, data_dir: Path | None = None, settings: QSettings | None = None) -> None:
        super().__init__()
        self.setWindowTitle("latent3d")
        self.setStyleSheet(STYLE)
        self.settings = settings if settings is not None else default_settings()
        self.data_dir = data_dir
        self.model = model = ViewerModel()
        self.images = load_test_images(data_dir)
        model.time.events.run.connect(self.images.show_run)  # first: every view then draws the new run's images
        self.neighbours = Neighbours(model.time)
        self.view = LatentView(self)
        self.scene = self.view.scene
        self.easer = CameraEaser(model.camera, self)
        self.presenter = ScenePresenter(model.time, model.camera, model.pick, model.display, model.compare, self.scene,
                                        self.view.request_render, probe_widget=True, follow_to=self.easer.ease_to)
        self.timeline = Timeline(model.time)
        self.loss_panel = LossPanel(model.time, model.display)
        self.status = StatusLine(model.time)
        self.files = OpenSave(model, self.settings, self, self._message, before_apply=self.timeline.pause)
        self.controller = SceneController(self.view)
        # A larger screenshot renders the whole picture again off screen, from every model.
        shown = Shown(model.time, lambda size, scale, caption: render_model(model, size, scale, caption))
        self.exports = ExportActions(self.view, shown, model.display, self.timeline.pause, self)
        services = Services(
            window=self, settings=self.settings, data_dir=data_dir, images=self.images, neighbours=self.neighbours,
            view=self.view, presenter=self.presenter, timeline=self.timeline, loss=self.loss_panel,
            canvas_busy=self.controller.busy, message=self._message, show_run=self.files.show_run,
            show_panel=self._show_panel)
        self.parts: dict[str, Parts] = {f.name: f.build(model, services) for f in FEATURES}
        self._build_layout()
        self._build_actions()
        self.timeline.playing_changed.connect(self.controller.set_playing)
        self.view.signals.interacting.connect(self._on_interacting)
        model.time.events.run.connect(self._on_run)
        self._restore_settings()
        warm_after_first_frame(self.view, model.time, lambda: self.neighbours.index)  # the first click's costs, idle

    # -- construction ---------------------------------------------------------------------------

    def _build_layout(self) -> None:
        panels = [Panel(self.loss_panel, "bottom", "Loss curves", order=10, group="loss", stretch=11)]
        self.frames: dict[str, list[FeatureFrame]] = {}
        self._off: dict[str, str | None] = {}  # why each feature is off for the run shown (None: on)
        for feature in FEATURES:
            for p in self.parts[feature.name].panels:
                if feature.needs and p.area in FRAMED:  # a frame that can say why the feature is off
                    frame = FeatureFrame(p.widget)
                    self.frames.setdefault(feature.name, []).append(frame)
                    p = replace(p, widget=frame)
                panels.append(p)
        self.layout_ = DockLayout(self, self.view, self.timeline, panels)
        self.docks = self.layout_.docks
        bar = self.statusBar()
        for p in self.layout_.status:  # notes on the right (before the position and losses), strips on the left
            if p.order < 90:
                bar.addPermanentWidget(p.widget)
        self.status.add_to(bar)
        for p in self.layout_.status:
            if p.order >= 90:
                bar.addWidget(p.widget, p.stretch)

    def _show_panel(self, widget: QWidget) -> None:
        self.layout_.show_panel(widget)  # the layout exists only after the features are built

    def _build_actions(self) -> None:
        self.chrome = chrome = WindowChrome(self, self.model, self.files, self.timeline, self.presenter, self.exports,
                                            list(self.parts.values()), self.layout_,
                                            lambda: self.run.path if self.run is not None else None)
        self.follow_action, self.fit_action, self.escape_action = chrome.follow_action, chrome.fit_action, \
            chrome.escape_action
        self.runs_menu, self.show_shortcuts = chrome.runs_menu, chrome.show_shortcuts

    # -- what the models say, shown by the window itself ----------------------------------------

    @property
    def run(self) -> Run | None:
        """The run shown."""
        return self.model.time.run

    def _on_run(self, run: Run | None) -> None:
        if run is not None:
            self.setWindowTitle(f"latent3d — {run.name}")
        for feature in FEATURES:  # built either way; off, saying why, when the run lacks what it needs
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

    def _on_interacting(self, busy: bool) -> None:
        if busy:  # the user took the camera: no easing fights the mouse
            self.easer.stop()

    def discard_training_on_close(self) -> None:
        """A signal closes the window: a running training is stopped and discarded without asking."""
        self.parts["training"]["training"].discard_on_close = True

    def _message(self, text: str, ms: int) -> None:
        self.statusBar().showMessage(text, ms)

    # -- settings -------------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        geometry = self.settings.value("geometry")
        if not isinstance(geometry, QByteArray) or not self.restoreGeometry(geometry):
            self.resize(1400, 900)
        saved = self.settings.value("dock_state")
        if isinstance(saved, QByteArray):
            self.restoreState(saved, LAYOUT_VERSION)  # False (the default stays) for another version's layout

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Remember geometry and docks, then close every feature and release the VTK view."""
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
