"""The strip under the timeline's slider and its tick layers: the epoch ticks and any feature's (learning events).

The strip owns the geometry: it tells each layer where a training step lies in its pixels on the
time axis shown (a :class:`Ruler`), paints the layers in the order they were added, and asks them,
topmost first, what the mouse is over (a tooltip) and where a click seeks to. A layer only knows its
ticks; it never reads the slider or another layer (issue 28: the event ticks used to paint over the
epoch strip, read its fractions and copy its margin).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, QRectF, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QToolTip, QWidget

from latent3d.state.time import TimeModel
from latent3d.state.timeline import Timebase

__all__ = ["HANDLE_MARGIN", "EpochTicks", "Ruler", "Span", "TickLayer", "TickStrip"]

HANDLE_MARGIN = 8  # the slider handle's half width: where value 0 and the maximum are drawn
STRIP_HEIGHT = 16
Span = tuple[float, float]  # an x range of the strip, in pixels
LABEL_GAP = 2  # px between two epoch labels
LABEL_SCALE = 0.85  # the epoch labels' font size, of the window's


@dataclass(frozen=True)
class Ruler:
    """Where ticks go in the strip: training steps to x pixels on the time axis shown.

    Attributes
    ----------
    time : Timebase or None
        The run's snapshots (None without a run: every tick at ``left``).
    axis : {"log", "linear"}
    left, width : float
        The x of the slider's first value and the pixels to its last (the handle's half width in).
    taken : tuple of (float, float)
        The x ranges the labels of the layers painted before this one take: keep labels out of them.
    """

    time: Timebase | None
    axis: str
    left: float
    width: float
    taken: tuple[Span, ...] = ()

    def at(self, fraction: float) -> float:
        """The x of ``fraction`` (0..1) of the axis."""
        return self.left + fraction * self.width

    def x(self, step: float) -> float:
        """The x of training step ``step`` (clamped to the run), where the slider puts that step."""
        if self.time is None:
            return self.left
        return self.at(self.time.fraction(self.time.at_step(step), self.axis))


class TickLayer(QObject):
    """One kind of tick in the timeline's strip; subclasses paint, and may answer hover and click.

    Emit :attr:`changed` when the ticks change (the strip repaints); the strip repaints by itself on
    a new run, a new time axis and a resize.
    """

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._leave: Callable[[], None] | None = None

    def paint(self, painter: QPainter, ruler: Ruler) -> None:
        """Draw the ticks (the strip saves and restores the painter around it)."""

    def label_spans(self, ruler: Ruler, metrics: QFontMetrics) -> list[Span]:
        """The x ranges this layer's labels take, which the layers above keep their labels out of."""
        return []

    def tip_at(self, x: float, ruler: Ruler) -> str | None:
        """The tooltip of the tick at ``x``, or None."""
        return None

    def step_at(self, x: float, ruler: Ruler) -> float | None:
        """The training step a click at ``x`` seeks to, or None (the click is not this layer's)."""
        return None

    def leave(self) -> None:
        """Leave the strip it was added to (nothing if none)."""
        if self._leave is not None:
            self._leave()


