"""The main window, a composition root: it builds the state, the services and the widgets, lays them out, wires them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QSplitter, QTabWidget, QVBoxLayout, QWidget

from latent3d.analysis.encoder import OwnCodesCache
from latent3d.data.datasets import CLASS_NAMES
from latent3d.data.images import load_test_images
from latent3d.qt.canvas.easing import CameraEaser
from latent3d.qt.canvas.gestures import SceneController
from latent3d.qt.canvas.view import LatentView
from latent3d.qt.canvas.warm_start import warm_after_first_frame
from latent3d.qt.compare.controls import AgreementPlot, AlignSwitch, CompareActions, ResidualLabel
from latent3d.qt.compare.view import CompareView
from latent3d.qt.decoder_map.panel import DecoderMapPanel
from latent3d.qt.display.actions import DisplayActions, ExportActions
from latent3d.qt.display.legend import ClassLegend
from latent3d.qt.files.open_save import OpenSave
from latent3d.qt.files.runs_menu import RunsMenu
from latent3d.qt.groups.curve import GroupCurve
from latent3d.qt.groups.panel import GroupPanel
from latent3d.qt.groups.tools import GroupToolbar, SelectionTool
from latent3d.qt.inspect.explore_panel import FilmstripBox, NeighboursBox, PathBox
from latent3d.qt.inspect.explore_views import FilmstripView, NeighboursView, PathView
from latent3d.qt.inspect.image_panel import ImagePanel
from latent3d.qt.inspect.selection_view import SelectionDisplay
from latent3d.qt.learning.views import LearningViews
from latent3d.qt.loss.panel import LossPanel
from latent3d.qt.own_images.panel import OwnImagePanel
from latent3d.qt.settings_file import open_settings
from latent3d.qt.side_panel import SidePanel
from latent3d.qt.style import STYLE, follow_checked
from latent3d.qt.timeline.status_line import StatusLine
from latent3d.qt.timeline.widget import Timeline
from latent3d.qt.training.live import LiveTraining
from latent3d.qt.widgets.shortcuts import ShortcutsDialog
from latent3d.runs import Run
from latent3d.scene.compare.presenter import CompareRings
from latent3d.scene.core.cloud import CLASS_COLORS
from latent3d.scene.core.presenter import ScenePresenter
from latent3d.scene.display.class_highlight import ClassHighlight
from latent3d.scene.groups.presenter import GroupPresenter
from latent3d.scene.offscreen.learned_layers import LearnedLayers
from latent3d.state.neighbours import Neighbours
from latent3d.state.viewer_state import ViewerState

__all__ = ["MainWindow", "default_settings"]

BOTTOM_HEIGHT = 130  # loss curves / filmstrip / path tabs under the timeline, at start


def default_settings() -> QSettings:
    """The user's settings store (organisation and application ``latent3d``); unusable files are ignored."""
    return open_settings("latent3d", "latent3d")


