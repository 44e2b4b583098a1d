"""Class separation over training (pyqtgraph): each class's kNN purity per snapshot, with the learning events marked.

A step plot as the loss panel (training step, log or linear), a line at the position, clicking the
plot or an event's line seeks there; the legend's entries show or hide their curves, and so do the
display model's hidden classes. A view of the learning model: its result and its progress note.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from latent3d.analysis.learning import LearningAnalysis
from latent3d.analysis.purity import LearningEvent
from latent3d.data.datasets import CLASS_NAMES
from latent3d.qt.widgets.step_plot import StepPlot
from latent3d.scene.core.look import CLASS_COLORS

if TYPE_CHECKING:
    from latent3d.state.display import DisplayModel
    from latent3d.state.learning import LearningModel
    from latent3d.state.time import TimeModel

__all__ = ["LABEL_GAP", "PurityPlot", "event_colour", "plain_tip", "short_label"]

LABEL_GAP = 0.05  # the least distance between two labelled event lines, as a share of the x range


def short_label(event: LearningEvent) -> str:
    """``"Trouser"`` for a class event, ``"½ loss"`` for the loss's half drop."""
    return event.label.removesuffix(" separates") if event.cls is not None else "½ loss"


def plain_tip(text: str) -> str:
    """``text`` as a tooltip shown literally (names in it come from run.json)."""
    return f"<span>{html.escape(text)}</span>"


def event_colour(event: LearningEvent) -> tuple[int, int, int]:
    """The class colour of a class event; the test-loss yellow for the loss event."""
    return tuple(CLASS_COLORS[event.cls]) if event.cls is not None else (255, 204, 51)  # type: ignore[return-value]


class PurityPlot(StepPlot):
    """kNN class purity of the run at each snapshot, with the learning events, from the learning model.

    Parameters
    ----------
    learning : LearningModel
        Its ``result`` is drawn; its ``status`` is written in the plot while the analysis runs.
    time : TimeModel
    display : DisplayModel
        Its hidden classes' curves are hidden.
    parent : QWidget, optional
    """

    FIXED_Y = True

    def __init__(self, learning: LearningModel, time: TimeModel, display: DisplayModel,
                 parent: QWidget | None = None) -> None:
        super().__init__(time, cursor="seek", cursor_pen={"color": "#ffcc33", "width": 1.5},
                         hover_pen={"color": "#ffe680", "width": 3}, parent=parent)
        self.learning = learning
        self.plot.setLabel("left", "kNN purity")  # no title: the tab is short, the plot gets its height
        self.plot.setToolTip("Class separation: the fraction of each code's 10 nearest codes that share its class, "
                             "averaged per class, at each snapshot")
        self.plot.setLabel("bottom", "training step")
        self.plot.setYRange(0.0, 1.0, padding=0.02)
        # Beside the plot in one narrow column: under it, the legend left the plot no height; in two columns it
        # took more width than the plot had.
        self.legend = pg.LegendItem(labelTextColor="#d7dae0", colCount=1, labelTextSize="7pt",
                                    verSpacing=-10, horSpacing=2)
        self.canvas.addItem(self.legend, row=0, col=1)
        self.overall = self.plot.plot(pen=pg.mkPen("#e8e8e8", width=2.5))
        self.legend.addItem(self.overall, "all points")
        self.classes = []
        for name, rgb in zip(CLASS_NAMES, CLASS_COLORS):
            curve = self.plot.plot(pen=pg.mkPen(rgb, width=1.4))
            self.legend.addItem(curve, name)
            self.classes.append(curve)
        self.event_lines: list[pg.InfiniteLine] = []
        self._events: list[LearningEvent] = []  # the event of each line
        self.note = pg.TextItem("", color="#8a90a0", anchor=(0, 0))
        self.plot.addItem(self.note, ignoreBounds=True)
        self.listen(time, learning, display)
        self._on_status(learning.status)
        self._on_result(learning.result)

    # -- models -> plot ---------------------------------------------------------------------------

    def _on_status(self, note: str) -> None:
        self.note.setText(note)
        self.note.setPos(0.0, 1.0)

    def _on_result(self, analysis: LearningAnalysis | None) -> None:
        names = analysis.class_names if analysis is not None else CLASS_NAMES
        assert self.legend is not None
        for (_sample, label), name in zip(self.legend.items[1:], names):  # a run of another dataset: its names
            label.setText(html.escape(name))  # pyqtgraph labels are HTML; names come from run.json
        self.redraw()

    def _on_hidden_classes(self, hidden: frozenset[int]) -> None:
        for c, curve in enumerate(self.classes):
            curve.setVisible(c not in hidden)  # the display model's hidden classes hide the curves too

    def redraw(self) -> None:
        """Set the curves and the event lines from the analysis (curves in place, with ``setData``)."""
        a = self.learning.result
        if a is None:
            for curve in (self.overall, *self.classes):
                curve.setData([], [])
            self._set_events([])
            return
        x = self.x_of(a.steps)
        self.overall.setData(x, a.purity_all, connect="finite")
        for c, curve in enumerate(self.classes):
            curve.setData(x, a.purity[:, c], connect="finite")
        self._set_events(a.events)
        self.set_cursor_bounds(float(x[0]), float(x[-1]))

    def _set_events(self, events: list[LearningEvent]) -> None:
        while len(self.event_lines) > len(events):  # a handful of lines, rebuilt only when the run changes
            self.plot.removeItem(self.event_lines.pop())
        while len(self.event_lines) < len(events):
            line = pg.InfiniteLine(angle=90, movable=False, label="", labelOpts={"rotateAxis": (1, 0)})
            line.sigClicked.connect(self._on_event_clicked)
            self.plot.addItem(line)
            self.event_lines.append(line)
        a = self.learning.result
        steps = a.steps if a is not None else np.zeros(1)
        ends = self.x_of(np.array([steps[0], steps[-1]]))
        gap = LABEL_GAP * max(float(ends[1] - ends[0]), 1e-9)
        last = -np.inf
        for line, event in zip(self.event_lines, events):
            rgb = event_colour(event)
            line.setPen(pg.mkPen((*rgb, 150), width=1, style=pg.QtCore.Qt.PenStyle.DashLine))
            x = float(self.x_of(event.step))
            line.setValue(x)
            # Early events crowd together: a label only where it cannot touch the one before; every line keeps
            # its tooltip and click, and the Events list names them all.
            text = short_label(event) if x - last >= gap else ""
            last = x if text else last
            # Plain text (a TextItem), but setFormat is a str.format template: braces in a name from run.json doubled
            line.label.setFormat(text.replace("{", "{{").replace("}", "}}"))
            line.label.setColor(rgb)
            line.label.setPosition(0.5)
            line.setToolTip(plain_tip(event.tooltip(steps)))
        self._events = list(events)

    # -- plot -> time -----------------------------------------------------------------------------

    def _on_event_clicked(self, line: pg.InfiniteLine, _event: object) -> None:
        # The plot's own click handler ran first (pyqtgraph emits the scene's click before the item's):
        # this puts the position exactly on the event.
        self.time.seek_step(self._events[self.event_lines.index(line)].step)

    def close_panel(self) -> None:
        """Stop listening to the models."""
        self.close_plot()
