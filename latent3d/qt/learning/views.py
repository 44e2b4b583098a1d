"""The window's learning panels in one place: the background analysis, purity curves, data map, hardest images.

The learning build makes one :class:`LearningViews` and puts its pieces where they belong: the event
ticks on the timeline (a tick layer), the purity curves and the learned-at histogram beside the loss
curves, the data map with the hardest images in a tab of their own. The service writes the learning
model; every panel is a view of that model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter

from latent3d.qt.learning.data_map import DataMap
from latent3d.qt.learning.event_list import EventList
from latent3d.qt.learning.event_ticks import EventTicks
from latent3d.qt.learning.hardest_list import HardestList, ImageSource
from latent3d.qt.learning.learned_histogram import LearnedHistogram
from latent3d.qt.learning.purity_plot import PurityPlot
from latent3d.qt.learning.service import LearningService

if TYPE_CHECKING:
    from latent3d.state.display import DisplayModel
    from latent3d.state.groups import GroupsModel
    from latent3d.state.learning import LearningModel
    from latent3d.state.pick import PickModel
    from latent3d.state.time import TimeModel

__all__ = ["LearningViews"]


class LearningViews:
    """Builds the :class:`LearningService` and the learning panels on the models they show.

    Parameters
    ----------
    learning : LearningModel
        The service writes it; the panels show it.
    time, display, pick : TimeModel, DisplayModel, PickModel
    groups : GroupsModel
        A box in the data map becomes the selections' group.
    image_of : callable
        Test image by index, or None when it is not on disk (``DatasetImages.get``).
    message : callable
        ``message(text, ms)``: the window's status-bar note (progress, box selections).
    """

    def __init__(self, learning: LearningModel, time: TimeModel, display: DisplayModel, pick: PickModel,
                 groups: GroupsModel, image_of: ImageSource | None,
                 message: Callable[[str, int], None] = lambda _t, _ms: None) -> None:
        self.learning, self.groups, self.message = learning, groups, message
        self.service = LearningService(learning, time)
        self.purity = PurityPlot(learning, time, display)
        self.histogram = LearnedHistogram(learning, time, display)
        self.data_map = DataMap(learning, time, display, pick, image_of=image_of)
        self.hardest = HardestList(time, display, pick, image_of=image_of)
        self.ticks = EventTicks(learning)  # a tick layer: the feature's build adds it to the timeline
        self.events = EventList(learning, time)  # what happened when, in order: the plot's labels crowd
        self.data_map.box_selected.connect(self._on_box)
        learning.events.status.connect(self._on_status)

    def _on_status(self, note: str) -> None:
        if note:
            self.message(note, 0)
        else:
            self.message("", 1)

    def map_tab(self) -> QSplitter:
        """The data map with the hardest images at the shown snapshot beside it."""
        split = QSplitter(Qt.Orientation.Horizontal)
        # Small explicit minimums: their natural ones (600 x 190 px together) squeezed the side panel of a
        # 900-px window and made the tabs taller than the 3-D view can spare; a short tab clips instead.
        self.data_map.setMinimumSize(220, 60)
        self.hardest.setMinimumSize(100, 60)
        split.addWidget(self.data_map)
        split.addWidget(self.hardest)
        split.setStretchFactor(0, 1)  # the map takes the width; the list keeps its own
        split.setStretchFactor(1, 0)
        split.setSizes([10_000, self.hardest.minimumWidth()])
        return split

    def _on_box(self, indices: np.ndarray) -> None:
        self.groups.select_points(indices)
        self.message(f"Selected {len(indices):,} images from the data map.", 4000)

    def close(self) -> None:
        """Stop every panel and the service listening."""
        self.learning.events.status.disconnect(self._on_status)
        for w in (self.purity, self.histogram):
            w.close_panel()
        self.ticks.close_ticks()
        self.data_map.close_map()
        self.hardest.close_list()
        self.events.close_list()
        self.service.close()
