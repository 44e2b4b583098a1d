"""Hovering a point in the 3-D view shows its index and class in a tooltip, as the data map's hover does.

The mouse must rest a moment (a pick is a hardware selection pass, too dear for every move), with no
button held (a drag moves the camera or draws a selection).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QToolTip

from latent3d.state.time import TimeModel

__all__ = ["HOVER_REST_MS", "HoverTip"]

HOVER_REST_MS = 300  # how long the mouse rests on a point before its tooltip shows


class HoverTip(QObject):
    """Shows ``#index class`` for the point under a resting mouse in ``view``.

    Parameters
    ----------
    time : TimeModel
        The run shown (its labels and class names).
    view : LatentView
        The 3-D view: its widget's mouse moves, its scene's hardware pick.
    """

    def __init__(self, time: TimeModel, view: Any) -> None:
        super().__init__(view)
        self.time, self.view = time, view
        self._pos = QPoint()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(HOVER_REST_MS)
        self._timer.timeout.connect(self._on_rest)
        view.installEventFilter(self)

    def text_at(self, pos: QPoint) -> str:
        """The tooltip for widget position ``pos`` (top-left origin, logical pixels): ``"#123 Trouser"`` or ``""``."""
        run = self.time.run
        scene = self.view.scene
        if run is None or scene.n_points != len(run.labels):
            return ""
        dpr = self.view.devicePixelRatioF()
        h = self.view.ren_win.GetSize()[1]
        i = scene.pick(int(round(pos.x() * dpr)), int(round(h - 1 - pos.y() * dpr)))
        if i is None:
            return ""
        names = run.class_names
        label = int(run.labels[i])
        return f"#{i} {names[label] if 0 <= label < len(names) else label}"

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Restart the rest timer on a move without buttons; hide the tooltip on a press or when the mouse leaves."""
        kind = event.type()
        if kind == QEvent.Type.MouseMove and isinstance(event, QMouseEvent):
            if event.buttons() == Qt.MouseButton.NoButton:
                self._pos = event.position().toPoint()
                self._timer.start()
            else:
                self._timer.stop()
        elif kind in (QEvent.Type.MouseButtonPress, QEvent.Type.Leave, QEvent.Type.Wheel):
            self._timer.stop()
            QToolTip.hideText()
        return False  # the view handles the event as before

    def _on_rest(self) -> None:
        text = self.text_at(self._pos)
        if text:
            QToolTip.showText(self.view.mapToGlobal(self._pos), text, self.view)
        else:
            QToolTip.hideText()

    def close(self) -> None:
        """Stop watching the view."""
        self._timer.stop()
        self.view.removeEventFilter(self)