class EpochTicks(TickLayer):
    """A tick at every epoch end, labelled with the epoch where the label does not overlap its left neighbour."""

    def labels(self, ruler: Ruler) -> list[tuple[float, str]]:
        """(fraction of the axis, text) of every epoch end of the run."""
        time = ruler.time
        if time is None:
            return []
        end = time.axis_value(time.last_step, ruler.axis)
        out = []
        for e in range(time.last_step // time.steps_per_epoch + 1):
            x = time.axis_value(e * time.steps_per_epoch, ruler.axis)
            out.append((x / end if end > 0 else 0.0, str(e)))
        return out

    @staticmethod
    def label_font(base: QFont) -> QFont:
        """The epoch labels' font: a little smaller than the window's, so that more epochs fit in log time."""
        font = QFont(base)
        font.setPointSizeF(base.pointSizeF() * LABEL_SCALE)
        return font

    def shown_labels(self, ruler: Ruler, metrics: QFontMetrics) -> list[tuple[float, str]]:
        """(x, text) of the labels drawn: the last epoch's always, then from the left each one that fits.

        Left to right, a label is kept when it clears the one before it and the last epoch's: as many as fit
        (in log time the epochs crowd to the right, so the last one was the first to go).
        """
        labels = [(ruler.at(frac), text) for frac, text in self.labels(ruler)]
        if not labels:
            return []
        last_x, last_text = labels[-1]
        right = last_x - metrics.horizontalAdvance(last_text) / 2 - LABEL_GAP
        kept, end = [], -1e9
        for x, text in labels[:-1]:
            half = metrics.horizontalAdvance(text) / 2
            if x - half > end + LABEL_GAP and x + half < right:
                kept.append((x, text))
                end = x + half
        return [*kept, labels[-1]]

    def paint(self, painter: QPainter, ruler: Ruler) -> None:
        """Draw a tick at every epoch end and the labels that fit (:meth:`shown_labels`)."""
        painter.setPen(QColor("#8a90a0"))
        painter.setFont(self.label_font(painter.font()))
        fm = painter.fontMetrics()
        for frac, _text in self.labels(ruler):
            x = ruler.at(frac)
            painter.drawLine(int(x), 0, int(x), 4)
        for x, text in self.shown_labels(ruler, fm):
            w = fm.horizontalAdvance(text)
            painter.drawText(QRectF(x - w / 2, 4, w + 2, 12), text)

    def label_spans(self, ruler: Ruler, metrics: QFontMetrics) -> list[Span]:
        """Every epoch label's range, a skipped one's too (a label above it would read as an epoch)."""
        out = []
        for frac, text in self.labels(ruler):
            x, w = ruler.at(frac), metrics.horizontalAdvance(text)
            out.append((x - w / 2 - 2, x + w / 2 + 2))
        return out


class TickStrip(QWidget):
    """The strip under the slider: paints its layers, shows the tooltip of the tick under the mouse, seeks on a click.

    Parameters
    ----------
    time : TimeModel
        The run and time axis the ticks are placed on; a click on a tick seeks it.
    parent : QWidget, optional

    Notes
    -----
    It sits in the slider's column at the slider's width, so the slider's value 0 and maximum are
    :data:`HANDLE_MARGIN` pixels in from its ends.
    """

    def __init__(self, time: TimeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.time = time
        self.layers: list[TickLayer] = []
        self.setFixedHeight(STRIP_HEIGHT)
        self.setMouseTracking(True)
        self.setToolTip("")

    def add_layer(self, layer: TickLayer) -> None:
        """Paint ``layer`` above the layers added before it; ``layer.leave()`` takes it out again."""
        self.layers.append(layer)
        layer.changed.connect(self.update)
        layer._leave = lambda: self._remove(layer)
        self.update()

    def _remove(self, layer: TickLayer) -> None:
        if layer in self.layers:
            self.layers.remove(layer)
            layer.changed.disconnect(self.update)
            self.update()
        layer._leave = None

    def ruler(self, layer: TickLayer | None = None) -> Ruler:
        """Where ticks go now; for ``layer``, with the label ranges of the layers below it taken."""
        base = Ruler(self.time.time, self.time.time_axis, HANDLE_MARGIN, max(self.width() - 2 * HANDLE_MARGIN, 1))
        if layer is None:
            return base
        taken: list[Span] = []
        for below in self.layers[: self.layers.index(layer)]:
            taken += below.label_spans(replace(base, taken=tuple(taken)), self.fontMetrics())
        return replace(base, taken=tuple(taken))

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        """Paint the layers bottom first, each told the label ranges of those below it."""
        p = QPainter(self)
        base = self.ruler()
        taken: list[Span] = []
        for layer in self.layers:
            ruler = replace(base, taken=tuple(taken))
            p.save()
            layer.paint(p, ruler)
            p.restore()
            taken += layer.label_spans(ruler, p.fontMetrics())
        p.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """Show the tooltip of the topmost tick under the mouse (what it is, how it was placed)."""
        x, ruler = event.position().x(), self.ruler()
        tip = next((t for layer in reversed(self.layers) if (t := layer.tip_at(x, ruler)) is not None), None)
        if tip is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(event.globalPosition().toPoint(), tip, self)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """Seek to the topmost tick under the mouse."""
        x, ruler = event.position().x(), self.ruler()
        step = next((s for layer in reversed(self.layers) if (s := layer.step_at(x, ruler)) is not None), None)
        if step is not None:
            self.time.seek_step(step)
        else:
            super().mousePressEvent(event)
