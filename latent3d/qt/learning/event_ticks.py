"""Learning events as a tick layer of the timeline: labelled ticks under the slider; hover says what, a click seeks.

The timeline places the ticks (where its slider puts those steps on the time axis shown) and keeps
their labels off its epoch labels (:mod:`latent3d.qt.timeline.ticks`): one row of labels, none over an
epoch label (events crowd epoch 1, where the log axis has room).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, Qt
from PySide6.QtGui import QColor, QPainter

from latent3d.analysis.learning import LearningAnalysis
from latent3d.analysis.purity import LearningEvent
from latent3d.qt.learning.purity_plot import event_colour, plain_tip, short_label
from latent3d.qt.timeline.ticks import Ruler, TickLayer
from latent3d.state.learning import LearningModel

__all__ = ["EventTicks"]

ROW_H = 13
TOP = 3  # the labels' top, under the ticks
HIT_PX = 6  # how near a tick the mouse must be to show its tooltip or seek to it


class EventTicks(TickLayer):
    """Ticks at the learning events of the run shown (add it with ``Timeline.add_tick_layer``).

    Parameters
    ----------
    learning : LearningModel
        Its ``result`` is the analysis whose events are shown (written by the analysis worker).
    parent : QObject, optional
    """

    def __init__(self, learning: LearningModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.learning = learning
        self.events: list[LearningEvent] = []
        self.analysis: LearningAnalysis | None = None
        learning.events.result.connect(self._on_result)
        self._on_result(learning.result)

    def _on_result(self, analysis: LearningAnalysis | None) -> None:
        self.analysis = analysis
        self.events = [] if analysis is None else list(analysis.events)
        self.changed.emit()

    def tick_x(self, event: LearningEvent, ruler: Ruler) -> float:
        """Where ``event``'s tick is drawn, in the strip's pixels."""
        return ruler.x(event.step)

    def event_at(self, x: float, ruler: Ruler) -> LearningEvent | None:
        """The event whose tick is nearest ``x`` within a few pixels, or None."""
        best = min(self.events, key=lambda e: abs(self.tick_x(e, ruler) - x), default=None)
        return best if best is not None and abs(self.tick_x(best, ruler) - x) <= HIT_PX else None

    def paint(self, painter: QPainter, ruler: Ruler) -> None:
        """Ticks in the events' colours; labels in one row, skipped where they would overlap (an epoch label too)."""
        fm = painter.fontMetrics()
        end = -1e9  # right end of the last label drawn
        for event in self.events:
            x = self.tick_x(event, ruler)
            painter.setPen(QColor(*event_colour(event)))
            painter.drawLine(int(x), 0, int(x), 5)
            text = short_label(event)
            w = fm.horizontalAdvance(text)
            a, b = x - w / 2, x + w / 2
            if a > end + 3 and not any(a < hi and b > lo for lo, hi in ruler.taken):
                painter.drawText(QRectF(a, TOP, w + 2, ROW_H), Qt.AlignmentFlag.AlignCenter, text)
                end = b

    def tip_at(self, x: float, ruler: Ruler) -> str | None:
        """What the event under the mouse is, and how it was placed."""
        hit = self.event_at(x, ruler)
        return None if hit is None or self.analysis is None else plain_tip(hit.tooltip(self.analysis.steps))

    def step_at(self, x: float, ruler: Ruler) -> float | None:
        """The step of the event under the mouse."""
        hit = self.event_at(x, ruler)
        return None if hit is None else float(hit.step)

    def close_ticks(self) -> None:
        """Leave the timeline and stop listening to the learning model."""
        self.leave()
        self.learning.events.result.disconnect(self._on_result)
