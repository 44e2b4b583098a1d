"""Wires the exploring tools into the main window: filmstrip, A→B path, neighbours, colour modes, overlay, export."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QToolBar

from latent3d.analysis.explore import COLOUR_MODES, NeighbourIndex, filmstrip, lerp, path_decodes
from latent3d.data.datasets import CLASS_NAMES
from latent3d.qt.explore_panel import FILMSTRIP_FRAMES, FilmstripBox, NeighboursBox, PathBox
from latent3d.qt.export import MovieExport, ask_screenshot
from latent3d.runs import Run
from latent3d.scene.overlays import ColourModes, PathOverlay, TrainOverlay
from latent3d.state.viewer_state import PathState, connect_handlers

if TYPE_CHECKING:
    from latent3d.qt.main_window import MainWindow

__all__ = ["Explorer"]

COLOUR_LABELS = {"class": "Colour by class", "error": "Colour by reconstruction error",
                 "movement": "Colour by movement since the previous snapshot"}
COLOUR_SHORT = {"class": "class", "error": "reconstruction error", "movement": "movement"}
VERDICT_COLOURS = {"inside the data": "#7ccf7c", "at the edge": "#ffcc33", "far outside": "#ff6b6b"}


class Explorer:
    """The exploring tools of one main window, each a view of the window's :class:`ViewerState`.

    Parameters
    ----------
    window : MainWindow
        Its ``state``, ``view``, ``presenter``, ``timeline`` and ``images`` are used; nothing else.
    """

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.state = window.state
        self.filmstrip = FilmstripBox()
        self.path = PathBox()
        self.neighbours = NeighboursBox()
        self.movie = MovieExport(window.view, window.timeline)
        self.index: NeighbourIndex | None = None
        self._frames: tuple[int, int, np.ndarray] | None = None
        self._shown: tuple[object, ...] | None = None
        self.neighbour_ids = np.zeros(0, np.int64)
        self.colour_box: QComboBox | None = None
        self._build_actions()
        self.filmstrip.grid.clicked.connect(self._on_frame_clicked)
        self.path.grid.scrubbed.connect(self.state.set_path_t)
        self.path.steps.valueChanged.connect(self.state.set_path_samples)
        self.path.clear_button.clicked.connect(self.clear_path)
        self.neighbours.grid.clicked.connect(self._on_neighbour_clicked)
        self.neighbours.k.valueChanged.connect(lambda _k: self._update_neighbours())
        self._disconnect = connect_handlers(self.state.events, self)

    @property
    def path_overlay(self) -> PathOverlay:
        """The 3-D path (drawn by the window's scene presenter)."""
        return self.window.presenter.path_overlay

    @property
    def colours(self) -> ColourModes:
        """The scene's colour modes (drawn by the presenter)."""
        return self.window.presenter.colours

    @property
    def train_overlay(self) -> TrainOverlay:
        """The training-set overlay (drawn by the presenter)."""
        return self.window.presenter.train_overlay

    @property
    def run(self) -> Run | None:
        """The run shown."""
        return self.state.run

    @property
    def mode(self) -> str:
        """The colour mode shown."""
        return self.state.color

    @property
    def ends(self) -> tuple[int, int] | None:
        """Path ends (A, B), or None."""
        p = self.state.path
        return None if p is None else (p.a, p.b)

    @property
    def t(self) -> float:
        """The path marker's fraction."""
        return 0.5 if self.state.path is None else self.state.path.t

    def _build_actions(self) -> None:
        w = self.window
        self.screenshot_action = QAction("Save screenshot…", w)
        self.screenshot_action.setShortcut(QKeySequence("Ctrl+S"))
        self.screenshot_action.triggered.connect(self._ask_screenshot)
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
        self.train_action.triggered.connect(self.set_train_overlay)
        for act in (self.screenshot_action, self.movie_action, self.train_action, *self.colour_actions.values()):
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            w.addAction(act)

    def _ask_screenshot(self) -> None:
        self.window.presenter.sync_camera()
        ask_screenshot(self.window, self.window.view, self.state)

    def file_actions(self) -> list[QAction]:
        """For the File menu."""
        return [self.screenshot_action, self.movie_action]

    def add_to_toolbar(self, toolbar: QToolBar) -> None:
        """A colour-mode chooser and the overlay toggle, after the window's own buttons."""
        toolbar.addSeparator()
        self.colour_box = QComboBox()
        for mode in COLOUR_MODES:
            self.colour_box.addItem(COLOUR_SHORT[mode], mode)
        self.colour_box.setToolTip("Colour the points by class, reconstruction error (BCE) at the snapshot shown, "
                                   "or distance moved since the previous snapshot (Ctrl+1/2/3)")
        self.colour_box.currentIndexChanged.connect(lambda i: self.set_colour_mode(COLOUR_MODES[i]))
        toolbar.addWidget(QLabel(" Colour: "))
        toolbar.addWidget(self.colour_box)
        toolbar.addAction(self.train_action)

    def view_actions(self) -> list[QAction]:
        """For the View menu (the colour modes are exclusive)."""
        return [*self.colour_actions.values(), self.train_action]

    # -- controllers ----------------------------------------------------------------------------

    def on_picked(self, index: int) -> bool:
        """A click picked ``index``: with Shift held and a selection, it ends the path A→B (returns True)."""
        view = self.window.view
        shift = bool(view.iren.interactor.GetShiftKey()) or bool(
            QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier)
        a = self.state.selected
        if not shift or a is None or a == index:
            return False
        self.set_path(a, index)
        return True

    def set_path(self, a: int, b: int) -> None:
        """Draw the straight path from test code ``a`` to ``b`` and decode it."""
        self.state.path = PathState(a, b, 0.5, self.path.steps.value())

    def clear_path(self) -> None:
        """Remove the path."""
        self.state.path = None

    def set_colour_mode(self, mode: str) -> None:
        """Colour points by ``"class"``, ``"error"`` (BCE at the snapshot shown) or ``"movement"``."""
        self.state.color = mode

    def set_train_overlay(self, on: bool) -> None:
        """Show or hide the training images' final-epoch codes."""
        self.state.train_overlay = on
        self._on_train_overlay(self.state.train_overlay)

    def _on_frame_clicked(self, frame: int) -> None:
        self.window.timeline.pause()
        self.state.position = float(self.filmstrip.snapshots[frame])

    def _on_neighbour_clicked(self, i: int) -> None:
        self.window.select(int(self.neighbour_ids[i]))

    # -- views of the state ---------------------------------------------------------------------

    def _on_run(self, run: Run | None) -> None:
        self._frames = None
        self._shown = None
        if run is None:
            self.index = None
            self.filmstrip.clear()
            self.neighbours.clear()
            self.path.clear()
            return
        self.index = NeighbourIndex(run.codes)  # trees are built lazily, per snapshot asked for
        has_train = run.train_codes is not None
        self.train_action.setEnabled(has_train)
        self.train_action.setToolTip("Add the training images' codes at the final epoch (T)" if has_train
                                     else "This run stores no training codes.")

    def _on_position(self, _u: float) -> None:
        if self.state.run is None:
            return
        self.filmstrip.set_current(self.state.snapshot)
        if self.state.path is not None:
            self._update_path()
        self._update_neighbours()

    def _on_selected(self, index: int | None) -> None:
        if index is None:
            self.filmstrip.clear()
        else:
            self._update_filmstrip(index)
        self._update_neighbours()

    def _on_probe(self, _position: object) -> None:
        self._update_neighbours()

    def _on_path(self, path: PathState | None) -> None:
        if path is None:
            self.path.clear()
            self._shown = None
            return
        if self._shown is None:  # a new path: show its strip
            tabs = getattr(self.window, "bottom_tabs", None)
            if tabs is not None:
                tabs.setCurrentWidget(self.path)
        if self.path.steps.value() != path.samples:
            self.path.steps.blockSignals(True)
            self.path.steps.setValue(path.samples)
            self.path.steps.blockSignals(False)
        self._update_path()

    def _on_color(self, mode: str) -> None:
        self.colour_actions[mode].setChecked(True)
        if self.colour_box is not None and self.colour_box.currentData() != mode:
            self.colour_box.blockSignals(True)
            self.colour_box.setCurrentIndex(COLOUR_MODES.index(mode))
            self.colour_box.blockSignals(False)

    def _on_train_overlay(self, on: bool) -> None:
        if self.train_action.isChecked() != on:
            self.train_action.setChecked(on)
        run = self.state.run
        if on and run is not None and self.state.snapshot != len(run.codes) - 1:
            self.window.statusBar().showMessage("The training codes are those of the final epoch.", 4000)

    # -- filmstrip, path, neighbours ------------------------------------------------------------

    def _update_filmstrip(self, index: int) -> None:
        run, time = self.state.run, self.state.time
        assert run is not None and time is not None
        if self._frames is None or self._frames[:2] != (index, len(run.codes)):
            # Snapshots are log-spaced in epoch 1, so an even sample of them keeps the early ones.
            ids = np.unique(np.rint(np.linspace(0, time.last, min(FILMSTRIP_FRAMES, time.last + 1))).astype(int))
            self._film_ids = [int(i) for i in ids]
            self._frames = (index, len(run.codes), filmstrip(run.decoder, run.codes[ids], index, self._film_ids))
            captions = [f"{time.steps[i]:,.0f}" for i in ids]
            self.filmstrip.show_frames(self._frames[2], self._film_ids, captions, self.state.snapshot)
        else:
            self.filmstrip.set_current(self.state.snapshot)

    def _update_path(self) -> None:
        run, path = self.state.run, self.state.path
        assert run is not None and path is not None
        s = self.state.snapshot
        key = (path.a, path.b, path.samples, s, id(run))
        if key != self._shown:
            _codes, images = path_decodes(run.decoder(s), run.codes[s, path.a], run.codes[s, path.b], path.samples)
            labels = run.labels
            name = lambda i: f"#{i} {CLASS_NAMES[int(labels[i])]}"  # noqa: E731
            step = self.state.time.steps[s] if self.state.time is not None else 0
            self.path.show_path(images, f"<span style='color:#40e0ff'>A</span> {name(path.a)} → "
                                        f"<span style='color:#ff50c8'>B</span> {name(path.b)} · step {step:,.0f}")
            self._shown = key
        z = lerp(run.codes[s, path.a], run.codes[s, path.b], path.t)
        self.path.show_decode(run.decoder(s)(z)[0], path.t)

    def _update_neighbours(self) -> None:
        state, run = self.state, self.state.run
        if run is None or self.index is None:
            return
        s = state.snapshot
        k = self.neighbours.k.value()
        step = f"step {state.time.steps[s]:,.0f}" if state.time is not None else ""
        if state.probe is not None:
            probe = np.asarray(state.probe, np.float32)
            idx, dist = self.index.query(s, probe, k)
            cue = self.index.probe_cue(s, probe)
            colour = VERDICT_COLOURS[cue.verdict]
            self.neighbours.show_cue(
                f"nearest code <b>{cue.distance:.3f}</b> away ({cue.distance / max(cue.spacing, 1e-12):.1f}× the "
                f"typical spacing {cue.spacing:.3f}) · local density <b>{cue.relative_density:.2g}×</b> the data's "
                f"→ <b style='color:{colour}'>{cue.verdict}</b>")
            source = f"Nearest to the probe ({step})"
        elif state.selected is not None:
            sel = int(state.selected)
            idx, dist = self.index.query(s, run.codes[s, sel], k, exclude=sel)
            self.neighbours.show_cue(None)
            source = f"Nearest to #{sel} ({step})"
        else:
            self.neighbours.clear()
            return
        self.neighbour_ids = idx
        images = self.window.images
        shown = [images[i] for i in idx] if images is not None else list(run.decoder(s)(run.codes[s, idx]))
        captions = [f"#{i} {CLASS_NAMES[int(run.labels[i])]}\nd = {d:.3f}" for i, d in zip(idx, dist)]
        self.neighbours.show_neighbours(source, shown, captions)

    def close(self) -> None:
        """Disconnect from the state (the overlays belong to the presenter)."""
        self._disconnect()
