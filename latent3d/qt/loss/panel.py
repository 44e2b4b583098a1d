"""The loss panel (pyqtgraph): training loss of every step, test loss at the snapshots, per-class test loss.

Its x axis is the training step on the state's time axis (log or linear); a vertical line marks the
position and dragging it, or clicking the plot, seeks the timeline. During a live training the
curves grow, repainted at most a few times a second.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QWidget

from latent3d.analysis.curves import binned_mean, per_class_loss
from latent3d.data.datasets import CLASS_NAMES
from latent3d.qt.loss.class_curves import ClassCurveBar
from latent3d.scene.core.cloud import CLASS_COLORS
from latent3d.state.timeline import axis_to_step, step_to_axis
from latent3d.state.viewer_state import ViewerState, connect_handlers

__all__ = ["LossPanel"]

REFRESH_MS = 250  # curves repaint at most 4 times a second while a training streams snapshots
SMOOTH_BINS = 300  # the smoothed training loss: mean of the steps in each of 300 bins along the x axis
POSITION_PEN = {"color": "#ffffff", "width": 1.5, "style": Qt.PenStyle.DashLine}  # white dashes: no class is white
CLASS_WIDTH, LIT_WIDTH, DIM_ALPHA = 1.2, 3.0, 70  # a highlighted class's curve, and the others' alpha meanwhile


class StepAxis(pg.AxisItem):
    """Bottom axis labelled in training steps whatever the spacing (log10(1 + step) or step)."""

    def __init__(self) -> None:
        super().__init__("bottom")
        self.mode = "log"

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:  # noqa: N802, N803 - Qt's names
        """Ticks at 0, 1, 10, 100, ... steps in log mode; pyqtgraph's own ticks in linear mode."""
        if self.mode != "log":
            return super().tickValues(minVal, maxVal, size)
        major = [step_to_axis(10 ** k, "log") if k >= 0 else 0.0 for k in range(-1, 7)]
        return [(1.0, [v for v in major if minVal <= v <= maxVal])]

    def tickStrings(self, values: list, scale: float, spacing: float) -> list[str]:  # noqa: N802
        """Steps as whole numbers (10 ** v - 1 in log mode)."""
        if self.mode != "log":
            return [f"{v:,.0f}" for v in values]
        return [f"{max(axis_to_step(v, 'log'), 0):,.0f}" for v in values]


class LossPanel(QWidget):
    """Loss curves of the state's run, linked to its position.

    Parameters
    ----------
    state : ViewerState
    parent : QWidget, optional
    """

    def __init__(self, state: ViewerState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.axis = StepAxis()
        self.canvas = pg.GraphicsLayoutWidget()
        self.canvas.setBackground("#1e2127")
        self.plot = self.canvas.addPlot(row=0, col=0, axisItems={"bottom": self.axis})
        self.plot.setMenuEnabled(False)
        self.plot.setLabel("left", "BCE")
        self.plot.setLabel("bottom", "training step")
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        # No grid: pyqtgraph draws it through the axes at ~4.5 ms per repaint in software raster, 3x the rest
        # of the plot (the axes keep their ticks).
        # The legend sits beside the plot, not over the curves; the classes have their own buttons beside it.
        self.legend = pg.LegendItem(labelTextColor="#d7dae0", colCount=1, labelTextSize="7pt",
                                    verSpacing=-6, horSpacing=6)
        self.canvas.addItem(self.legend, row=0, col=1)
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
        self.class_bar = ClassCurveBar(state, CLASS_NAMES, CLASS_COLORS)
        self.class_bar.shown_changed.connect(self._on_classes_shown)
        self.position_line = pg.InfiniteLine(angle=90, movable=True, pen=pg.mkPen(**POSITION_PEN),
                                             hoverPen=pg.mkPen("#ffffff", width=3))
        self.plot.addItem(self.position_line)
        self.position_line.sigPositionChanged.connect(self._on_cursor_dragged)
        self.canvas.scene().sigMouseClicked.connect(self._on_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.class_bar)
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(REFRESH_MS)
        self._refresh.timeout.connect(self.redraw)
        self._drawn_run: object = None
        self._placing = False
        connect_handlers(state.events, self)
        self._on_classes_shown(self.class_bar.shown)
        self.redraw()

    # -- state -> plot --------------------------------------------------------------------------

    def _on_run(self, run: object) -> None:
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
        for sample, label in self.legend.items:
            cls = row.get(id(getattr(sample, "item", None)))
            if cls is not None and cls < len(names):
                label.setText(html.escape(names[cls]))

    def _on_time_axis(self, axis: str) -> None:
        self.redraw()
        self.plot.enableAutoRange()

    def _on_position(self, _u: float) -> None:
        time = self.state.time
        if time is None:
            return
        self._placing = True
        x = step_to_axis(np.array([time.step_at(self.state.position)]), self.state.time_axis)[0]
        self.position_line.setValue(x)
        self._placing = False

    def _on_classes_shown(self, shown: frozenset[int]) -> None:
        self._restyle_classes(shown, self.state.highlight_class)

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
        """Set every curve from the state's run (in place, with ``setData``)."""
        run, time, axis = self.state.run, self.state.time, self.state.time_axis
        self.axis.mode = axis
        self._drawn_run = run
        if run is None or time is None:
            for item in (self.raw, self.smoothed, self.test, *self.classes):
                item.setData([], [])
            return
        step_loss = getattr(run, "step_loss", None)
        if step_loss is not None and len(step_loss):
            x = step_to_axis(np.arange(1, len(step_loss) + 1), axis)
            self.raw.setData(x, np.asarray(step_loss, np.float64))
            self.smoothed.setData(*binned_mean(x, step_loss, SMOOTH_BINS))
        else:  # a version-1 run: the mean training loss of each epoch, at its end
            ends = np.arange(1, len(run.train_loss) + 1) * time.steps_per_epoch
            self.raw.setData([], [])
            self.smoothed.setData(step_to_axis(ends, axis), np.asarray(run.train_loss, np.float64))
        sx = step_to_axis(time.steps, axis)
        self.test.setData(sx, run.snapshot_test_loss)  # the mean each snapshot recorded: no pass over S x N
        per_class = per_class_loss(run.test_bce, run.labels)
        for c, curve in enumerate(self.classes):
            curve.setData(sx, per_class[:, c], connect="finite")
        # The line still holds the old axis's value: clamped to the new bounds it must not seek the timeline.
        self._placing = True
        self.position_line.setBounds((float(sx[0]), float(sx[-1])))
        self._placing = False
        self._on_position(self.state.position)

    # -- plot -> state --------------------------------------------------------------------------

    def _seek_axis_value(self, value: float) -> None:
        time = self.state.time
        if time is not None:
            step = 10.0 ** value - 1.0 if self.state.time_axis == "log" else value
            self.state.seek_step(step)

    def _on_cursor_dragged(self, line: pg.InfiniteLine) -> None:
        if not self._placing:
            self._seek_axis_value(float(line.value()))

    def _on_clicked(self, event: object) -> None:
        pos = event.scenePos()  # type: ignore[attr-defined]
        vb = self.plot.vb
        if not vb.sceneBoundingRect().contains(pos):
            return
        self._seek_axis_value(float(vb.mapSceneToView(pos).x()))
