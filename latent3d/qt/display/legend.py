"""The class legend: one checkable row per class with its colour; unchecking hides the class, hovering brings it out.

The checks are a view of the display model's ``hidden_classes`` (their one owner): a click writes the
model, and the model's event sets the checks; nothing else copies them either way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QFont, QIcon, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QMenu, QWidget

from latent3d.state.model import connect_handlers

if TYPE_CHECKING:
    from latent3d.state.display import DisplayModel
    from latent3d.state.time import TimeModel

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
    display : DisplayModel, optional
        Given, the checks show its ``hidden_classes`` and a click shows or hides the class there;
        hovering a row sets its ``highlight_class`` (None on leaving), whose row is shown in bold.
    time : TimeModel, optional
        Given, the rows are named after the run's classes (``Run.class_names``).
    """

    class_toggled = Signal(int, bool)
    class_selected = Signal(int, str)

    def __init__(self, names: Sequence[str], colors: Sequence[tuple[int, int, int]],
                 parent: QWidget | None = None, *, display: DisplayModel | None = None,
                 time: TimeModel | None = None) -> None:
        super().__init__(parent)
        self.display = display
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
        self._disconnects: list[Callable[[], None]] = []
        if display is not None:
            self.setMouseTracking(True)
            self.itemEntered.connect(lambda item: setattr(display, "highlight_class", self.row(item)))
            self._disconnects.append(connect_handlers(display, self))
            self._on_hidden_classes(display.hidden_classes)
        if time is not None:
            self._disconnects.append(connect_handlers(time, self))

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """The mouse left the legend: no class brought out any more."""
        if self.display is not None:
            self.display.highlight_class = None
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

    def _on_run(self, run: object) -> None:
        names = getattr(run, "class_names", None)
        if names is not None:
            self.set_names(names)

    def set_names(self, names: Sequence[str]) -> None:
        """Name the rows after another run's classes (its ``Run.class_names``; shown as plain text)."""
        for cls, name in enumerate(names[: self.count()]):
            self.item(cls).setText(f"{cls}  {name}")

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        cls, visible = self.row(item), item.checkState() == Qt.CheckState.Checked
        if self.display is not None:
            self.display.set_class_visible(cls, visible)
        self.class_toggled.emit(cls, visible)

    def set_checked(self, cls: int, visible: bool) -> None:
        """Check or uncheck class ``cls`` as a click would (shows or hides it in the display model, if given)."""
        self.item(cls).setCheckState(Qt.CheckState.Checked if visible else Qt.CheckState.Unchecked)

    def _on_hidden_classes(self, hidden: frozenset[int]) -> None:
        with QSignalBlocker(self):  # the model changed them: no click to pass on
            for cls in range(self.count()):
                want = Qt.CheckState.Unchecked if cls in hidden else Qt.CheckState.Checked
                if self.item(cls).checkState() != want:
                    self.item(cls).setCheckState(want)

    def close_legend(self) -> None:
        """Stop following the models."""
        for disconnect in self._disconnects:
            disconnect()
        self._disconnects = []
