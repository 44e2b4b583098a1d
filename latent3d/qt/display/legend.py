"""The class legend: one checkable row per class with its colour; unchecking hides the class, hovering brings it out."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QFont, QIcon, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QMenu, QWidget

from latent3d.state.viewer_state import ViewerState, connect_handlers

__all__ = ["ClassLegend"]


class ClassLegend(QListWidget):
    """Names the classes in their colours; emits ``class_toggled(class, visible)`` when a box changes.

    Its context menu selects a whole class into the group shown: ``class_selected(class, op)`` with
    ``op`` ``replace``, ``add`` or ``remove``.

    Parameters
    ----------
    names : sequence of str
        Class names, in label order.
    colors : sequence of (int, int, int)
        RGB 0-255 per class.
    parent : QWidget, optional
    state : ViewerState, optional
        Given, hovering a row sets ``state.highlight_class`` (None on leaving) and the highlighted
        class's row is shown in bold.
    """

    class_toggled = Signal(int, bool)
    class_selected = Signal(int, str)

    def __init__(self, names: Sequence[str], colors: Sequence[tuple[int, int, int]],
                 parent: QWidget | None = None, *, state: ViewerState | None = None) -> None:
        super().__init__(parent)
        self.viewer_state = state
        self.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for cls, (name, rgb) in enumerate(zip(names, colors)):
            swatch = QPixmap(14, 14)
            swatch.fill(QColor(*rgb))
            item = QListWidgetItem(QIcon(swatch), f"{cls}  {name}")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.addItem(item)
        self.setFixedHeight(self.sizeHintForRow(0) * len(names) + 2 * self.frameWidth() + 4)
        self.itemChanged.connect(self._on_item_changed)
        if state is not None:
            self.setMouseTracking(True)
            self.itemEntered.connect(lambda item: setattr(state, "highlight_class", self.row(item)))
            connect_handlers(state.events, self)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """The mouse left the legend: no class brought out any more."""
        if self.viewer_state is not None:
            self.viewer_state.highlight_class = None
        super().leaveEvent(event)

    def _on_highlight_class(self, cls: int | None) -> None:
        blocker = QSignalBlocker(self)  # a font change emits itemChanged: no class was toggled
        for row in range(self.count()):
            font = QFont(self.font())
            font.setBold(row == cls)
            self.item(row).setFont(font)
        blocker.unblock()

    def class_menu(self, cls: int) -> QMenu:
        """The context menu of class ``cls``: select it, add it to the group, remove it from the group."""
        menu = QMenu(self)
        for text, op in (("Select this class", "replace"), ("Add this class to the group", "add"),
                         ("Remove this class from the group", "remove")):
            menu.addAction(text).triggered.connect(lambda _=False, op=op: self.class_selected.emit(cls, op))
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt's name
        """Right-click on a class: the selection menu."""
        item = self.itemAt(event.pos())
        if item is not None:
            self.class_menu(self.row(item)).exec(event.globalPos())
    def set_names(self, names: Sequence[str]) -> None:
        """Name the rows after another run's classes (its ``Run.class_names``; shown as plain text)."""
        for cls, name in enumerate(names[: self.count()]):
            self.item(cls).setText(f"{cls}  {name}")

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        self.class_toggled.emit(self.row(item), item.checkState() == Qt.CheckState.Checked)

    def set_checked(self, cls: int, visible: bool) -> None:
        """Check or uncheck class ``cls`` (emits ``class_toggled`` like a click would)."""
        self.item(cls).setCheckState(Qt.CheckState.Checked if visible else Qt.CheckState.Unchecked)

    def show_checked(self, cls: int, visible: bool) -> None:
        """Display class ``cls`` as shown or hidden without emitting (the state changed it)."""
        want = Qt.CheckState.Checked if visible else Qt.CheckState.Unchecked
        if self.item(cls).checkState() != want:
            with QSignalBlocker(self):
                self.item(cls).setCheckState(want)
