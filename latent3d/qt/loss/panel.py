"""The loss panel (pyqtgraph): training loss of every step, test loss at the snapshots, per-class test loss.

A step plot (:mod:`latent3d.qt.widgets.step_plot`): its x axis is the training step on the time model's
axis (log or linear); a vertical line marks the position and dragging it, or clicking the plot, seeks.
During a live training the curves grow, repainted at most a few times a second.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from latent3d.analysis.curves import binned_mean, per_class_loss
from latent3d.data.datasets import CLASS_NAMES
from latent3d.qt.loss.class_curves import ClassCurveBar
from latent3d.qt.widgets.step_plot import BACKGROUND, StepPlot
from latent3d.scene.core.look import CLASS_COLORS

if TYPE_CHECKING:
    from latent3d.state.display import DisplayModel
    from latent3d.state.time import TimeModel

__all__ = ["LossPanel"]

REFRESH_MS = 250  # curves repaint at most 4 times a second while a training streams snapshots
SMOOTH_BINS = 300  # the smoothed training loss: mean of the steps in each of 300 bins along the x axis
POSITION_PEN = {"color": "#ffffff", "width": 1.5, "style": Qt.PenStyle.DashLine}  # white dashes: no class is white
LEGEND_HEIGHT = 72  # four rows (train each step, binned, test, a group's mean) above the class buttons
CLASS_WIDTH, LIT_WIDTH, DIM_ALPHA = 1.2, 3.0, 70  # a highlighted class's curve, and the others' alpha meanwhile


class LossPanel(StepPlot):
    """Loss curves of the time model's run, linked to its position; the class brought out is the display model's.

    Parameters
    ----------
    time : TimeModel
    display : DisplayModel
        Its ``highlight_class`` is drawn thick (the class buttons' hover sets it).
    parent : QWidget, optional

    Notes
    -----
    Other features add their curves with :meth:`add_curve` (the group's mean loss, for one).
    """

    def __init__(self, time: TimeModel, display: DisplayModel, parent: QWidget | None = None) -> None:
        super().__init__(time, cursor="seek", cursor_pen=POSITION_PEN, hover_pen={"color": "#ffffff", "width": 3},
                         parent=parent)
        self.display = display
        self.plot.setLabel("left", "BCE")
        self.plot.setLabel("bottom", "training step")
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        # No grid: pyqtgraph draws it through the axes at ~4.5 ms per repaint in software raster, 3x the rest
        # of the plot (the axes keep their ticks).
        # The legend sits beside the plot, not over the curves: in a column of its own above the class buttons,
        # so that the plot keeps the width (beside the plot and the buttons, it left the curves 140 px).
        self.legend = pg.LegendItem(labelTextColor="#d7dae0", colCount=1, labelTextSize="7pt",
                                    verSpacing=-8, horSpacing=6)
        self.legend_canvas = pg.GraphicsLayoutWidget()
        self.legend_canvas.setBackground(BACKGROUND)
        self.legend_canvas.ci.setContentsMargins(0, 0, 0, 0)
        self.legend_canvas.addItem(self.legend, row=0, col=0)
        self.legend_canvas.setFixedHeight(LEGEND_HEIGHT)
        self.raw = self.plot.plot(pen=pg.mkPen((150, 160, 180, 60), width=1))
        self.smoothed = self.plot.plot(pen=pg.mkPen("#e8e8e8", width=2))
        self.test = self.plot.plot(pen=pg.mkPen("#ffcc33", width=2), symbol="o", symbolSize=4,
                                   symbolBrush="#ffcc33", symbolPen=None)
        for item, name in ((self.raw, "train, each step"), (self.smoothed, "train, binned"), (self.test, "test")):
            self.legend.addItem(item, name)
        for item in (self.raw, self.smoothed):
            item.setDownsampling(auto=True, method="peak")
            item.setClipToView(True)
        self.classes = []
        for rgb in CLASS_COLORS:
            curve = self.plot.plot(pen=pg.mkPen(rgb, width=CLASS_WIDTH))
            curve.setVisible(False)
            self.classes.append(curve)
        self.class_bar = ClassCurveBar(display, CLASS_NAMES, CLASS_COLORS)
        self.class_bar.shown_changed.connect(self._on_classes_shown)
        self.class_bar.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.legend_canvas.setFixedWidth(self.class_bar.sizeHint().width())
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(0)
        side.addWidget(self.legend_canvas)
        side.addWidget(self.class_bar)
        side.addStretch(1)
        self.row.addLayout(side)
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(REFRESH_MS)
        self._refresh.timeout.connect(self.redraw)
        self._drawn_run: object = None
        self.listen(time, display)
        self._on_classes_shown(self.class_bar.shown)
        self.redraw()

    # -- models -> plot -------------------------------------------------------------------------

    def _on_run(self, run: object) -> None:
        # A recording's per-sample loss is whatever its loss_fn computed, not necessarily a BCE.
        self.plot.setLabel("left", "loss" if getattr(run, "kind", None) == "recording" else "BCE")
        names = getattr(run, "class_names", None)
        if names is not None:
            self._name_classes(names)
        if self._drawn_run is None or run is None:
            self.redraw()  # a first run: at once
        elif not self._refresh.isActive():
            self._refresh.start()  # a live training's next snapshot: coalesced, at most 4 redraws a second

    def _name_classes(self, names: tuple[str, ...]) -> None:
        """Label the class curves after the run's classes (pyqtgraph labels are HTML: the names are escaped)."""
        self.class_bar.set_names(names)
        row = {id(curve): cls for cls, curve in enumerate(self.classes)}
        assert self.legend is not None
        for sample, label in self.legend.items:
            cls = row.get(id(getattr(sample, "item", None)))
            if cls is not None and cls < len(names):
                label.setText(html.escape(names[cls]))

    def _on_classes_shown(self, shown: frozenset[int]) -> None:
        self._restyle_classes(shown, self.display.highlight_class)

    def _on_highlight_class(self, cls: int | None) -> None:
        self._restyle_classes(self.class_bar.shown, cls)

    def _restyle_classes(self, shown: frozenset[int], lit: int | None) -> None:
        """Shown classes drawn; a highlighted class drawn thick (shown or not) while the others fade."""
        for c, (curve, rgb) in enumerate(zip(self.classes, CLASS_COLORS)):
            curve.setVisible(c in shown or c == lit)
            alpha = 255 if lit is None or c == lit else DIM_ALPHA
            curve.setPen(pg.mkPen((*rgb, alpha), width=LIT_WIDTH if c == lit else CLASS_WIDTH))
            curve.setZValue(10 if c == lit else 0)

    def redraw(self) -> None:
        """Set every curve from the time model's run (in place, with ``setData``)."""
        run, time = self.time.run, self.time.time
        self._drawn_run = run
        if run is None or time is None:
            for item in (self.raw, self.smoothed, self.test, *self.classes):
                item.setData([], [])
            return
        step_loss = getattr(run, "step_loss", None)
        if step_loss is not None and len(step_loss):
            x = self.x_of(np.arange(1, len(step_loss) + 1))
            self.raw.setData(x, np.asarray(step_loss, np.float64))
            self.smoothed.setData(*binned_mean(x, step_loss, SMOOTH_BINS))
        else:  # a version-1 run: the mean training loss of each epoch, at its end
            ends = np.arange(1, len(run.train_loss) + 1) * time.steps_per_epoch
            self.raw.setData([], [])
            self.smoothed.setData(self.x_of(ends), np.asarray(run.train_loss, np.float64))
        sx = self.x_of(time.steps)
        self.test.setData(sx, run.snapshot_test_loss)  # the mean each snapshot recorded: no pass over S x N
        per_class = per_class_loss(run.test_bce, run.labels)
        for c, curve in enumerate(self.classes):
            curve.setData(sx, per_class[:, c], connect="finite")
        self.set_cursor_bounds(float(sx[0]), float(sx[-1]))
