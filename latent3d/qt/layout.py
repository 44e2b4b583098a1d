"""Where the features' panels go: the side panel (legend, image boxes, scrolling tabs), the tabs under the timeline."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLayout,
    QMainWindow,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from latent3d.qt.features import Panel
from latent3d.qt.timeline.widget import Timeline

__all__ = ["PanelLayout", "SidePanel"]

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


BOTTOM_HEIGHT = 130  # loss curves / filmstrip / path tabs under the timeline, at start


class PanelLayout:
    """Places panels: the 3-D view and what goes beside it, the timeline, the tabs under it, the side panel.

    Parameters
    ----------
    window : QMainWindow
        Gets the layout as its central widget and the status panels in its status bar.
    view : QWidget
        The 3-D view.
    timeline : Timeline
    panels : sequence of Panel
        Every feature's panels and the window's own (the loss plot in the loss tab), in any order.
    """

    def __init__(self, window: QMainWindow, view: QWidget, timeline: Timeline, panels: Sequence[Panel]) -> None:
        def area(name: str) -> list[Panel]:
            return sorted((p for p in panels if p.area == name), key=lambda p: p.order)

        upper = QWidget()
        uv = QVBoxLayout(upper)
        uv.setContentsMargins(0, 0, 0, 0)
        self.views = QSplitter(Qt.Orientation.Horizontal)
        for widget in (view, *(p.widget for p in area("beside-view"))):
            self.views.addWidget(widget)
        uv.addWidget(self.views, 1)
        uv.addWidget(timeline)
        for p in area("timeline-row"):
            timeline.add_to_row(p.widget)  # controls that change what playback shows
        loss_tab = QSplitter(Qt.Orientation.Horizontal)
        for p in area("loss-tab"):
            loss_tab.addWidget(p.widget)
            loss_tab.setStretchFactor(loss_tab.count() - 1, p.stretch)
        self.bottom_tabs = QTabWidget()
        self.bottom_tabs.setDocumentMode(True)
        for p in [Panel(loss_tab, "bottom-tab", "Loss curves", order=10), *area("bottom-tab")]:
            self.bottom_tabs.addTab(p.widget, p.title)
        self.bottom_tabs.setMinimumHeight(90)
        # The 3-D view gets the room; the tabs under it start small and can be dragged taller.
        self.vsplitter = QSplitter(Qt.Orientation.Vertical)
        self.vsplitter.addWidget(upper)
        self.vsplitter.addWidget(self.bottom_tabs)
        self.vsplitter.setStretchFactor(0, 1)
        self.vsplitter.setStretchFactor(1, 0)
        self.vsplitter.setSizes([1000, BOTTOM_HEIGHT])
        tabs = area("side-tab")
        (top,), (image,) = area("side-top"), area("side-image")
        self.side = SidePanel(top.widget, image.widget, [(p.widget, p.title) for p in tabs])
        for i, p in enumerate(tabs):
            if p.tooltip:
                self.side.tabs.setTabToolTip(i, p.tooltip)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.vsplitter)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setSizes([1400 - self.side.natural_width, self.side.natural_width])
        window.setCentralWidget(self.splitter)
        self.status = area("status")

    def show_panel(self, widget: QWidget) -> None:
        """Bring ``widget``'s tab to the front, wherever it was placed."""
        if self.bottom_tabs.indexOf(widget) >= 0:
            self.bottom_tabs.setCurrentWidget(widget)
        for name, scroll in self.side.areas.items():
            if scroll.widget() is widget:
                self.side.show_tab(name)
