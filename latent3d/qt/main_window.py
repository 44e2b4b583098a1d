"""The main window: 3-D view, timeline, image panel, legend, menus, toolbar, status bar and settings."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from latent3d.data import CLASS_NAMES, DataError, load_split, resolve_data_dir
from latent3d.qt.explorer import Explorer
from latent3d.qt.image_panel import ImagePanel
from latent3d.qt.legend import ClassLegend
from latent3d.qt.live_training import LiveTraining
from latent3d.qt.runs_menu import RunsMenu
from latent3d.qt.timeline import Timeline
from latent3d.qt.view import LatentView
from latent3d.runs import Run, RunError, load_run
from latent3d.scene.cloud import CLASS_COLORS

__all__ = ["MainWindow", "default_settings"]

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
    """The user's settings store (organisation and application ``latent3d``)."""
    return QSettings("latent3d", "latent3d")


class MainWindow(QMainWindow):
    """One window on one run at a time.

    Parameters
    ----------
    data_dir : Path or None
        Where the Fashion-MNIST IDX files are (``None``: the usual resolution).
    settings : QSettings, optional
        Where geometry, splitter and last run are remembered (tests pass a temporary ini).
    """

    def __init__(self, data_dir: Path | None = None, settings: QSettings | None = None) -> None:
        super().__init__()
        self.setWindowTitle("latent3d")
        self.setStyleSheet(STYLE)
        self.settings = settings if settings is not None else default_settings()
        self.run: Run | None = None
        self.images, self.data_message = self._load_images(data_dir)
        self.view = LatentView(self)
        self.scene = self.view.scene
        self.timeline = Timeline()
        self.panel = ImagePanel()
        self.legend = ClassLegend(CLASS_NAMES, CLASS_COLORS)
        self.explore = Explorer(self)  # filmstrip, path, neighbours, colour modes, overlay, export
        self.data_dir = data_dir
        self.training = LiveTraining(self)  # Train…, progress strip, the live run (issue #5)
        self._build_layout()
        self._build_actions()
        self.view.signals.picked.connect(self._on_picked)
        self.view.signals.empty_double_clicked.connect(self._on_empty_double_clicked)
        self.view.signals.probe_moved.connect(self._on_probe_moved)
        self.timeline.position_changed.connect(self._on_epoch_changed)
        self.view.signals.interacting.connect(self._on_busy_changed)
        self.timeline.playing_changed.connect(self._on_playing_changed)
        self.legend.class_toggled.connect(self._on_class_toggled)
        self._restore_settings()

    # -- construction ---------------------------------------------------------------------------

    def _load_images(self, data_dir: Path | None) -> tuple[np.ndarray | None, str]:
        try:
            images, _labels = load_split(resolve_data_dir(data_dir), "test")
        except DataError as exc:
            return None, f"Fashion-MNIST test images not found: {exc}"
        return images, ""

    def _build_layout(self) -> None:
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.view, 1)
        lv.addWidget(self.timeline)
        lv.addWidget(self.explore.strips)
        side = QWidget()
        sv = QVBoxLayout(side)
        sv.addWidget(self.panel)
        sv.addWidget(self.explore.neighbours)
        title = QLabel("<b>Classes</b> <span style='color:#8a90a0'>(uncheck to hide)</span>")
        sv.addWidget(title)
        sv.addWidget(self.legend)
        sv.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(340)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setSizes([1000, 360])
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
        quit_action = self._action("Quit", self.close, "Ctrl+Q")
        self.reset_action = self._action("Reset camera", self.reset_camera, "R")
        self.roam_action = self._action("Free roam", self.set_free_roam, "F", checkable=True)
        self.play_action = self._action("Play / pause", self.timeline.toggle_play, "Space")
        self._action("Previous epoch", lambda: self.timeline.step(-1), "Left")
        self._action("Next epoch", lambda: self.timeline.step(+1), "Right")
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.open_action)
        file_menu.addActions(self.explore.file_actions())
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        view_menu = self.menuBar().addMenu("&View")
        for act in (self.reset_action, self.roam_action, self.play_action):
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
        for act in (self.open_action, self.training.action, self.reset_action, self.roam_action):
            toolbar.addAction(act)
        self.explore.add_to_toolbar(toolbar)

    # -- runs -----------------------------------------------------------------------------------

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
        """File → Open run…: pick a run folder."""
        start = str(self.settings.value("last_run", "") or "")
        path = QFileDialog.getExistingDirectory(self, "Open run folder", str(Path(start).parent) if start else "")
        if path:
            self.open_run(Path(path))

    def set_run(self, run: Run) -> None:
        """Show ``run`` at its last epoch, with a fresh camera and no selection."""
        self.run = run
        self.scene.set_data(run.codes, run.labels)
        self.explore.on_run(run)
        for cls in range(len(CLASS_NAMES)):
            self.scene.set_class_visible(cls, self.legend.item(cls).checkState() == Qt.CheckState.Checked)
        self.panel.clear_selection()
        self.timeline.set_epochs(run.epochs)
        self.status_run.setText(f"run <b>{html.escape(run.name)}</b> · {len(run.labels):,} test codes")
        self.settings.setValue("last_run", str(run.path))
        self.setWindowTitle(f"latent3d — {run.name}")
        if self.scene.probe_enabled:
            self.view.set_probe_enabled(False)
            self.view.set_probe_enabled(True)
        self._update_status()
        self.view.render()

    def update_run(self, run: Run, *, follow: bool = True) -> None:
        """Show ``run``, a longer version of the run shown (a training added epochs); camera, selection, probe stay.

        With ``follow`` the timeline moves to the newest epoch and the camera refits the cloud (keeping its
        direction); otherwise timeline and camera stay where they are.
        A run with other points than the one shown goes through :meth:`set_run`.
        """
        old = self.run
        if old is None or len(old.labels) != len(run.labels):
            self.set_run(run)
            return
        camera, t, playing = self.view.camera_position, self.timeline.position, self.timeline.playing
        selected, probe = self.scene.selected, self.scene.probe_position
        with self.view.one_render():
            self.set_run(run)
            self.view.camera_position = camera
            if follow:  # refit distance and focus to the grown cloud; the direction the user chose stays
                self.scene.reset_camera()
            else:
                self.timeline.set_position(min(t, run.epochs))
                if playing:
                    self.timeline.play()
            if probe is not None:
                self.scene.set_probe_position([float(v) for v in probe])
            if selected is not None:
                self.select(selected)
            self.view.render()

    @property
    def shown_epoch(self) -> int:
        """The stored epoch whose decoder and BCE are shown: the fractional epoch rounded to the nearest."""
        return int(round(self.scene.epoch))

    # -- events ---------------------------------------------------------------------------------

    def _on_epoch_changed(self, t: float) -> None:
        self.scene.set_epoch(t)
        self._update_status()
        if self.scene.selected is not None:
            self._show_selection(self.scene.selected)
        if self.scene.probe_enabled:
            pos = self.scene.probe_position
            if pos is not None:
                self._on_probe_moved(pos)
        self.explore.on_epoch_changed()
        self.view.render()

    def _on_playing_changed(self, playing: bool) -> None:
        # Playback redraws every frame: above PLAY_LOD_POINTS use the moving-camera level of detail.
        if self.scene.n_points > PLAY_LOD_POINTS:
            self.scene.set_fast(playing)
            self.view.render()
        self._on_busy_changed(playing)

    def _on_busy_changed(self, _busy: bool) -> None:
        # A training leaves a core to the window only while it draws continuously.
        self.training.controller.set_window_busy(self.scene.fast or self.timeline.playing)

    def _update_status(self) -> None:
        if self.run is None:
            return
        e = self.shown_epoch
        self.status_epoch.setText(f"epoch {self.scene.epoch:.2f} / {self.run.epochs}")
        train = f"{self.run.train_loss[e - 1]:.4f}" if e > 0 else "–"
        test = self.run.test_loss[e - 1] if e > 0 else self.run.meta.get("initial_test_loss")
        test_text = f"{test:.4f}" if isinstance(test, (int, float)) else "–"
        self.status_loss.setText(f"train loss {train} · test loss {test_text} (epoch {e})")

    def _on_picked(self, index: int) -> None:
        if self.explore.on_picked(index):  # Shift+click: the end B of a path from the selection
            return
        self.select(index)

    def select(self, index: int) -> None:
        """Select test image ``index``: highlight it and show it in the panel."""
        self.scene.set_highlight(index)
        self._show_selection(index)
        self.explore.on_selected(index)
        QTimer.singleShot(0, self.view.render)  # images first; the highlight follows on the next loop turn

    def _show_selection(self, index: int) -> None:
        assert self.run is not None
        e = self.shown_epoch
        recon = self.run.decoder(e)(self.run.codes[e, index])[0]
        original = self.images[index] if self.images is not None and index < len(self.images) else None
        self.panel.show_selection(
            index=index, class_name=CLASS_NAMES[int(self.run.labels[index])], position=self.scene.positions[index],
            epoch=e, bce=float(self.run.test_bce[e, index]), reconstruction=recon, original=original,
            missing=self.data_message)

    def _on_class_toggled(self, cls: int, visible: bool) -> None:
        self.scene.set_class_visible(cls, visible)
        self.view.render()

    def set_free_roam(self, on: bool) -> None:
        """Show or hide the probe (free roam)."""
        if self.roam_action.isChecked() != on:
            self.roam_action.setChecked(on)  # re-enters through toggled
            return
        self.panel.set_probe_visible(on)
        self.view.set_probe_enabled(on)

    def _on_empty_double_clicked(self, x: float, y: float) -> None:
        if self.scene.probe_enabled:
            self.scene.set_probe_position(self.scene.focal_plane_point(x, y))
            self.view.render()

    def nearest(self, position: np.ndarray) -> tuple[int, float]:
        """Index of and distance to the test code nearest ``position`` at the stored epoch shown."""
        assert self.explore.index is not None
        idx, dist = self.explore.index.query(self.shown_epoch, position, 1)
        return int(idx[0]), float(dist[0])

    def _on_probe_moved(self, position: np.ndarray) -> None:
        if self.run is None:
            return
        e = self.shown_epoch
        dec = self.run.decoder(e)
        idx, dist = self.nearest(position)
        nearest_image = self.images[idx] if self.images is not None and idx < len(self.images) else None
        self.panel.show_probe(
            position=position, epoch=e, decoded=dec(position)[0], nearest=idx,
            nearest_class=CLASS_NAMES[int(self.run.labels[idx])], distance=dist, nearest_image=nearest_image,
            nearest_reconstruction=dec(self.run.codes[e, idx])[0])
        self.explore.on_probe_moved(position)

    def reset_camera(self) -> None:
        """Frame the whole cloud again."""
        self.scene.reset_camera()
        self.view.render()

    # -- settings -------------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        geometry = self.settings.value("geometry")
        if isinstance(geometry, QByteArray) and not self.restoreGeometry(geometry):
            self.resize(1400, 900)
        elif not isinstance(geometry, QByteArray):
            self.resize(1400, 900)
        splitter = self.settings.value("splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)

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
        self.settings.sync()
        self.explore.close()
        self.view.close()
        super().closeEvent(event)
