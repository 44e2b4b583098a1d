"""The step-plot base: a pyqtgraph plot over training steps on the time model's axis, its cursor, click to seek.

The loss curves, the class purity, the learned-at histogram and the agreement curve are each a
:class:`StepPlot`: the x axis is the training step on the time model's axis (log or linear, labelled
in steps either way), a vertical cursor marks the position, and dragging it or clicking the plot
seeks the time model. Other features add curves to a plot through :meth:`StepPlot.add_curve` (a
:class:`CurveLayer`, given in steps), never by reaching into its plot item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QWidget

from latent3d.state.model import connect_handlers
from latent3d.state.timeline import axis_to_step, step_to_axis

if TYPE_CHECKING:
    from latent3d.state.time import TimeModel

__all__ = ["CURSORS", "CurveHost", "CurveLayer", "StepAxis", "StepPlot"]

BACKGROUND = "#1e2127"
#: ``seek``: a movable cursor, and a click on the plot seeks; ``show``: a cursor that only shows; ``None``: none.
CURSORS = ("seek", "show", None)


TICK_GAP_PX = 8  # at least this much space between two step labels
CHAR_PX = 7  # about the width of a digit or comma of the axis font


def _label_px(axis_value: float) -> float:
    return CHAR_PX * len(f"{max(axis_to_step(axis_value, 'log'), 0):,.0f}")


class StepAxis(pg.AxisItem):
    """Bottom axis labelled in training steps whatever the spacing (log10(1 + step) or step)."""

    def __init__(self) -> None:
        super().__init__("bottom")
        self.mode = "log"
        # Steps are whole numbers: pyqtgraph's SI prefix turned a short run's axis into "training step (x0.001)".
        self.enableAutoSIPrefix(False)

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:  # noqa: N802, N803 - Qt's names
        """Ticks at 0, 1, 10, 100, ... steps in log mode, those whose labels have room; pyqtgraph's in linear mode.

        pyqtgraph always draws the first level of ticks, however close: 0 and 1 read "01" on a narrow plot.
        """
        if self.mode != "log":
            return super().tickValues(minVal, maxVal, size)
        major = [v for v in (step_to_axis(10 ** k, "log") if k >= 0 else 0.0 for k in range(-1, 7))
                 if minVal <= v <= maxVal]
        px = size / (maxVal - minVal) if maxVal > minVal else 0.0
        kept: list[float] = []
        for v in major:
            if kept and (v - kept[-1]) * px < (_label_px(kept[-1]) + _label_px(v)) / 2 + TICK_GAP_PX:
                continue  # too close to the label before it
            kept.append(v)
        return [(1.0, kept)]

    def tickStrings(self, values: list, scale: float, spacing: float) -> list[str]:  # noqa: N802
        """Steps as whole numbers (10 ** v - 1 in log mode)."""
        if self.mode != "log":
            return [f"{v:,.0f}" for v in values]
        return [f"{max(axis_to_step(v, 'log'), 0):,.0f}" for v in values]


class CurveLayer:
    """One curve another feature draws on a step plot, given in training steps (the plot places it on its axis).

    Hidden until :meth:`set_data`; :meth:`clear` hides it again; :meth:`remove` takes it off the plot.
    """

    def __init__(self, host: StepPlot, item: pg.PlotDataItem, name: str) -> None:
        self.host, self.item, self.name = host, item, name
        self._steps: np.ndarray | None = None
        self._values: np.ndarray | None = None
        self.clear()

    def set_data(self, steps: np.ndarray, values: np.ndarray) -> None:
        """Draw ``values`` at training ``steps`` (in place, with ``setData``) and show the curve."""
        self._steps, self._values = np.asarray(steps, np.float64), np.asarray(values, np.float64)
        self.place()

    def clear(self) -> None:
        """No data, not drawn."""
        self._steps = self._values = None
        self.item.setData([], [])
        self.item.setVisible(False)

    def place(self) -> None:
        """Put the curve on the plot's time axis (the host calls this when the axis changes)."""
        if self._steps is not None and self._values is not None:
            self.item.setData(self.host.x_of(self._steps), self._values)
            self.item.setVisible(True)

    def remove(self) -> None:
        """Take the curve off the plot (and its legend)."""
        self.host.remove_curve(self)


class CurveHost(Protocol):
    """What a feature may do with another's step plot: add a curve layer to it (the window's loss plot)."""

    def add_curve(self, name: str, pen: Any, **style: Any) -> CurveLayer:
        """A new curve named ``name`` in the legend, drawn with ``pen`` and pyqtgraph ``style`` options."""
        ...


