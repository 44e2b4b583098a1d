"""A feature's panel in a frame that can say, in one line, why the feature is off for the run shown."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from latent3d.qt.widgets.dialogs import plain_label

__all__ = ["FeatureFrame"]

NOTE_STYLE = "color:#e0b050; padding:2px 4px;"


class FeatureFrame(QWidget):
    """Holds ``panel``; :meth:`set_off` disables it and shows why above it (None: on again, the line hidden)."""

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

    @property
    def reason(self) -> str | None:
        """Why the feature is off, or None while it is on."""
        return self.note.text() if self.note.isVisibleTo(self) else None

    def set_off(self, reason: str | None) -> None:
        """Off with one sentence saying why (``reason``), or on again (None)."""
        self.note.setText(reason or "")
        self.note.setVisible(reason is not None)
        self.panel.setEnabled(reason is None)
