"""The exploring strips as views of the pick and time models: the filmstrip, the A→B path, the neighbours."""

from __future__ import annotations

import html
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QSignalBlocker

from latent3d.analysis.explore import filmstrip, path_decodes
from latent3d.analysis.interpolate import lerp
from latent3d.data.images import DatasetImages
from latent3d.qt.inspect.explore_panel import FILMSTRIP_FRAMES, FilmstripBox, NeighboursBox, PathBox
from latent3d.state.compare import CompareModel, to_snapshot_codes
from latent3d.state.model import connect_all
from latent3d.state.neighbours import Neighbours
from latent3d.state.pick import PickModel
from latent3d.state.time import TimeModel
from latent3d.state.values import PathState

__all__ = ["FilmstripView", "NeighboursView", "PathView", "VERDICT_COLOURS"]

VERDICT_COLOURS = {"inside the data": "#7ccf7c", "at the edge": "#ffcc33", "far outside": "#ff6b6b"}


class FilmstripView:
    """The selected image's reconstruction at snapshots sampled over the run; a click on a frame seeks there.

    Parameters
    ----------
    pick : PickModel
        The selected image is the one shown.
    time : TimeModel
        The run; a click on a frame moves its position.
    box : FilmstripBox
    before_seek : callable
        Called before a click moves the position (the window pauses playback).
    """

    def __init__(self, pick: PickModel, time: TimeModel, box: FilmstripBox,
                 before_seek: Callable[[], None] = lambda: None) -> None:
        self.pick, self.time, self.box, self.before_seek = pick, time, box, before_seek
        self._frames: tuple[int, int, np.ndarray] | None = None
        box.grid.clicked.connect(self._on_frame_clicked)
        self._disconnect = connect_all((time, pick), self)

    def _on_frame_clicked(self, frame: int) -> None:
        self.before_seek()
        self.time.position = float(self.box.snapshots[frame])

    def _on_run(self, run: object) -> None:
        self._frames = None
        if run is None:
            self.box.clear()

    def _on_position(self, _u: float) -> None:
        if self.time.run is not None:
            self.box.set_current(self.time.snapshot)

    def _on_selected(self, index: int | None) -> None:
        if index is None:
            self.box.clear()
            return
        run, time = self.time.run, self.time.time
        assert run is not None and time is not None
        reason = run.why_not("decoder")
        if reason is not None:  # a recording without a decoder: no reconstructions, the sentence says why
            self.box.show_off(reason)
            return
        if self._frames is None or self._frames[:2] != (index, len(run.codes)):
            # Snapshots are log-spaced in epoch 1, so an even sample of them keeps the early ones.
            ids = np.unique(np.rint(np.linspace(0, time.last, min(FILMSTRIP_FRAMES, time.last + 1))).astype(int))
            snapshots = [int(i) for i in ids]
            self._frames = (index, len(run.codes), filmstrip(run.decoder, run.codes[ids], index, snapshots))
            captions = [f"{time.steps[i]:,.0f}" for i in ids]
            self.box.show_frames(self._frames[2], snapshots, captions, self.time.snapshot)
        else:
            self.box.set_current(self.time.snapshot)

    def close(self) -> None:
        """Stop following the models."""
        self._disconnect()


class PathView:
    """The straight path A→B decoded at the snapshot shown, with a marker that can be scrubbed.

    Parameters
    ----------
    pick : PickModel
        The path shown; scrubbing and the samples box write it.
    time : TimeModel
        The run and the snapshot whose decoder is used.
    box : PathBox
    on_new_path : callable
        Called when a path appears (the window brings its tab forward).
    """

    def __init__(self, pick: PickModel, time: TimeModel, box: PathBox,
                 on_new_path: Callable[[], None] = lambda: None) -> None:
        self.pick, self.time, self.box, self.on_new_path = pick, time, box, on_new_path
        self._shown: tuple[object, ...] | None = None
        box.grid.scrubbed.connect(pick.set_path_t)
        box.steps.valueChanged.connect(pick.set_path_samples)
        box.clear_button.clicked.connect(self.clear)
        self._disconnect = connect_all((time, pick), self)

    def start(self, a: int, b: int) -> None:
        """Draw the straight path from test code ``a`` to ``b`` with the samples the box asks for."""
        self.pick.path = PathState(a, b, 0.5, self.box.steps.value())

    def clear(self) -> None:
        """Remove the path."""
        self.pick.path = None

    def _on_run(self, run: object) -> None:
        self._shown = None
        if run is None:
            self.box.clear()

    def _on_position(self, _u: float) -> None:
        if self.time.run is not None and self.pick.path is not None:
            self._update()

    def _on_path(self, path: PathState | None) -> None:
        if path is None:
            self.box.clear()
            self._shown = None
            return
        if self._shown is None:
            self.on_new_path()
        if self.box.steps.value() != path.samples:
            with QSignalBlocker(self.box.steps):
                self.box.steps.setValue(path.samples)
        self._update()

    def _update(self) -> None:
        run, path, time = self.time.run, self.pick.path, self.time.time
        assert run is not None and path is not None and time is not None
        s = self.time.snapshot
        key = (path.a, path.b, path.samples, s, id(run))
        name = lambda i: f"#{i} {html.escape(run.class_names[int(run.labels[i])])}"  # noqa: E731
        ends = (f"<span style='color:#40e0ff'>A</span> {name(path.a)} → "
                f"<span style='color:#ff50c8'>B</span> {name(path.b)} · step {time.steps[s]:,.0f}")
        reason = run.why_not("decoder")
        if reason is not None:  # the path is drawn in the view; nothing along it can be decoded
            self.box.show_off(reason, ends)
            self._shown = key
            return
        if key != self._shown:
            _codes, images = path_decodes(run.decoder(s), run.codes[s, path.a], run.codes[s, path.b], path.samples)
            self.box.show_path(images, ends)
            self._shown = key
        z = lerp(run.codes[s, path.a], run.codes[s, path.b], path.t)
        self.box.show_decode(run.decoder(s)(z)[0], path.t)

    def close(self) -> None:
        """Stop following the models."""
        self._disconnect()


