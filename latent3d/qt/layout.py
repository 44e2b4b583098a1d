"""Where the features' panels go: the 3-D view and timeline in the middle, every titled panel in a dock.

Each panel with a dock area (``right``, ``bottom``, ``left``, ``top``) becomes a :class:`QDockWidget`
(napari docks its widgets so): it can be shown or hidden (View → Panels), tabbed with others, floated
and moved; panels of one ``group`` start tabbed together, groups of one area side by side (bottom,
top) or stacked (left, right). The window saves the arrangement with ``QMainWindow.saveState`` (every
dock and toolbar has an objectName) and :meth:`DockLayout.reset` puts the default back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget

from latent3d.qt.features import DOCK_AREAS, Panel
from latent3d.qt.timeline.widget import Timeline

__all__ = ["DEFAULT_SIZES", "DockLayout", "dock_name"]

_AREA = {"left": Qt.DockWidgetArea.LeftDockWidgetArea, "right": Qt.DockWidgetArea.RightDockWidgetArea,
         "top": Qt.DockWidgetArea.TopDockWidgetArea, "bottom": Qt.DockWidgetArea.BottomDockWidgetArea}
#: The docks' starting thickness (px): the bottom row holds a plot 150 px high with its axes, tab bar and
#: title; the right column is as wide as its widest content (the image panel's two images).
_ALONG = {"left": Qt.Orientation.Vertical, "right": Qt.Orientation.Vertical,
          "top": Qt.Orientation.Horizontal, "bottom": Qt.Orientation.Horizontal}
DEFAULT_SIZES = {"bottom": 280, "right": 300, "left": 300, "top": 200}


def dock_name(title: str) -> str:
    """A dock's objectName from its title (``Path A→B`` → ``dock-path-a-b``): what saveState keys it by."""
    return "dock-" + "-".join(w for w in re.split(r"[^0-9a-z]+", title.lower()) if w)


def _scrolling(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    # As wide as the content, a scroll bar beside it: nothing is cut at the right edge.
    area.setMinimumWidth(widget.minimumSizeHint().width() + area.verticalScrollBar().sizeHint().width() + 2)
    return area


class DockLayout:
    """Places panels: the 3-D view (and what goes beside it) and the timeline in the middle, the docks around.

    Parameters
    ----------
    window : QMainWindow
        Gets the middle as its central widget and a dock per titled panel of a dock area.
    view : QWidget
        The 3-D view.
    timeline : Timeline
    panels : sequence of Panel
        Every feature's panels and the window's own (the loss plot), in any order.

    Notes
    -----
    A panel's ``shown`` is called from its dock's ``visibilityChanged`` (True when its content can be
    seen: shown, raised in its tab group, floated; False when closed or behind another tab), and once
    here with False: nothing is seen before the window is shown.
    """

    def __init__(self, window: QMainWindow, view: QWidget, timeline: Timeline, panels: Sequence[Panel]) -> None:
        self.window = window

        def area(name: str) -> list[Panel]:
            return sorted((p for p in panels if p.area == name), key=lambda p: p.order)

        middle = QWidget()
        column = QVBoxLayout(middle)
        column.setContentsMargins(0, 0, 0, 0)
        self.views = QSplitter(Qt.Orientation.Horizontal)
        for widget in (view, *(p.widget for p in area("beside-view"))):
            self.views.addWidget(widget)
        column.addWidget(self.views, 1)
        column.addWidget(timeline)
        for p in area("timeline-row"):
            timeline.add_to_row(p.widget)  # controls that change what playback shows
        window.setCentralWidget(middle)
        # The side column runs the window's full height; the bottom row sits under the 3-D view only.
        window.setCorner(Qt.Corner.TopRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        window.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        # The side column's tabs run down its edge: five names side by side would be cut to "Ne…" in 300 px.
        window.setTabPosition(Qt.DockWidgetArea.RightDockWidgetArea, QTabWidget.TabPosition.East)
        window.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
                              | QMainWindow.DockOption.AllowNestedDocks)
        self.docks: dict[str, QDockWidget] = {}  # by title, in placing order
        self.panels: dict[str, Panel] = {}
        for name in DOCK_AREAS:
            for p in area(name):
                self._make_dock(p)
        self.status = area("status")
        self.reset()
        for title, p in self.panels.items():  # connected once placed: placing hides and shows them
            if p.shown is not None:
                self.docks[title].visibilityChanged.connect(p.shown)
                p.shown(False)

    def _make_dock(self, p: Panel) -> None:
        title = p.title or p.area
        if title in self.docks:
            raise ValueError(f"Two panels are titled {title!r}; a dock's title names it in the saved layout.")
        dock = QDockWidget(title, self.window)
        dock.setObjectName(dock_name(title))
        dock.setWidget(_scrolling(p.widget) if p.scroll else p.widget)
        if p.tooltip:
            dock.setToolTip(p.tooltip)
        dock.toggleViewAction().setStatusTip(f"Show or hide the {title} panel")
        self.docks[title], self.panels[title] = dock, p

    def reset(self) -> None:
        """The default arrangement: every dock shown, docked, panels of a group tabbed with the first in front."""
        w = self.window
        groups: dict[tuple[str, str], list[QDockWidget]] = {}
        for title, dock in self.docks.items():
            p = self.panels[title]
            groups.setdefault((p.area, p.group or title), []).append(dock)
            w.removeDockWidget(dock)
            dock.setFloating(False)
        firsts: dict[str, list[QDockWidget]] = {}
        for (name, _group), docks in groups.items():  # first the groups side by side (or stacked) ...
            previous = firsts.setdefault(name, [])
            if previous:  # split before tabbing: a dock split off a tabbed one would join its tabs
                w.splitDockWidget(previous[-1], docks[0], _ALONG[name])
            else:
                w.addDockWidget(_AREA[name], docks[0])
            previous.append(docks[0])
        for docks in groups.values():  # ... then each group's other panels as tabs behind its first
            for dock in docks[1:]:
                w.tabifyDockWidget(docks[0], dock)
            for dock in docks:
                dock.setFloating(False)
                dock.show()
            docks[0].raise_()
        self._firsts = firsts
        self.size_docks()

    def size_docks(self) -> None:
        """Give each area's docks their default thickness, and the groups along an area their share of it.

        Called again once a window built while already shown has laid its new docks out: before that
        Qt sizes them from hints that leave the 3-D view no height.
        """
        w = self.window
        for name, docks in self._firsts.items():
            across = Qt.Orientation.Vertical if _ALONG[name] is Qt.Orientation.Horizontal else Qt.Orientation.Horizontal
            w.resizeDocks(docks[:1], [DEFAULT_SIZES[name]], across)
            # A group of stretch 0 keeps its natural size along the area; the others share the rest.
            natural = [d.sizeHint().height() if across is Qt.Orientation.Horizontal else d.sizeHint().width()
                       for d in docks]
            stretch = [self.panels[d.windowTitle()].stretch for d in docks]
            w.resizeDocks(docks, [n if s == 0 else 10_000 * s for n, s in zip(natural, stretch)], _ALONG[name])

    def show_panel(self, widget: QWidget) -> None:
        """Show ``widget``'s dock and bring it to the front of its tab group."""
        for dock in self.docks.values():
            inner = dock.widget()
            if inner is widget or inner.isAncestorOf(widget):  # inside a scroll area or a feature's frame
                dock.show()
                dock.raise_()