class StepPlot(QWidget):
    """A plot over training steps on ``time``'s axis, with the position's cursor; subclasses draw in :meth:`redraw`.

    Parameters
    ----------
    time : TimeModel
    cursor : {"seek", "show", None}
        ``seek``: a movable cursor at the position, and dragging it or clicking the plot seeks;
        ``show``: a cursor that only shows the position; None: no cursor.
    cursor_pen, hover_pen : dict, optional
        ``pg.mkPen`` keywords of the cursor (and of a movable cursor under the mouse).
    parent : QWidget, optional

    Notes
    -----
    The subclass builds its curves, then calls :meth:`listen` with every model whose ``_on_<field>``
    handlers it defines (the time model's ``position`` and ``time_axis`` are handled here: the cursor
    moves, :meth:`redraw` runs and the curve layers are placed again).
    """

    #: Whether the subclass fixes the y range: a new time axis then refits x only.
    FIXED_Y = False

    def __init__(self, time: TimeModel, *, cursor: str | None = "seek", cursor_pen: dict[str, Any] | None = None,
                 hover_pen: dict[str, Any] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if cursor not in CURSORS:
            raise ValueError(f"Unknown cursor {cursor!r}; use seek, show or None.")
        self.time = time
        self.axis = StepAxis()
        self.axis.mode = time.time_axis
        self.canvas = pg.GraphicsLayoutWidget()
        self.canvas.setBackground(BACKGROUND)
        self.plot = self.canvas.addPlot(row=0, col=0, axisItems={"bottom": self.axis})
        self.plot.setMenuEnabled(False)
        self.legend: pg.LegendItem | None = None
        self.layers: list[CurveLayer] = []
        self._placing = False  # True while the cursor is moved to the position: that move does not seek
        self.position_line: pg.InfiniteLine | None = None
        if cursor is not None:
            pen = pg.mkPen(**(cursor_pen or {"color": "#ffcc33", "width": 1.5}))
            hover = pg.mkPen(**hover_pen) if hover_pen is not None else None
            self.position_line = pg.InfiniteLine(angle=90, movable=cursor == "seek", pen=pen, hoverPen=hover)
        if cursor == "seek":
            assert self.position_line is not None
            self.position_line.sigPositionChanged.connect(self._on_cursor_dragged)
            self.canvas.scene().sigMouseClicked.connect(self._on_clicked)
        self.row = QHBoxLayout(self)  # the canvas first; a subclass may add widgets beside it
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(2)
        self.row.addWidget(self.canvas, 1)
        self._disconnects: list[Callable[[], None]] = []

    def listen(self, *models: Any) -> None:
        """Connect this plot's ``_on_<field>`` handlers to ``models``; the first call also adds the cursor.

        The subclass calls it once its curves are in the plot, so that the cursor is drawn over them.
        """
        if self.position_line is not None and self.position_line.scene() is None:
            self.plot.addItem(self.position_line)
        self._disconnects += [connect_handlers(m, self) for m in models]

    def close_plot(self) -> None:
        """Stop listening to the models."""
        for disconnect in self._disconnects:
            disconnect()
        self._disconnects = []

    # -- the time axis ----------------------------------------------------------------------------

    def x_of(self, steps: np.ndarray | float) -> np.ndarray:
        """Training ``steps`` on the time model's axis."""
        return np.asarray(step_to_axis(np.asarray(steps, np.float64), self.time.time_axis), np.float64)

    def redraw(self) -> None:
        """Set the subclass's curves from its models (in place, with ``setData``)."""

    def fit_run_span(self) -> None:
        """Frame step 0 to the run's last step (an empty plot: pyqtgraph would guess a range around no data)."""
        run = self.time.run
        last = float(run.steps[-1]) if run is not None and len(run.steps) else 1.0
        lo, hi = self.x_of(np.array([0.0, max(last, 1.0)]))
        self.plot.setXRange(float(lo), float(hi), padding=0.02)

    def _on_time_axis(self, axis: str) -> None:
        self.axis.mode = axis
        self.redraw()
        for layer in self.layers:
            layer.place()
        self.plot.enableAutoRange(axis="x" if self.FIXED_Y else None)

    # -- the cursor -------------------------------------------------------------------------------

    @contextmanager
    def placing(self) -> Iterator[None]:
        """Moves of the cursor inside this block are the plot's own: they do not seek."""
        was, self._placing = self._placing, True
        try:
            yield
        finally:
            self._placing = was

    def set_cursor_bounds(self, lo: float, hi: float) -> None:
        """Keep a movable cursor between axis values ``lo`` and ``hi``, then put it at the position.

        The cursor still holds the old axis's value: clamped to the new bounds, it must not seek.
        """
        if self.position_line is not None:
            with self.placing():
                self.position_line.setBounds((lo, hi))
            self._on_position(self.time.position)

    def _on_position(self, u: float) -> None:
        time = self.time.time
        if time is None or self.position_line is None:
            return
        with self.placing():
            self.position_line.setValue(float(self.x_of(time.step_at(u))))

    def seek_axis_value(self, value: float) -> None:
        """Seek the time model to axis value ``value`` (a training step on its axis)."""
        self.time.seek_step(float(axis_to_step(value, self.time.time_axis)))

    def _on_cursor_dragged(self, line: pg.InfiniteLine) -> None:
        if not self._placing:
            self.seek_axis_value(float(line.value()))

    def _on_clicked(self, event: object) -> None:
        pos = event.scenePos()  # type: ignore[attr-defined]
        vb = self.plot.vb
        if vb.sceneBoundingRect().contains(pos):
            self.seek_axis_value(float(vb.mapSceneToView(pos).x()))

    # -- curve layers -----------------------------------------------------------------------------

    def add_curve(self, name: str, pen: Any, **style: Any) -> CurveLayer:
        """A curve layer named ``name`` (in the legend, if the plot has one), drawn with ``pen`` and ``style``.

        Parameters
        ----------
        name : str
        pen : pen
            Anything ``pg.mkPen`` takes.
        **style
            ``PlotDataItem`` options (``symbol``, ``symbolSize``, ``symbolBrush``...).

        Returns
        -------
        CurveLayer
            Hidden until its :meth:`CurveLayer.set_data`.
        """
        item = self.plot.plot(pen=pg.mkPen(pen) if not isinstance(pen, dict) else pg.mkPen(**pen), **style)
        if self.legend is not None:
            self.legend.addItem(item, name)
        layer = CurveLayer(self, item, name)
        self.layers.append(layer)
        return layer

    def remove_curve(self, layer: CurveLayer) -> None:
        """Take ``layer`` off the plot and its legend."""
        if layer in self.layers:
            self.layers.remove(layer)
            if self.legend is not None:
                self.legend.removeItem(layer.item)
            self.plot.removeItem(layer.item)