class MainWindow(QMainWindow):
    """One window on one run at a time; everything it shows is read from one :class:`ViewerState`.

    Parameters
    ----------
    data_dir : Path or None
        Where the Fashion-MNIST IDX files are (``None``: the usual resolution).
    settings : QSettings, optional
        Where geometry, splitter and last run are remembered (tests pass a temporary ini).

    Notes
    -----
    Every widget and controller takes the state and the small Qt-free services it needs, never
    the window; controllers (clicks, keys, timeline, legend, menus) change ``self.state``, and the
    scene (through :class:`ScenePresenter`), the panels and the status bar display it.
    """

    def __init__(self, data_dir: Path | None = None, settings: QSettings | None = None) -> None:
        super().__init__()
        self.setWindowTitle("latent3d")
        self.setStyleSheet(STYLE)
        self.settings = settings if settings is not None else default_settings()
        self.data_dir = data_dir
        self.state = state = ViewerState()
        self.images = load_test_images(data_dir)
        self.neighbours = Neighbours(state)
        self.view = LatentView(self)
        self.scene = self.view.scene
        self.easer = CameraEaser(state, self)
        self.presenter = ScenePresenter(state, self.scene, self.view.request_render, probe_widget=True,
                                        follow_to=self.easer.ease_to)
        self.class_highlight = ClassHighlight(state, self.scene, self.presenter.colours, self.view.request_render)
        self.own_codes = OwnCodesCache()  # each own image encoded once per run, for the scene and the panel
        self.learned = LearnedLayers.create(state, self.scene, self.view.request_render, codes=self.own_codes)
        self.map_panel = DecoderMapPanel(state)
        self.own_panel = OwnImagePanel(state, self.own_codes, images=self.images)
        self.timeline = Timeline(state)
        self.panel = ImagePanel()
        self.legend = ClassLegend(CLASS_NAMES, CLASS_COLORS, state=state)
        self.filmstrip, self.path, self.neighbours_box = FilmstripBox(), PathBox(), NeighboursBox()
        self.loss_panel = LossPanel(state)
        self.learning = LearningViews(state, self.images.get, self.timeline.slider, self, self._message,
                                      ticks_host=self.timeline.ticks)
        self.bottom_tabs = QTabWidget()
        self.status = StatusLine(state)
        self.files = OpenSave(state, self.settings, self, self._message, before_apply=self.timeline.pause)
        self.training = LiveTraining(state, self.settings, self, data_dir=data_dir, show_run=self.files.show_run,
                                     fit_camera=lambda: self.easer.ease_to(self.presenter.framing()))
        self.selection_view = SelectionDisplay(state, self.panel, self.images, self.neighbours)
        self.filmstrip_view = FilmstripView(state, self.filmstrip, before_seek=self.timeline.pause)
        self.path_view = PathView(state, self.path, on_new_path=lambda: self.bottom_tabs.setCurrentWidget(self.path))
        self.neighbours_view = NeighboursView(state, self.neighbours_box, self.images, self.neighbours)
        self.controller = SceneController(state, self.view, self.path.steps.value,
                                          self.training.controller.set_window_busy)
        self.display = DisplayActions(state, self, self._message)
        self.exports = ExportActions(state, self.view, self.timeline, self)
        self.compare_view = CompareView(state)  # the compared run, linked, beside the view (hidden until then)
        self.rings = CompareRings(state, self.scene, self.view.request_render)  # ... or as rings in it
        self.align_switch = AlignSwitch(state)
        last_run = lambda: str(Path(str(self.settings.value("last_run", "") or ".")).parent)  # noqa: E731
        self.comparing = CompareActions(state, self, start_dir=last_run)
        self.agreement = AgreementPlot(state)
        self.residual = ResidualLabel(state)
        self.group_presenter = GroupPresenter(state, self.scene, self.presenter.colours, self.view.request_render)
        self.group_panel = GroupPanel(state, self.images.pixels)
        self.group_curve = GroupCurve(state, self.loss_panel.plot, self.loss_panel.legend)
        self.selection_tool = SelectionTool(state, self.view)
        self.group_toolbar = GroupToolbar(state, self.selection_tool, self)
        self._build_layout()
        self._build_actions()
        self._wire()
        self._restore_settings()
        warm_after_first_frame(self.view, state, lambda: self.neighbours.index)  # the first click's costs, idle

    # -- construction ---------------------------------------------------------------------------

    def _wire(self) -> None:
        state = self.state
        self.timeline.playing_changed.connect(self.controller.set_playing)
        self.legend.class_toggled.connect(state.set_class_visible)
        self.legend.class_selected.connect(state.select_class)
        self.neighbours_box.select_requested.connect(state.select_points)
        state.events.group_shown.connect(self._on_group_shown)  # a method: disconnected by the state's weak refs
        state.events.hidden_classes.connect(self._on_hidden_classes)
        follow_checked(self.roam_action, state.events.probe, lambda p: p is not None)
        follow_checked(self.follow_action, state.events.follow)
        follow_checked(self.map_action, state.events.decoder_map, lambda m: m is not None)
        self.view.signals.interacting.connect(self._on_interacting)
        self.view.signals.interacting.connect(self.learned.decoder_map.hold)
        state.events.run.connect(self._on_run)
        self.training.message.connect(self._message)
        self.training.title.connect(self.setWindowTitle)
        self.training.close_requested.connect(self.close)
        self.runs_menu.run_chosen.connect(self.files.open_run)

    def _build_layout(self) -> None:
        upper = QWidget()
        uv = QVBoxLayout(upper)
        uv.setContentsMargins(0, 0, 0, 0)
        self.views = QSplitter(Qt.Orientation.Horizontal)
        self.views.addWidget(self.view)
        self.views.addWidget(self.compare_view)
        uv.addWidget(self.views, 1)
        uv.addWidget(self.timeline)
        row = self.timeline.layout()
        assert row is not None
        row.addWidget(self.align_switch)  # in the timeline's row: it changes what playback shows
        self.bottom_tabs.setDocumentMode(True)
        self.bottom_tabs.addTab(self.learning.loss_tab(self.loss_panel), "Loss curves")
        self.bottom_tabs.addTab(self.agreement, "Agreement")
        for box, name in ((self.filmstrip, "Reconstruction across snapshots"), (self.path, "Path A→B")):
            box.setTitle("")  # the tab names it: the group box's own title would only take a line
            box.setStyleSheet("QGroupBox { border: none; margin-top: 0px; padding-top: 0px; }")
            self.bottom_tabs.addTab(box, name)
        self.bottom_tabs.addTab(self.learning.map_tab(), "Data map")
        self.bottom_tabs.setMinimumHeight(90)
        # The 3-D view gets the room; the tabs under it start small and can be dragged taller.
        self.vsplitter = QSplitter(Qt.Orientation.Vertical)
        self.vsplitter.addWidget(upper)
        self.vsplitter.addWidget(self.bottom_tabs)
        self.vsplitter.setStretchFactor(0, 1)
        self.vsplitter.setStretchFactor(1, 0)
        self.vsplitter.setSizes([1000, BOTTOM_HEIGHT])
        self.side = SidePanel(self.legend, self.panel, [
            (self.neighbours_box, "Neighbours"), (self.map_panel, "Decoder map"), (self.own_panel, "Your images"),
            (self.group_panel, "Group")])
        self.side_tabs = self.side.tabs
        self.side_tabs.setTabToolTip(3, "The group shown: B box, L lasso, I isolate, K trails")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.vsplitter)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setSizes([1400 - self.side.natural_width, self.side.natural_width])
        self.setCentralWidget(self.splitter)
        self.statusBar().addPermanentWidget(self.residual)
        self.status.add_to(self.statusBar())
        self.statusBar().addWidget(self.training.progress, 1)

    def _action(self, text: str, slot: object, shortcut: str | None = None, checkable: bool = False) -> QAction:
        act = QAction(text, self)
        if shortcut:
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        act.setCheckable(checkable)
        (act.toggled if checkable else act.triggered).connect(slot)
        self.addAction(act)
        return act

    def _build_actions(self) -> None:
        files, timeline = self.files, self.timeline
        self.open_action = self._action("Open run…", files.open_run_dialog, "Ctrl+O")
        self.save_view_action = self._action("Save view…", files.save_view_dialog, "Ctrl+Shift+S")
        self.open_view_action = self._action("Open view…", files.open_view_dialog, "Ctrl+Shift+O")
        quit_action = self._action("Quit", self.close, "Ctrl+Q")
        self.reset_action = self._action("Reset camera", self.presenter.reset_camera, "R")
        self.reset_action.setToolTip("Back to the default view of the whole training (R)")
        self.fit_action = self._action("Fit", self.presenter.fit_camera, "Shift+R")
        self.fit_action.setToolTip("Frame the snapshot shown from the direction you look from (Shift+R)")
        self.follow_action = self._action("Follow the snapshot", lambda on: setattr(self.state, "follow", on),
                                          checkable=True)
        self.follow_action.setToolTip("Keep the snapshot shown framed while scrubbing, playing or training: the "
                                      "first steps fill the view as the last do (the corner note gives the real size)")
        self.roam_action = self._action("Free roam", self.controller.set_free_roam, "F", checkable=True)
        self.roam_action.setToolTip("Drag a yellow probe through the latent space and see what the decoder makes "
                                    "of each place, with the nearest test image (F; Escape leaves)")
        self.play_action = self._action("Play / pause", timeline.toggle_play, "Space")
        self.map_action = self._action("Decoder map", self._set_decoder_map, "M", checkable=True)
        self.map_action.setToolTip("Images decoded on a grid over a plane through the latent space (M)")
        self._action("Previous snapshot", lambda: timeline.step(-1), "Left")
        self._action("Next snapshot", lambda: timeline.step(+1), "Right")
        self.escape_action = self._action("Clear selection", self._on_escape, "Escape")
        self.escape_action.setToolTip("Leave box/lasso, else clear the selection and leave free roam (Escape)")
        for act in (*self.display.actions, *self.exports.actions, self.training.action):
            self.addAction(act)
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addActions([self.open_action, self.open_view_action, self.save_view_action])
        file_menu.addSeparator()
        file_menu.addActions(self.exports.actions)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addActions([self.reset_action, self.fit_action, self.follow_action, self.roam_action,
                              self.play_action, self.map_action])
        view_menu.addSeparator()
        view_menu.addActions(self.display.actions)
        self.runs_menu = RunsMenu(current=lambda: self.run.path if self.run is not None else None,
                                  leading=[self.training.action, *self.comparing.actions()], parent=self)
        self.menuBar().addMenu(self.runs_menu)
        view_menu.addAction(self.escape_action)
        help_menu = self.menuBar().addMenu("&Help")
        self.shortcuts_action = help_menu.addAction("Keyboard shortcuts", self.show_shortcuts)
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.addActions([self.open_action, self.training.action, self.reset_action, self.fit_action,
                            self.follow_action, self.roam_action, self.map_action])
        toolbar.addSeparator()
        self.display.add_to_toolbar(toolbar)
        self.addToolBar(self.group_toolbar)

    # -- what the state says, shown by the window itself -----------------------------------------

    @property
    def run(self) -> Run | None:
        """The run shown (the state's)."""
        return self.state.run

    def _on_run(self, run: Run | None) -> None:
        if run is not None:
            self.setWindowTitle(f"latent3d — {run.name}")
            self.legend.set_names(run.class_names)
            self.images.select(run.dataset_key)

    def _on_interacting(self, busy: bool) -> None:
        if busy:  # the user took the camera: no easing fights the mouse, a live training stops following
            self.easer.stop()
            self.training.user_moved_camera()

    def _set_decoder_map(self, on: bool) -> None:
        if on != (self.state.decoder_map is not None):
            self.state.toggle_decoder_map()

    def _on_hidden_classes(self, hidden: frozenset[int]) -> None:
        for cls in range(self.state.n_classes):
            self.legend.show_checked(cls, cls not in hidden)

    def _on_group_shown(self, name: str | None) -> None:
        if name is not None:  # a new selection: its panel comes to the front of the side tabs
            self.side.show_tab("Group")

    def _on_escape(self) -> None:
        if not self.group_toolbar.leave_mode():  # Escape first leaves box/lasso, then drops the pick
            self.state.clear_selection()

    def show_shortcuts(self) -> ShortcutsDialog:
        """Help → Keyboard shortcuts: every action of the window that has a key (timeline's included)."""
        dialog = ShortcutsDialog(self.findChildren(QAction), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _message(self, text: str, ms: int) -> None:
        self.statusBar().showMessage(text, ms)

    # -- settings -------------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        geometry = self.settings.value("geometry")
        if not isinstance(geometry, QByteArray) or not self.restoreGeometry(geometry):
            self.resize(1400, 900)
        for key, splitter in (("splitter", self.splitter), ("vsplitter", self.vsplitter)):
            saved = self.settings.value(key)
            if isinstance(saved, QByteArray):
                splitter.restoreState(saved)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Remember geometry and splitter, then release the VTK view."""
        if self.view.scene is None:  # already closed once
            super().closeEvent(event)
            return
        if not self.training.confirm_close():  # a training is running and the user keeps the window
            event.ignore()
            return
        self.timeline.pause()
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("splitter", self.splitter.saveState())
        self.settings.setValue("vsplitter", self.vsplitter.saveState())
        self.settings.sync()
        for part in (self.selection_view, self.filmstrip_view, self.path_view, self.neighbours_view, self.status,
                     self.display, self.neighbours, self.class_highlight, self.group_presenter, self.group_curve,
                     self.selection_tool, self.learned, self.rings, self.residual, self.compare_view, self.presenter,
                     self.learning):
            part.close()
        self.group_panel.close_panel()
        self.group_toolbar.close_toolbar()
        self.map_panel.detach()
        self.own_panel.detach()
        self.view.close()
        super().closeEvent(event)
