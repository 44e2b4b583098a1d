"""When the images were learned, per class (pyqtgraph): a histogram of learned-at steps in log-spaced bins.

An image is learned at the first snapshot where its BCE is within 10 % of its total drop of its final
BCE; the count of images never learned is written in the plot. Curves are in the class colours (the
purity plot beside it names them) and follow the display model's hidden classes. A step plot without a
cursor, and a view of the learning model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from latent3d.analysis.learning import LEARNED_FRACTION, LearningAnalysis, learned_histogram, log_step
from latent3d.data.datasets import CLASS_NAMES
from latent3d.qt.widgets.step_plot import StepPlot
from latent3d.scene.core.look import CLASS_COLORS

if TYPE_CHECKING:
    from latent3d.state.display import DisplayModel
    from latent3d.state.learning import LearningModel
    from latent3d.state.time import TimeModel

__all__ = ["LearnedHistogram"]


class LearnedHistogram(StepPlot):
    """Per-class histograms of the learned-at step of the run, from the learning model.

    Parameters
    ----------
    learning : LearningModel
    time : TimeModel
    display : DisplayModel
        Its hidden classes' curves are hidden.
    parent : QWidget, optional

    Notes
    -----
    The bins are the snapshots themselves (an image is learned *at* a snapshot), placed on the log
    step axis; each class is one stepped curve of its counts.
    """

    def __init__(self, learning: LearningModel, time: TimeModel, display: DisplayModel,
                 parent: QWidget | None = None) -> None:
        super().__init__(time, cursor=None, parent=parent)
        self.learning = learning
        self.counts = np.zeros((10, 0), np.int64)
        self.plot.setLabel("left", "images")
        self.plot.setLabel("bottom", "learned at step")
        self.plot.setToolTip(f"Images per class learned at each snapshot: the first step at which an image's BCE is "
                             f"within {LEARNED_FRACTION:.0%} of its total drop of its final BCE.")
        self.classes = []
        for name, rgb in zip(CLASS_NAMES, CLASS_COLORS):
            curve = pg.PlotDataItem(stepMode="center", pen=pg.mkPen(rgb, width=1.4))
            self.plot.addItem(curve)
            curve.setToolTip(name)
            self.classes.append(curve)
        self.never = pg.TextItem("", color="#c8ccd4", anchor=(1, 0))
        self.plot.addItem(self.never, ignoreBounds=True)
        self.listen(time, learning, display)
        self.redraw()

    def _on_result(self, _analysis: LearningAnalysis | None) -> None:
        self.redraw()

    def _on_hidden_classes(self, hidden: frozenset[int]) -> None:
        for c, curve in enumerate(self.classes):
            curve.setVisible(c not in hidden)

    def redraw(self) -> None:
        """One stepped count curve per class over the snapshots (bin edges half-way between them on the axis)."""
        a, axis = self.learning.result, self.time.time_axis
        if a is None or len(a.steps) < 2:
            for curve in self.classes:
                curve.setData([], [])
            self.counts = np.zeros((10, 0), np.int64)
            self.never.setText("" if a is None else "one snapshot: nothing learned yet")
            return
        x = self.x_of(a.steps)
        mids = (x[1:] + x[:-1]) / 2
        edges_x = np.concatenate([[x[0] - (mids[0] - x[0])], mids, [x[-1] + (x[-1] - mids[-1])]])
        edges_log = edges_x if axis == "log" else log_step(edges_x)
        self.counts = learned_histogram(a.learned_steps, a.labels, edges_log)
        for c, curve in enumerate(self.classes):
            curve.setData(edges_x, self.counts[c])
        self.never.setText(f"never learned: {a.never:,}")
        self.never.setPos(float(edges_x[-1]), float(self.counts.max(initial=1)))

    def close_panel(self) -> None:
        """Stop listening to the models."""
        self.close_plot()
