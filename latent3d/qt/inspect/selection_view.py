"""Fills the image panel from the state: the selected test image and its reconstruction, the probe's decode."""

from __future__ import annotations

import numpy as np

from latent3d.analysis.interpolate import codes_at
from latent3d.analysis.learning import learned_text
from latent3d.data.images import DatasetImages
from latent3d.qt.inspect.image_panel import ImagePanel
from latent3d.state.neighbours import Neighbours
from latent3d.state.viewer_state import ViewerState, connect_handlers

__all__ = ["SelectionDisplay"]


class SelectionDisplay:
    """Keeps ``panel`` showing the state's selection and probe.

    Parameters
    ----------
    state : ViewerState
    panel : ImagePanel
        Only displays what it is given.
    images : DatasetImages
        The test images (or why they are missing).
    neighbours : Neighbours
        Finds the test code nearest the probe.
    """

    def __init__(self, state: ViewerState, panel: ImagePanel, images: DatasetImages, neighbours: Neighbours) -> None:
        self.state, self.panel, self.images, self.neighbours = state, panel, images, neighbours
        if images.pixels is None:
            panel.reserve_note(images.missing)
        self._disconnect = connect_handlers(state.events, self)

    def _on_run(self, run: object) -> None:
        if run is None or self.state.selected is None:
            self.panel.clear_selection()

    def _on_position(self, _u: float) -> None:
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
        self.panel.set_probe_visible(position is not None)
        if position is not None:
            self._show_probe(np.asarray(position, np.float32))

    def _show_selection(self, index: int) -> None:
        run, time = self.state.run, self.state.time
        if run is None or time is None:
            return
        s = self.state.snapshot
        self.panel.show_selection(
            index=index, class_name=run.class_names[int(run.labels[index])],
            position=codes_at(run.codes[:, index:index + 1], self.state.position)[0], at=f"step {time.steps[s]:,.0f}",
            bce=float(run.test_bce[s, index]), reconstruction=run.decoder(s)(run.codes[s, index])[0],
            original=self.images.get(index), missing=self.images.missing,
            learned=learned_text(run.test_bce[:, index], run.steps))

    def _show_probe(self, position: np.ndarray) -> None:
        run, time = self.state.run, self.state.time
        if run is None or time is None or not self.neighbours.ready:
            return
        s = self.state.snapshot
        dec = run.decoder(s)
        own = self.state.to_snapshot_codes(position)  # drawn (maybe aligned) -> the snapshot's own code space
        idx, dist = self.neighbours.nearest(own)
        self.panel.show_probe(
            position=position, at=f"step {time.steps[s]:,.0f}", decoded=dec(own)[0], nearest=idx,
            nearest_class=run.class_names[int(run.labels[idx])], distance=dist, nearest_image=self.images.get(idx),
            nearest_reconstruction=dec(run.codes[s, idx])[0])

    def close(self) -> None:
        """Stop following the state."""
        self._disconnect()
