"""Learning events as labelled ticks under the timeline's slider: hover says what and how, a click seeks there.

It lines up with the slider it is given wherever it is placed: the ticks sit where the slider puts
those steps on the state's time axis (log or linear). Given a ``host`` (the timeline's epoch-tick
strip) it lies over it, transparent, and takes no height of its own: one row of labels, none over an
epoch label (events crowd epoch 1, where the log axis has room).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSlider, QToolTip, QWidget

from latent3d.analysis.learning import LearningAnalysis
from latent3d.analysis.purity import LearningEvent
from latent3d.qt.learning.purity_plot import event_colour, plain_tip, short_label
from latent3d.qt.learning.service import LearningService
from latent3d.state.viewer_state import ViewerState, connect_handlers

__all__ = ["EventTicks"]

HANDLE_MARGIN = 8  # the slider handle's half width: where value 0 and the maximum are drawn (as EpochTicks)
ROW_H = 13
HIT_PX = 6  # how near a tick the mouse must be to show its tooltip or seek to it


class EventTicks(QWidget):
    """Ticks at the learning events of the state's run, aligned with ``slider``.

    Parameters
    ----------
    state : ViewerState
    service : LearningService
    slider : QSlider
        The timeline's slider the ticks line up with.
    host : QWidget, optional
        A strip to lie over (``Timeline.ticks``, whose ``fractions`` are its epoch labels); without
        one the ticks are a widget of their own with two rows of labels.
    parent : QWidget, optional
    """

    def __init__(self, state: ViewerState, service: LearningService, slider: QSlider,
                 host: QWidget | None = None, parent: QWidget | None = None) -> None:
        super().__init__(host if host is not None else parent)
        self.state, self.service, self.slider, self.host = state, service, slider, host
        self.events: list[LearningEvent] = []
        self.analysis: LearningAnalysis | None = None
        self.rows = 2 if host is None else 1
        if host is None:
            self.setFixedHeight(2 * ROW_H + 6)
        else:
            host.installEventFilter(self)
            self.setGeometry(host.rect())
            self.raise_()
        self.setMouseTracking(True)
        self.setToolTip("")
        self._disconnect = connect_handlers(state.events, self)
        service.ready.connect(self.set_analysis)
        self.set_analysis(service.analysis)

    def set_analysis(self, analysis: LearningAnalysis | None) -> None:
        """Show the events of ``analysis`` (none for None)."""
        self.analysis = analysis
        self.events = [] if analysis is None else list(analysis.events)
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Cover the host whenever it is resized."""
        if watched is self.host and event.type() == QEvent.Type.Resize and self.host is not None:
            self.setGeometry(self.host.rect())
        return False

    def _taken(self, fm: QFontMetrics) -> list[tuple[float, float]]:
        """The x ranges of the host's epoch labels (all of them: a label it skipped is avoided too)."""
        fractions = getattr(self.host, "fractions", None) or []
        left, width = self._span()
        out = []
        for frac, text in fractions:
            x, w = left + frac * width, fm.horizontalAdvance(text)
            out.append((x - w / 2 - 2, x + w / 2 + 2))
        return out

    def _on_run(self, _run: object) -> None:
        self.update()  # the steps' places on the axis changed

    def _on_time_axis(self, _axis: str) -> None:
        self.update()

    def _span(self) -> tuple[float, float]:
        """Left x and width, in this widget's pixels, of the slider's range."""
        left = self.mapFromGlobal(self.slider.mapToGlobal(QPoint(0, 0))).x() if self.slider.isVisible() else 0
        width = self.slider.width() if self.slider.isVisible() else self.width()
        return left + HANDLE_MARGIN, max(width - 2 * HANDLE_MARGIN, 1)

    def tick_x(self, event: LearningEvent) -> float:
        """Where ``event``'s tick is drawn, in this widget's pixels."""
        time = self.state.time
        left, width = self._span()
        if time is None:
            return left
        return left + time.fraction(time.at_step(event.step), self.state.time_axis) * width

    def event_at(self, x: float) -> LearningEvent | None:
        """The event whose tick is nearest ``x`` within a few pixels, or None."""
        best = min(self.events, key=lambda e: abs(self.tick_x(e) - x), default=None)
        return best if best is not None and abs(self.tick_x(best) - x) <= HIT_PX else None

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        """Ticks in the events' colours; labels on the rows, skipped where they would overlap."""
        p = QPainter(self)
        fm = p.fontMetrics()
        ends = [-1e9] * self.rows  # right end of the last label drawn on each row
        taken = self._taken(fm)
        top = 5 if self.host is None else 3
        for event in self.events:
            x = self.tick_x(event)
            colour = QColor(*event_colour(event))
            p.setPen(colour)
            p.drawLine(int(x), 0, int(x), 5)
            text = short_label(event)
            w = fm.horizontalAdvance(text)
            a, b = x - w / 2, x + w / 2
            row = next((r for r in range(self.rows) if a > ends[r] + 3), -1)
            if row >= 0 and not any(a < hi and b > lo for lo, hi in taken):
                p.drawText(QRectF(a, top + row * ROW_H, w + 2, ROW_H), Qt.AlignmentFlag.AlignCenter, text)
                ends[row] = b
        p.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """Show the tooltip of the tick under the mouse (what the event is, how it was placed)."""
        hit = self.event_at(event.position().x())
        if hit is None or self.analysis is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(event.globalPosition().toPoint(), plain_tip(hit.tooltip(self.analysis.steps)), self)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """Seek to the event under the mouse."""
        hit = self.event_at(event.position().x())
        if hit is not None:
            self.state.seek_step(hit.step)

    def close_ticks(self) -> None:
        """Stop listening to the state and the service."""
        self._disconnect()
        self.service.ready.disconnect(self.set_analysis)
