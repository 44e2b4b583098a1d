"""The window's side panel: the legend first, the image boxes, then tabs that scroll on their own."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QLabel, QLayout, QScrollArea, QSizePolicy, QTabWidget, QVBoxLayout, QWidget

__all__ = ["SidePanel"]

TABS_MIN_HEIGHT = 190  # the last slot shows a row of neighbour images and the probe's readout before scrolling


class _Content(QWidget):
    """Never squeezed below its natural height: the scroll area scrolls instead (else the boxes shrank)."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """As wide as the narrowest layout, as tall as the natural one."""
        return QSize(super().minimumSizeHint().width(), self.sizeHint().height())


def _scrolling(widget: QWidget, frame: bool = True) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    if not frame:
        area.setFrameShape(QFrame.Shape.NoFrame)
    return area


class SidePanel(QScrollArea):
    """Legend, image boxes and a tab per ``(widget, name)`` in ``tabs``, in fixed slots.

    The legend comes first, so nothing the panels below show (a selection, free roam, the sentence
    saying the dataset is missing) can move it under the cursor or push it out of a small window.
    Tabs that grow with what they show (neighbours, decoder map, own images, the group) each scroll
    on their own, so nothing above them moves.
    """

    def __init__(self, legend: QWidget, boxes: QWidget, tabs: list[tuple[QWidget, str]]) -> None:
        super().__init__()
        content = _Content()
        column = QVBoxLayout(content)
        # The layout grows the panel at once when its content grows (the scroll area alone would resize
        # it on a later turn of the event loop, and meanwhile the boxes were squeezed).
        column.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        column.addWidget(QLabel("<b>Classes</b> <span style='color:#8a90a0'>(uncheck to hide)</span>"))
        column.addWidget(legend)
        column.addWidget(boxes)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.areas: dict[str, QScrollArea] = {}
        for widget, name in tabs:
            self.areas[name] = _scrolling(widget, frame=False)
            self.tabs.addTab(self.areas[name], name)
        self.tabs.setMinimumHeight(TABS_MIN_HEIGHT)
        self.tabs.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        column.addWidget(self.tabs, 1)
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # As wide as the content plus a vertical scroll bar: nothing is cut at the right edge.
        self.natural_width = content.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width() + 4
        self.setMinimumWidth(self.natural_width)

    def show_tab(self, name: str) -> None:
        """Bring tab ``name`` to the front."""
        self.tabs.setCurrentWidget(self.areas[name])
