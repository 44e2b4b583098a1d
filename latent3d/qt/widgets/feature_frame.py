"""A feature's panel in a frame that can say, in one line, why the feature is off for the run shown."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from latent3d.qt.widgets.dialogs import plain_label

__all__ = ["FeatureFrame"]

NOTE_STYLE = "color:#e0b050; padding:2px 4px;"


class FeatureFrame(QWidget):
    """Holds ``panel``; :meth:`set_off` disables it and shows why above it (None: on again, the line hidden).

    The frame shows and hides with its panel: a panel that hides itself until it has something to show
    (the compared run's linked view) leaves no empty frame behind, and a splitter gives it room again
    when it shows.
    """

    def __init__(self, panel: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panel = panel
        self.note = plain_label(QLabel())
        self.note.setWordWrap(True)
        self.note.setStyleSheet(NOTE_STYLE)
        self.note.hide()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.note)
        column.addWidget(panel, 1)
        if panel.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide) and panel.isHidden():
            self.hide()  # the panel hid itself before it was framed
        panel.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Show or hide the frame with its panel."""
        if watched is self.panel and event.type() in (QEvent.Type.ShowToParent, QEvent.Type.HideToParent):
            self.setVisible(event.type() == QEvent.Type.ShowToParent)
        return False

    @property
    def reason(self) -> str | None:
        """Why the feature is off, or None while it is on."""
        return self.note.text() if self.note.isVisibleTo(self) else None

    def set_off(self, reason: str | None) -> None:
        """Off with one sentence saying why (``reason``), or on again (None)."""
        self.note.setText(reason or "")
        self.note.setVisible(reason is not None)
        self.panel.setEnabled(reason is None)
