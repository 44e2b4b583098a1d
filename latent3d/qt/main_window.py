"""The main window: 3-D view, timeline, image panel, legend, menus, toolbar, status bar and settings."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from latent3d.data.datasets import CLASS_NAMES, DataError, load_split, resolve_data_dir
from latent3d.qt.dialog_dirs import start_folder
from latent3d.qt.explorer import Explorer
from latent3d.qt.image_panel import ImagePanel
from latent3d.qt.legend import ClassLegend
from latent3d.qt.live_training import LiveTraining
from latent3d.qt.loss_panel import LossPanel
from latent3d.qt.runs_menu import RunsMenu
from latent3d.qt.settings_file import open_settings
from latent3d.qt.timeline import Timeline
from latent3d.qt.view import LatentView
from latent3d.runs import Run, RunError, load_run
from latent3d.scene.cloud import CLASS_COLORS
from latent3d.scene.presenter import ScenePresenter
from latent3d.state.view_apply import apply_spec, check_spec, load_view_run, spec_from_state, spec_names_run
from latent3d.state.view_file import ViewFileError, ViewSpec, load_view, save_view
from latent3d.state.viewer_state import ViewerState, connect_handlers

__all__ = ["MainWindow", "default_settings"]

BOTTOM_HEIGHT = 130  # loss curves / filmstrip / path tabs under the timeline, at start
PLAY_LOD_POINTS = 30_000  # full-quality spheres take ~80 ms a frame at 70k points on software GL

STYLE = """
QMainWindow, QWidget { background:#262a31; color:#d7dae0; }
QGroupBox { border:1px solid #3a3f4b; border-radius:4px; margin-top:14px; padding-top:6px; font-weight:bold; }
QGroupBox::title { subcontrol-origin: margin; left:8px; padding:0 4px; }
QListWidget { background:#1e2127; border:1px solid #3a3f4b; }
QToolBar { border:none; spacing:6px; } QStatusBar { background:#1e2127; }
QSlider::groove:horizontal { height:6px; background:#3a3f4b; border-radius:3px; }
QSlider::handle:horizontal { width:14px; margin:-5px 0; background:#ffcc33; border-radius:7px; }
"""


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
    Controllers (clicks, keys, the timeline, the legend, menus) change ``self.state``; the scene
    (through :class:`ScenePresenter`), the panels and the status bar subscribe to its events and
    only display. Renders are requested and coalesced into one per event-loop turn.
    """

    def __init__(self, data_dir: Path | None = None, settings: QSettings | None = None) -> None:
        super().__init__()
        self.setWindowTitle("latent3d")
        self.setStyleSheet(STYLE)
        self.settings = settings if settings is not None else default_settings()
        self.state = ViewerState()
        self.images, self.data_message = self._load_images(data_dir)
        self.view = LatentView(self)
        self.scene = self.view.scene
        self.presenter = ScenePresenter(self.state, self.scene, self.view.request_render)
        self.timeline = Timeline(self.state)
        self.panel = ImagePanel()
        self.legend = ClassLegend(CLASS_NAMES, CLASS_COLORS)
        self.explore = Explorer(self)  # filmstrip, path, neighbours, colour modes, overlay, export
        self.loss_panel = LossPanel(self.state)
        self.data_dir = data_dir
        self.training = LiveTraining(self)  # Train…, progress strip, the live run
        self._build_layout()
        self._build_actions()
        self.view.signals.picked.connect(self._on_picked)
        self.view.signals.empty_double_clicked.connect(self._on_empty_double_clicked)
        self.view.signals.probe_moved.connect(self._on_probe_dragged)
        self.view.signals.interacting.connect(self._on_busy_changed)
        self.timeline.playing_changed.connect(self._on_playing_changed)
        self.legend.class_toggled.connect(self.state.set_class_visible)
        self._disconnect = connect_handlers(self.state.events, self)
        self._restore_settings()

    # -- construction ---------------------------------------------------------------------------

    def _load_images(self, data_dir: Path | None) -> tuple[np.ndarray | None, str]:
        try:
            images, _labels = load_split(resolve_data_dir(data_dir), "test")
        except DataError as exc:
            return None, f"Fashion-MNIST test images not found: {exc}"
        return images, ""

    def _build_layout(self) -> None:
        upper = QWidget()
        uv = QVBoxLayout(upper)
        uv.setContentsMargins(0, 0, 0, 0)
        uv.addWidget(self.view, 1)
        uv.addWidget(self.timeline)
        self.bottom_tabs = QTabWidget()
        self.bottom_tabs.setDocumentMode(True)
        self.bottom_tabs.addTab(self.loss_panel, "Loss curves")
        for box, name in ((self.explore.filmstrip, "Reconstruction across snapshots"), (self.explore.path, "Path A→B")):
            box.setTitle("")  # the tab names it: the group box's own title would only take a line
            box.setStyleSheet("QGroupBox { border: none; margin-top: 0px; padding-top: 0px; }")
            self.bottom_tabs.addTab(box, name)
        self.bottom_tabs.setMinimumHeight(90)
        # The 3-D view gets the room; the tabs under it start small and can be dragged taller.
        self.vsplitter = QSplitter(Qt.Orientation.Vertical)
        self.vsplitter.addWidget(upper)
        self.vsplitter.addWidget(self.bottom_tabs)
        self.vsplitter.setStretchFactor(0, 1)
        self.vsplitter.setStretchFactor(1, 0)
        self.vsplitter.setSizes([1000, BOTTOM_HEIGHT])
        side = QWidget()
        sv = QVBoxLayout(side)
        sv.addWidget(self.panel)
        title = QLabel("<b>Classes</b> <span style='color:#8a90a0'>(uncheck to hide)</span>")
        sv.addWidget(title)
        sv.addWidget(self.legend)  # above the neighbours: free roam's probe panel must not push it out of sight
        sv.addWidget(self.explore.neighbours)
        sv.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # As wide as the side panel's content plus a vertical scroll bar: nothing is cut at the right edge.
        side_width = side.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 4
        scroll.setMinimumWidth(side_width)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.vsplitter)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setSizes([1400 - side_width, side_width])
        self.setCentralWidget(self.splitter)
        self.status_run, self.status_epoch, self.status_loss = QLabel(), QLabel(), QLabel()
        for w in (self.status_run, self.status_epoch, self.status_loss):
            self.statusBar().addPermanentWidget(w)
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
        self.open_action = self._action("Open run…", self.open_run_dialog, "Ctrl+O")
        self.save_view_action = self._action("Save view…", self.save_view_dialog, "Ctrl+Shift+S")
        self.open_view_action = self._action("Open view…", self.open_view_dialog, "Ctrl+Shift+O")
        quit_action = self._action("Quit", self.close, "Ctrl+Q")
        self.reset_action = self._action("Reset camera", self.reset_camera, "R")
        self.reset_action.setToolTip("Back to the default view of the whole training (R)")
        self.fit_action = self._action("Fit", self.fit_camera, "Shift+R")
        self.fit_action.setToolTip("Frame the whole training from the direction you look from (Shift+R)")
        self.roam_action = self._action("Free roam", self.set_free_roam, "F", checkable=True)
        self.play_action = self._action("Play / pause", self.timeline.toggle_play, "Space")
        self._action("Previous snapshot", lambda: self.timeline.step(-1), "Left")
        self._action("Next snapshot", lambda: self.timeline.step(+1), "Right")
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.open_action)
        file_menu.addActions([self.open_view_action, self.save_view_action])
        file_menu.addSeparator()
        file_menu.addActions(self.explore.file_actions())
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        view_menu = self.menuBar().addMenu("&View")
        for act in (self.reset_action, self.fit_action, self.roam_action, self.play_action):
            view_menu.addAction(act)
        view_menu.addSeparator()
        view_menu.addActions(self.explore.view_actions())
        self.addAction(self.training.action)
        self.runs_menu = RunsMenu(current=lambda: self.run.path if self.run is not None else None,
                                  leading=[self.training.action], parent=self)
        self.runs_menu.run_chosen.connect(self.open_run)
        self.menuBar().addMenu(self.runs_menu)
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        for act in (self.open_action, self.training.action, self.reset_action, self.fit_action, self.roam_action):
            toolbar.addAction(act)
        self.explore.add_to_toolbar(toolbar)

    # -- runs -----------------------------------------------------------------------------------

    @property
    def run(self) -> Run | None:
        """The run shown (the state's)."""
        return self.state.run

    def open_run(self, path: Path) -> bool:
        """Load the run at ``path``; on failure show the error and keep the current view."""
        try:
            run = load_run(path)
        except RunError as exc:
            QMessageBox.critical(self, "Cannot open run", str(exc))
            return False
        self.set_run(run)
        return True

    def open_run_dialog(self) -> None:
        """File → Open run…: pick a run folder (starting beside the last run opened, else in the runs folder)."""
        start = str(self.settings.value("last_run", "") or "")
        folder = start_folder(Path(start).parent if start else None)
        path = QFileDialog.getExistingDirectory(self, "Open run folder", str(folder))
        if path:
            self.open_run(Path(path))

    def set_run(self, run: Run) -> None:
        """Show ``run`` at its last snapshot, with a fresh camera and no selection."""
        with self.view.one_render():
            if self.state.run is not None and self.state.run.path == run.path:
                self.state.set_run(None)  # the same folder reopened: start afresh, as for another run
            self.state.set_run(run, position=None)
            self.scene.reset_camera()
            self.presenter.sync_camera()
        self.settings.setValue("last_run", str(run.path))

    def update_run(self, run: Run, *, follow: bool = True) -> None:
        """Show ``run``, a longer version of the run shown (a training added snapshots).

        Camera direction, selection, path and probe stay (the state's rule for a run that grew).
        With ``follow`` the timeline moves to the newest snapshot and the camera refits the cloud,
        keeping its direction; otherwise timeline and camera stay where they are.
        """
        old = self.state.run
        if old is None or len(old.labels) != len(run.labels):
            self.set_run(run)
            return
        playing = self.timeline.playing
        with self.view.one_render():
            self.state.set_run(run, position=float(len(run.codes) - 1) if follow else None)
            if follow:  # refit distance and focus to the grown cloud; the direction the user chose stays
                self.scene.fit_camera()
                self.presenter.sync_camera()
            elif playing:
                self.timeline.play()

    @property
    def shown_epoch(self) -> int:
        """The stored snapshot whose decoder and BCE are shown (the position rounded to the nearest)."""
        return self.state.snapshot

    # -- what the state says, displayed ----------------------------------------------------------

    def _on_run(self, run: Run | None) -> None:
        if run is None:
            self.panel.clear_selection()
            return
        self.status_run.setText(f"run <b>{html.escape(run.name)}</b> · {len(run.labels):,} test codes")
        self.setWindowTitle(f"latent3d — {run.name}")
        if self.state.selected is None:
            self.panel.clear_selection()

    def _on_position(self, _u: float) -> None:
        self._update_status()
        if self.state.selected is not None:
            self._show_selection(self.state.selected)
        if self.state.probe is not None:
            self._show_probe(np.asarray(self.state.probe, np.float32))

    def _on_selected(self, index: int | None) -> None:
        if index is None:
            self.panel.clear_selection()
        else:
            self._show_selection(index)

    def _on_probe(self, position: tuple[float, float, float] | None) -> None:
        on = position is not None
        if self.roam_action.isChecked() != on:
            self.roam_action.blockSignals(True)
            self.roam_action.setChecked(on)
            self.roam_action.blockSignals(False)
        self.panel.set_probe_visible(on)
        self.view.show_probe(position)
        if position is not None:
            self._show_probe(np.asarray(position, np.float32))

    def _on_hidden_classes(self, hidden: frozenset[int]) -> None:
        for cls in range(len(CLASS_NAMES)):
            self.legend.show_checked(cls, cls not in hidden)

    def _update_status(self) -> None:
        run, time = self.state.run, self.state.time
        if run is None or time is None:
            return
        s = self.state.snapshot
        self.status_epoch.setText(f"{time.caption(self.state.position)} / {self.timeline.planned_epochs}")
        e = int(round(time.epoch_at(s)))
        at_epoch_end = abs(time.epoch_at(s) - e) < 1e-9
        train = f"{run.train_loss[e - 1]:.4f}" if at_epoch_end and 0 < e <= len(run.train_loss) else "–"
        test = float(run.snapshot_test_loss[s])
        self.status_loss.setText(f"train loss {train} · test loss {test:.4f} (step {time.steps[s]:,.0f})")

    def _show_selection(self, index: int) -> None:
        run, time = self.state.run, self.state.time
        assert run is not None and time is not None
        s = self.state.snapshot
        recon = run.decoder(s)(run.codes[s, index])[0]
        original = self.images[index] if self.images is not None and index < len(self.images) else None
        self.panel.show_selection(
            index=index, class_name=CLASS_NAMES[int(run.labels[index])], position=self.scene.positions[index],
            at=f"step {time.steps[s]:,.0f}", bce=float(run.test_bce[s, index]), reconstruction=recon,
            original=original, missing=self.data_message)

    def _show_probe(self, position: np.ndarray) -> None:
        run, time = self.state.run, self.state.time
        if run is None or time is None:
            return
        s = self.state.snapshot
        dec = run.decoder(s)
        idx, dist = self.nearest(position)
        nearest_image = self.images[idx] if self.images is not None and idx < len(self.images) else None
        self.panel.show_probe(
            position=position, at=f"step {time.steps[s]:,.0f}", decoded=dec(position)[0], nearest=idx,
            nearest_class=CLASS_NAMES[int(run.labels[idx])], distance=dist, nearest_image=nearest_image,
            nearest_reconstruction=dec(run.codes[s, idx])[0])

    # -- controllers: what the user did, written to the state -----------------------------------

    def _on_picked(self, index: int) -> None:
        if self.explore.on_picked(index):  # Shift+click: the end B of a path from the selection
            return
        self.select(index)

    def select(self, index: int) -> None:
        """Select test image ``index`` (highlight, images, filmstrip, neighbours follow the state)."""
        self.state.selected = index

    def set_free_roam(self, on: bool) -> None:
        """Free roam on (the probe appears where it can be seen) or off."""
        if not on:
            self.state.probe = None
        elif self.state.probe is None and self.state.run is not None:
            self.state.probe = self.scene.probe_start()

    def _on_probe_dragged(self, position: np.ndarray) -> None:
        if self.state.probe is not None:
            self.state.probe = position

    def _on_empty_double_clicked(self, x: float, y: float) -> None:
        if self.state.probe is not None:
            self.state.probe = self.scene.focal_plane_point(x, y)

    def _on_playing_changed(self, playing: bool) -> None:
        # Playback redraws every frame: above PLAY_LOD_POINTS use the moving-camera level of detail.
        if self.scene.n_points > PLAY_LOD_POINTS:
            self.scene.set_fast(playing)
            self.view.request_render()
        self._on_busy_changed(playing)

    def _on_busy_changed(self, busy: bool) -> None:
        if not busy:
            self.presenter.sync_camera()  # the camera settled: the state learns where it is
        # A training leaves a core to the window only while it draws continuously.
        self.training.controller.set_window_busy(self.scene.fast or self.timeline.playing)

    def nearest(self, position: np.ndarray) -> tuple[int, float]:
        """Index of and distance to the test code nearest ``position`` at the snapshot shown."""
        assert self.explore.index is not None
        idx, dist = self.explore.index.query(self.state.snapshot, position, 1)
        return int(idx[0]), float(dist[0])

    def reset_camera(self) -> None:
        """Back to the default view, framing every snapshot."""
        self.scene.reset_camera()
        self.presenter.sync_camera()
        self.view.request_render()

    def fit_camera(self) -> None:
        """Frame every snapshot again, looking from the same direction."""
        self.scene.fit_camera()
        self.presenter.sync_camera()
        self.view.request_render()

    # -- view files -----------------------------------------------------------------------------

    def save_view_dialog(self) -> None:
        """File → Save view…: write what the window shows to a JSON view file."""
        if self.state.run is None:
            return
        start = str(self.settings.value("last_view_dir", "") or "")
        name, _ = QFileDialog.getSaveFileName(self, "Save view", str(Path(start) / "view.json") if start
                                              else "view.json", "View files (*.json)")
        if name:
            self.save_view(Path(name))

    def save_view(self, path: Path) -> bool:
        """Write the current view to ``path``; an error becomes a dialog."""
        self.presenter.sync_camera()
        try:
            save_view(spec_from_state(self.state), path)
        except ViewFileError as exc:
            QMessageBox.critical(self, "Cannot save view", str(exc))
            return False
        self.settings.setValue("last_view_dir", str(path.parent))
        self.statusBar().showMessage(f"Saved view {path.name}.", 5000)
        return True

    def open_view_dialog(self) -> None:
        """File → Open view…: show what a view file describes."""
        start = str(self.settings.value("last_view_dir", "") or "")
        name, _ = QFileDialog.getOpenFileName(self, "Open view", start, "View files (*.json);;All files (*)")
        if name:
            self.open_view(Path(name))

    def open_view(self, path: Path) -> bool:
        """Show the view file at ``path``; any problem is one dialog and the current view stays."""
        try:
            spec = load_view(path)
            current = self.state.run
            run = current if current is not None and spec_names_run(spec, current, path) else load_view_run(spec, path)
            check_spec(spec, run, path)
        except ViewFileError as exc:
            QMessageBox.critical(self, "Cannot open view", str(exc))
            return False
        with self.view.one_render():
            if run is not self.state.run:
                self.set_run(run)
            self.apply_view(spec)
        self.settings.setValue("last_view_dir", str(path.parent))
        return True

    def apply_view(self, spec: ViewSpec) -> None:
        """Show ``spec`` on the run shown (checked against it beforehand)."""
        self.timeline.pause()
        apply_spec(self.state, spec)
        self.view.request_render()

    # -- settings -------------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        geometry = self.settings.value("geometry")
        if isinstance(geometry, QByteArray) and not self.restoreGeometry(geometry):
            self.resize(1400, 900)
        elif not isinstance(geometry, QByteArray):
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
        self._disconnect()
        self.explore.close()
        self.presenter.close()
        self.view.close()
        super().closeEvent(event)
