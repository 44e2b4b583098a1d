"""The window's learning panels in one place: the background analysis, purity curves, event ticks, data map, lists.

The window builds one :class:`LearningViews` and puts its pieces where they belong: the event ticks
over the timeline's epoch ticks, the purity curves and the learned-at histogram beside the loss curves, the data
map with the hardest images in a tab of their own.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QSplitter, QWidget

from latent3d.qt.learning.data_map import DataMap
from latent3d.qt.learning.event_ticks import EventTicks
from latent3d.qt.learning.hardest_list import HardestList, ImageSource
from latent3d.qt.learning.learned_histogram import LearnedHistogram
from latent3d.qt.learning.purity_plot import PurityPlot
from latent3d.qt.learning.service import LearningService
from latent3d.state.viewer_state import ViewerState

__all__ = ["LearningViews"]


class LearningViews:
    """Builds the learning panels on one :class:`LearningService` of ``state``.

    Parameters
    ----------
    state : ViewerState
    image_of : callable
        Test image by index, or None when it is not on disk (``DatasetImages.get``).
    parent : QObject
        Owns the service.
    message : callable
        ``message(text, ms)``: the window's status-bar note (progress, box selections).
    """

    def __init__(self, state: ViewerState, image_of: ImageSource | None, parent: QObject,
                 message: Callable[[str, int], None] = lambda _t, _ms: None) -> None:
        self.state, self.message = state, message
        self.service = LearningService(state, parent)
        self.purity = PurityPlot(state, self.service)
        self.histogram = LearnedHistogram(state, self.service)
        self.ticks = EventTicks(state.model.learning)  # a tick layer: the feature's build adds it to the timeline
        self.service.ready.connect(lambda a: setattr(state.model.learning, "result", a))  # TRANSITIONAL (h28b)
        self.data_map = DataMap(state, self.service, image_of=image_of)
        self.hardest = HardestList(state, image_of=image_of)
        self.data_map.box_selected.connect(self._on_box)
        self.service.busy.connect(lambda note: message(note, 0) if note else message("", 1))

    def loss_tab(self, loss_panel: QWidget) -> QSplitter:
        """The loss curves with the purity curves and the learned-at histogram beside them."""
        split = QSplitter(Qt.Orientation.Horizontal)
        for w, stretch in ((loss_panel, 4), (self.purity, 3), (self.histogram, 2)):
            split.addWidget(w)
            split.setStretchFactor(split.count() - 1, stretch)
        return split

    def map_tab(self) -> QSplitter:
        """The data map with the hardest images at the shown snapshot beside it."""
        split = QSplitter(Qt.Orientation.Horizontal)
        # Small explicit minimums: their natural ones (600 x 190 px together) squeezed the side panel of a
        # 900-px window and made the tabs taller than the 3-D view can spare; a short tab clips instead.
        self.data_map.setMinimumSize(220, 60)
        self.hardest.setMinimumSize(120, 60)
        split.addWidget(self.data_map)
        split.addWidget(self.hardest)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        return split

    def _on_box(self, indices: np.ndarray) -> None:
        select = getattr(self.state, "select_points", None)  # the selections' groups, where they exist
        if select is not None:
            select(indices)
            self.message(f"Selected {len(indices):,} images from the data map.", 4000)
        elif len(indices):
            self.state.selected = int(indices[0])
            self.message(f"{len(indices):,} images in the box; the first, #{int(indices[0])}, is selected.", 4000)

    def close(self) -> None:
        """Stop every panel and the service listening."""
        for w in (self.purity, self.histogram):
            w.close_panel()
        self.ticks.close_ticks()
        self.data_map.close_map()
        self.hardest.close_list()
        self.service.close()
