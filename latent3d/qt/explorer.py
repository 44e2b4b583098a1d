"""Wires the exploring tools into the main window: filmstrip, A→B path, neighbours, colour modes, overlay, export."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QToolBar, QVBoxLayout, QWidget

from latent3d.analysis.explore import (
    COLOUR_MODES,
    NeighbourIndex,
    colour_range,
    colour_values,
    filmstrip,
    lerp,
    path_decodes,
)
from latent3d.data import CLASS_NAMES
from latent3d.qt.explore_panel import FilmstripBox, NeighboursBox, PathBox
from latent3d.qt.export import MovieExport, ask_screenshot
from latent3d.runs import Run
from latent3d.scene.overlays import ColourModes, PathOverlay, TrainOverlay

if TYPE_CHECKING:
    from latent3d.qt.main_window import MainWindow

__all__ = ["Explorer"]

COLOUR_LABELS = {"class": "Colour by class", "error": "Colour by reconstruction error",
                 "movement": "Colour by movement since the previous epoch"}
COLOUR_SHORT = {"class": "class", "error": "reconstruction error", "movement": "movement"}
VERDICT_COLOURS = {"inside the data": "#7ccf7c", "at the edge": "#ffcc33", "far outside": "#ff6b6b"}


class Explorer:
    """The exploring tools of one main window; the window calls its ``on_*`` hooks from its own handlers.

    Parameters
    ----------
    window : MainWindow
        Its ``view``, ``scene``, ``timeline``, ``images`` and ``select`` are used; nothing else.
    """

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        plotter = window.scene.plotter
        self.path_overlay = PathOverlay(plotter)
        self.colours = ColourModes(window.scene)
        self.train_overlay = TrainOverlay(plotter)
        self.filmstrip = FilmstripBox()
        self.path = PathBox()
        self.neighbours = NeighboursBox()
        self.strips = QWidget()
        strips = QVBoxLayout(self.strips)
        strips.setContentsMargins(4, 0, 4, 2)
        strips.addWidget(self.filmstrip)
        strips.addWidget(self.path)
        self.movie = MovieExport(window.view, window.timeline)
        self.run: Run | None = None
        self.index: NeighbourIndex | None = None
        self.mode = "class"
        self.ends: tuple[int, int] | None = None
        self.t = 0.5
        self._probe: np.ndarray | None = None  # the neighbours follow the probe while it moves
        self._frames: tuple[int, np.ndarray] | None = None
        self._shown: tuple[object, ...] | None = None
        self._coloured: tuple[object, ...] | None = None
        self.neighbour_ids = np.zeros(0, np.int64)
        self.colour_box: QComboBox | None = None
        self._build_actions()
        self.filmstrip.grid.clicked.connect(self._on_frame_clicked)
        self.path.grid.scrubbed.connect(self._on_path_scrubbed)
        self.path.steps.valueChanged.connect(self._on_steps_changed)
        self.path.clear_button.clicked.connect(self.clear_path)
        self.neighbours.grid.clicked.connect(self._on_neighbour_clicked)
        self.neighbours.k.valueChanged.connect(lambda _k: self._update_neighbours())

    def _build_actions(self) -> None:
        w = self.window
        self.screenshot_action = QAction("Save screenshot…", w)
        self.screenshot_action.setShortcut(QKeySequence("Ctrl+S"))
        self.screenshot_action.triggered.connect(lambda: ask_screenshot(w, w.view))
        self.movie_action = QAction("Export timeline movie…", w)
        self.movie_action.setShortcut(QKeySequence("Ctrl+E"))
        self.movie_action.triggered.connect(lambda: self.movie.ask(w))
        self.colour_group = QActionGroup(w)
        self.colour_actions: dict[str, QAction] = {}
        for key, mode in zip(("Ctrl+1", "Ctrl+2", "Ctrl+3"), COLOUR_LABELS):
            act = QAction(COLOUR_LABELS[mode], w, checkable=True)
            act.setShortcut(QKeySequence(key))
            act.setChecked(mode == "class")
            act.triggered.connect(lambda _on=False, m=mode: self.set_colour_mode(m))
            self.colour_group.addAction(act)
            self.colour_actions[mode] = act
        self.train_action = QAction("Training set", w, checkable=True)
        self.train_action.setShortcut(QKeySequence("T"))
        self.train_action.setToolTip("Add the 60,000 training images' codes at the final epoch (T)")
        self.train_action.toggled.connect(self.set_train_overlay)
        for act in (self.screenshot_action, self.movie_action, self.train_action, *self.colour_actions.values()):
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            w.addAction(act)

    def file_actions(self) -> list[QAction]:
        """For the File menu."""
        return [self.screenshot_action, self.movie_action]

    def add_to_toolbar(self, toolbar: QToolBar) -> None:
        """A colour-mode chooser and the overlay toggle, after the window's own buttons."""
        toolbar.addSeparator()
        self.colour_box = QComboBox()
        for mode in COLOUR_MODES:
            self.colour_box.addItem(COLOUR_SHORT[mode], mode)
        self.colour_box.setToolTip("Colour the points by class, reconstruction error (BCE) at the epoch shown, "
                                   "or distance moved since the previous epoch (Ctrl+1/2/3)")
        self.colour_box.currentIndexChanged.connect(lambda i: self.set_colour_mode(COLOUR_MODES[i]))
        toolbar.addWidget(QLabel(" Colour: "))
        toolbar.addWidget(self.colour_box)
        toolbar.addAction(self.train_action)

    def view_actions(self) -> list[QAction]:
        """For the View menu (the colour modes are exclusive)."""
        return [*self.colour_actions.values(), self.train_action]

    # -- hooks called by the window -------------------------------------------------------------

    def on_run(self, run: Run) -> None:
        """A new run is shown: rebuild indexes and overlays, drop the path."""
        self.run = run
        self.index = NeighbourIndex(run.codes)
        self._frames = None
        self._probe = None
        self.ends = None
        self.path_overlay.set_visible(False)
        self.path.clear()
        self.filmstrip.clear()
        self.neighbours.clear()
        self.train_overlay.set_data(run.train_codes, run.train_labels)
        has_train = run.train_codes is not None
        self.train_action.setEnabled(has_train)
        self.train_action.setToolTip("Add the training images' codes at the final epoch (T)" if has_train
                                     else "This run stores no training codes.")
        self.train_overlay.set_visible(has_train and self.train_action.isChecked())
        self._shown = None
        self._apply_colours()

    def on_picked(self, index: int) -> bool:
        """A click picked ``index``: with Shift held and a selection, it ends the path A→B (returns True)."""
        view = self.window.view
        shift = bool(view.iren.interactor.GetShiftKey()) or bool(
            QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier)
        a = self.window.scene.selected
        if not shift or a is None or a == index:
            return False
        self.set_path(a, index)
        self.window.view.render()
        return True

    def on_selected(self, index: int) -> None:
        """Test image ``index`` was selected: its filmstrip and neighbours."""
        self._probe = None
        self._update_filmstrip(index)
        self._update_neighbours()

    def on_epoch_changed(self) -> None:
        """The epoch moved: follow it with the path, the framed frame, colours and neighbours (no render)."""
        if self.run is None:
            return
        e = self.window.shown_epoch
        self.filmstrip.grid.set_current(e)
        if self.ends is not None:
            self._update_path(full=self._shown != self._path_key())
        self._apply_colours()
        if self._probe is None:
            self._update_neighbours()

    def on_probe_moved(self, position: np.ndarray) -> None:
        """The free-roam probe moved: neighbours of the probe and the off-manifold cue."""
        self._probe = np.asarray(position, np.float32)
        self._update_neighbours()

    # -- filmstrip ------------------------------------------------------------------------------

    def _update_filmstrip(self, index: int) -> None:
        assert self.run is not None
        if self._frames is None or self._frames[0] != index:
            self._frames = (index, filmstrip(self.run.decoder, self.run.codes, index))
        self.filmstrip.show_frames(self._frames[1], self.window.shown_epoch)

    def _on_frame_clicked(self, epoch: int) -> None:
        self.window.timeline.pause()
        self.window.timeline.set_position(float(epoch))

    # -- path -----------------------------------------------------------------------------------

    def set_path(self, a: int, b: int) -> None:
        """Draw the straight path from test code ``a`` to ``b`` and decode it."""
        self.ends = (a, b)
        self.t = 0.5
        self._update_path(full=True)
        self.path_overlay.set_visible(True)

    def clear_path(self) -> None:
        """Remove the path."""
        self.ends = None
        self.path_overlay.set_visible(False)
        self.path.clear()
        self.window.view.render()

    def _path_key(self) -> tuple[object, ...]:
        return (self.ends, self.path.steps.value(), self.window.shown_epoch)

    def _update_path(self, *, full: bool) -> None:
        assert self.run is not None and self.ends is not None
        a, b = self.ends
        pos = self.window.scene.positions
        self.path_overlay.set_ends(pos[a], pos[b])
        self.path_overlay.set_marker(self.t)
        e = self.window.shown_epoch
        if full:
            _codes, images = path_decodes(self.run.decoder(e), self.run.codes[e, a], self.run.codes[e, b],
                                          self.path.steps.value())
            labels = self.run.labels
            name = lambda i: f"#{i} {CLASS_NAMES[int(labels[i])]}"  # noqa: E731
            self.path.show_path(images, f"<span style='color:#40e0ff'>A</span> {name(a)} → "
                                        f"<span style='color:#ff50c8'>B</span> {name(b)} · epoch {e}")
            self._shown = self._path_key()
        self._show_path_decode()

    def _show_path_decode(self) -> None:
        assert self.run is not None and self.ends is not None
        e = self.window.shown_epoch
        a, b = self.ends
        z = lerp(self.run.codes[e, a], self.run.codes[e, b], self.t)
        self.path.show_decode(self.run.decoder(e)(z)[0], self.t)

    def _on_path_scrubbed(self, t: float) -> None:
        if self.ends is None:
            return
        self.t = t
        self.path_overlay.set_marker(t)
        self._show_path_decode()
        self.window.view.render()

    def _on_steps_changed(self, _n: int) -> None:
        if self.ends is not None:
            self._update_path(full=True)

    # -- neighbours -----------------------------------------------------------------------------

    def _update_neighbours(self) -> None:
        w = self.window
        if self.run is None or self.index is None:
            return
        e = w.shown_epoch
        probe = self._probe if w.scene.probe_enabled else None
        k = self.neighbours.k.value()
        if probe is not None:
            idx, dist = self.index.query(e, probe, k)
            cue = self.index.probe_cue(e, probe)
            colour = VERDICT_COLOURS[cue.verdict]
            self.neighbours.show_cue(
                f"nearest code <b>{cue.distance:.3f}</b> away ({cue.distance / max(cue.spacing, 1e-12):.1f}× the "
                f"typical spacing {cue.spacing:.3f}) · local density <b>{cue.relative_density:.2g}×</b> the data's "
                f"→ <b style='color:{colour}'>{cue.verdict}</b>")
            source = f"Nearest to the probe (epoch {e})"
        elif w.scene.selected is not None:
            sel = int(w.scene.selected)
            idx, dist = self.index.query(e, self.run.codes[e, sel], k, exclude=sel)
            self.neighbours.show_cue(None)
            source = f"Nearest to #{sel} (epoch {e})"
        else:
            self.neighbours.clear()
            return
        self.neighbour_ids = idx
        if w.images is not None:
            images = [w.images[i] for i in idx]
        else:
            images = list(self.run.decoder(e)(self.run.codes[e, idx]))
        captions = [f"#{i} {CLASS_NAMES[int(self.run.labels[i])]}\nd = {d:.3f}" for i, d in zip(idx, dist)]
        self.neighbours.show_neighbours(source, images, captions)

    def _on_neighbour_clicked(self, i: int) -> None:
        self.window.select(int(self.neighbour_ids[i]))

    # -- colours and overlay --------------------------------------------------------------------

    def set_colour_mode(self, mode: str) -> None:
        """Colour points by ``"class"``, ``"error"`` (BCE at the epoch shown) or ``"movement"``."""
        self.mode = mode
        self.colour_actions[mode].setChecked(True)
        if self.colour_box is not None and self.colour_box.currentData() != mode:
            self.colour_box.setCurrentIndex(COLOUR_MODES.index(mode))  # re-enters once, then returns here
        self._apply_colours()
        self.window.view.render()

    def _apply_colours(self) -> None:
        if self.run is None:
            return
        e = self.window.shown_epoch
        if self._coloured == (self.mode, e, id(self.run), id(self.colours.scene._cloud)):
            return  # unchanged: playback between two stored epochs keeps the colours
        self._coloured = (self.mode, e, id(self.run), id(self.colours.scene._cloud))
        values = colour_values(self.mode, e, self.run.codes, self.run.test_bce)
        if values is None:
            self.colours.show_classes(self.run.labels)
            return
        title = f"BCE, epoch {e}" if self.mode == "error" else (f"moved {e - 1} to {e}" if e else "moved (epoch 0)")
        self.colours.show_values(values, *colour_range(values), title=title)

    def set_train_overlay(self, on: bool) -> None:
        """Show or hide the training images' final-epoch codes."""
        if self.train_action.isChecked() != on:
            self.train_action.setChecked(on)
            return
        self.train_overlay.set_visible(on)
        if on and self.run is not None and self.window.shown_epoch != self.run.epochs:
            self.window.statusBar().showMessage("The training codes are those of the final epoch.", 4000)
        self.window.view.render()

    def close(self) -> None:
        """Remove the extra actors (before the view closes)."""
        self.path_overlay.close()
        self.colours.close()
        self.train_overlay.close()
