"""Fills the image panel from the pick and time models: the selected image, its reconstruction, the probe's decode."""

from __future__ import annotations

import numpy as np

from latent3d.analysis.interpolate import codes_at
from latent3d.analysis.learning import learned_text
from latent3d.data.images import DatasetImages
from latent3d.qt.inspect.image_panel import ImagePanel
from latent3d.state.compare import CompareModel, to_snapshot_codes
from latent3d.state.model import connect_all
from latent3d.state.neighbours import Neighbours
from latent3d.state.pick import PickModel
from latent3d.state.time import TimeModel

__all__ = ["SelectionDisplay"]


class SelectionDisplay:
    """Keeps ``panel`` showing the selection and the probe.

    Parameters
    ----------
    pick : PickModel
        The selection and the probe shown.
    time : TimeModel
        The run and the snapshot whose decoder is used.
    compare : CompareModel
        The alignment: the probe is drawn aligned, decoded in the snapshot's own codes.
    panel : ImagePanel
        Only displays what it is given.
    images : DatasetImages
        The test images (or why they are missing).
    neighbours : Neighbours
        Finds the test code nearest the probe.
    """

    def __init__(self, pick: PickModel, time: TimeModel, compare: CompareModel, panel: ImagePanel,
                 images: DatasetImages, neighbours: Neighbours) -> None:
        self.pick, self.time, self.compare = pick, time, compare
        self.panel, self.images, self.neighbours = panel, images, neighbours
        if images.pixels is None:
            panel.reserve_note(images.missing)
        self._disconnect = connect_all((time, pick), self)

    def _on_run(self, run: object) -> None:
        if run is None or self.pick.selected is None:
            self.panel.clear_selection()

    def _on_position(self, _u: float) -> None:
        if self.pick.selected is not None:
            self._show_selection(self.pick.selected)
        if self.pick.probe is not None:
            self._show_probe(np.asarray(self.pick.probe, np.float32))

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
        run, time = self.time.run, self.time.time
        if run is None or time is None:
            return
        s = self.time.snapshot
        no_decoder = run.why_not("decoder")  # a recording without one: the input image alone, and why
        self.panel.show_selection(
            index=index, class_name=run.class_names[int(run.labels[index])],
            position=codes_at(run.codes[:, index:index + 1], self.time.position)[0], at=f"step {time.steps[s]:,.0f}",
            bce=float(run.test_bce[s, index]) if run.why_not("losses") is None else None,
            reconstruction=run.decoder(s)(run.codes[s, index])[0] if no_decoder is None else None,
            original=self.images.get(index), missing=self.images.missing,
            learned=learned_text(run.test_bce[:, index], run.steps) if run.why_not("losses") is None else None,
            no_reconstruction=no_decoder,
            loss_name="BCE" if run.kind != "recording" else "loss")

    def _show_probe(self, position: np.ndarray) -> None:
        run, time = self.time.run, self.time.time
        if run is None or time is None or not self.neighbours.ready:
            return
        s = self.time.snapshot
        reason = run.why_not("decoder")
        if reason is not None:  # a probe from a view file on a run without a decoder: nothing to decode, say why
            self.panel.show_probe_off(reason)
            return
        dec = run.decoder(s)
        own = to_snapshot_codes(self.time, self.compare, position)  # drawn (maybe aligned) -> the snapshot's own codes
        idx, dist = self.neighbours.nearest(own)
        self.panel.show_probe(
            position=position, at=f"step {time.steps[s]:,.0f}", decoded=dec(own)[0], nearest=idx,
            nearest_class=run.class_names[int(run.labels[idx])], distance=dist, nearest_image=self.images.get(idx),
            nearest_reconstruction=dec(run.codes[s, idx])[0])

    def close(self) -> None:
        """Stop following the models."""
        self._disconnect()
