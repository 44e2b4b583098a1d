"""The test images reconstructed worst at the shown snapshot (highest BCE), as thumbnails; a click selects one."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from latent3d.analysis.learning import class_names_of, hardest
from latent3d.qt.widgets.thumbs import ThumbGrid
from latent3d.state.model import connect_handlers

if TYPE_CHECKING:
    from latent3d.state.display import DisplayModel
    from latent3d.state.pick import PickModel
    from latent3d.state.time import TimeModel

__all__ = ["HardestList", "ImageSource", "thumbnails"]

ImageSource = Callable[[int], "np.ndarray | None"]  # test image ``i`` (28x28 uint8), or None when not on disk
HARDEST_N = 20


def thumbnails(time: TimeModel, image_of: ImageSource | None,
               indices: Sequence[int] | np.ndarray) -> list[np.ndarray]:
    """The test images ``indices``, or where one is not on disk its reconstruction at ``time``'s snapshot.

    A run without a decoder (a recording) shows a dark square where an image is missing.
    """
    run = time.run
    out: list[np.ndarray | None] = [image_of(int(i)) if image_of is not None else None for i in indices]
    missing = [k for k, img in enumerate(out) if img is None]
    if missing and run is not None and run.why_not("decoder") is None:  # without a decoder: dark squares
        s = time.snapshot
        decoded = run.decoder(s)(np.asarray(run.codes[s, [int(indices[k]) for k in missing]], np.float32))
        for k, img in zip(missing, decoded):
            out[k] = img
    return [np.zeros(784, np.uint8) if img is None else img for img in out]


class HardestList(QWidget):
    """The ``n`` highest-BCE test images at the snapshot shown (hidden classes left out).

    Parameters
    ----------
    time : TimeModel
    display : DisplayModel
        Images of hidden classes are left out.
    pick : PickModel
        A click selects the image; the selected one is framed.
    image_of : callable, optional
        Test image by index (None: reconstructions are shown).
    n : int
    parent : QWidget, optional
    """

    def __init__(self, time: TimeModel, display: DisplayModel, pick: PickModel, image_of: ImageSource | None = None,
                 n: int = HARDEST_N, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.time, self.display, self.pick = time, display, pick
        self.image_of, self.n = image_of, n
        self.indices = np.zeros(0, np.int64)
        self._shown: tuple[object, ...] | None = None
        self.title = QLabel()
        self.title.setStyleSheet("color:#c8ccd4;")
        self.grid = ThumbGrid(columns=5, caption_lines=2, max_side=56)
        self.grid.clicked.connect(self._on_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.grid)
        layout.addStretch(1)
        self._disconnects = [connect_handlers(m, self) for m in (time, display, pick)]
        self.refresh()

    def set_image_source(self, image_of: ImageSource | None) -> None:
        """Take test images from ``image_of`` (the dataset was found or lost)."""
        self.image_of = image_of
        self.refresh(force=True)

    def refresh(self, force: bool = False) -> None:
        """Rank the images again if the run, the snapshot or the hidden classes changed."""
        time, run, hidden_classes = self.time, self.time.run, self.display.hidden_classes
        key = (id(run), time.snapshot, hidden_classes, run.n_snapshots if run is not None else 0)
        if key == self._shown and not force:
            return  # playback between two snapshots: the same list
        self._shown = key
        if run is None or time.time is None:
            self.indices = np.zeros(0, np.int64)
            self.title.setText("Hardest images: no run")
            self.grid.set_images([], [])
            return
        no_losses = run.why_not("losses")
        if no_losses is not None:  # a recording without per-sample losses: nothing ranks the images
            self.indices = np.zeros(0, np.int64)
            self.title.setText(f"Hardest images: off. {no_losses}")
            self.title.setWordWrap(True)
            self.grid.set_images([], [])
            return
        s = time.snapshot
        hidden = np.isin(run.labels, sorted(hidden_classes)) if hidden_classes else None
        self.indices = hardest(run.test_bce, s, self.n, exclude=hidden)
        bce = run.test_bce[s]
        loss = "BCE" if run.kind != "recording" else "loss"
        self.title.setText(f"Hardest at step {time.time.steps[s]:,.0f} (highest {loss} first)")
        names = class_names_of(run)
        captions = [f"{names[int(run.labels[i])]}\n{float(bce[i]):.3f}" for i in self.indices]
        self.grid.set_images(thumbnails(time, self.image_of, self.indices), captions)
        self._on_selected(self.pick.selected)

    def _on_run(self, _run: object) -> None:
        self.refresh()

    def _on_position(self, _u: float) -> None:
        if self.isVisible():  # hidden in its tab: ranked again when shown, not on every timeline move
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """Catch up with the snapshot shown while the list was hidden."""
        super().showEvent(event)
        self.refresh()

    def _on_hidden_classes(self, _hidden: frozenset[int]) -> None:
        self.refresh()

    def _on_selected(self, index: int | None) -> None:
        hits = np.flatnonzero(self.indices == index) if index is not None else np.zeros(0, np.int64)
        self.grid.set_current(int(hits[0]) if len(hits) else None)

    def _on_clicked(self, k: int) -> None:
        if 0 <= k < len(self.indices):
            self.pick.selected = int(self.indices[k])

    def close_list(self) -> None:
        """Stop listening to the models."""
        for disconnect in self._disconnects:
            disconnect()