class NeighboursView:
    """The k test images nearest the probe (free roam) or the selection; a click selects one.

    Parameters
    ----------
    pick : PickModel
        The probe or selection whose neighbours are shown; a click selects one.
    time : TimeModel
        The run and the snapshot searched.
    compare : CompareModel
        The alignment: the probe is drawn aligned, searched in the snapshot's own codes.
    box : NeighboursBox
    images : DatasetImages
        Test images to show; without them, the neighbours' reconstructions are shown.
    neighbours : Neighbours
    """

    def __init__(self, pick: PickModel, time: TimeModel, compare: CompareModel, box: NeighboursBox,
                 images: DatasetImages, neighbours: Neighbours) -> None:
        self.pick, self.time, self.compare = pick, time, compare
        self.box, self.images, self.neighbours = box, images, neighbours
        self.ids = np.zeros(0, np.int64)
        box.grid.clicked.connect(self._on_clicked)
        box.k.valueChanged.connect(lambda _k: self._update())
        self._disconnect = connect_all((time, pick), self)

    def _on_clicked(self, i: int) -> None:
        self.pick.selected = int(self.ids[i])

    def _on_run(self, run: object) -> None:
        if run is None:
            self.box.clear()

    def _on_position(self, _u: float) -> None:
        self._update()

    def _on_selected(self, _index: int | None) -> None:
        self._update()

    def _on_probe(self, _position: object) -> None:
        self._update()

    def _update(self) -> None:
        pick, run, time = self.pick, self.time.run, self.time.time
        if run is None or time is None or not self.neighbours.ready:
            return
        s, k = self.time.snapshot, self.box.k.value()
        step = f"step {time.steps[s]:,.0f}"
        if pick.probe is not None:
            probe = to_snapshot_codes(self.time, self.compare, pick.probe)  # the trees hold the snapshot's own codes
            idx, dist = self.neighbours.query(probe, k)
            cue = self.neighbours.probe_cue(probe)
            colour = VERDICT_COLOURS[cue.verdict]
            self.box.show_cue(
                f"nearest code <b>{cue.distance:.3f}</b> away ({cue.distance / max(cue.spacing, 1e-12):.1f}× the "
                f"typical spacing {cue.spacing:.3f}) · local density <b>{cue.relative_density:.2g}×</b> the data's "
                f"→ <b style='color:{colour}'>{cue.verdict}</b>")
            source = f"Nearest to the probe ({step})"
        elif pick.selected is not None:
            sel = int(pick.selected)
            idx, dist = self.neighbours.query(run.codes[s, sel], k, exclude=sel)
            self.box.show_cue(None)
            source = f"Nearest to #{sel} ({step})"
        else:
            self.box.clear()
            return
        self.ids = idx
        if self.images.pixels is not None:
            shown = [self.images.get(int(i)) for i in idx]
        elif run.why_not("decoder") is None:  # the images are not on disk: their reconstructions
            shown = list(run.decoder(s)(run.codes[s, idx]))
        else:  # neither images nor a decoder: blank squares, the captions still name each neighbour
            shown = [np.zeros((28, 28), np.uint8) for _ in idx]
        captions = [f"#{i} {run.class_names[int(run.labels[i])]}\nd = {d:.3f}" for i, d in zip(idx, dist)]
        self.box.show_neighbours(source, shown, captions, indices=[int(i) for i in idx])  # type: ignore[arg-type]

    def close(self) -> None:
        """Stop following the models."""
        self._disconnect()
