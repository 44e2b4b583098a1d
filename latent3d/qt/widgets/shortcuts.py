"""Help → Keyboard shortcuts: a list generated from the window's actions, so it never drifts from the keys."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

__all__ = ["EXTRA_KEYS", "ShortcutsDialog", "shortcut_rows"]

# Keys a widget handles itself (no action holds them), listed after the actions' own.
EXTRA_KEYS = (
    ("Shift+click", "End a path A→B at the point clicked (A: the selection)"),
    ("Tab, arrows, Enter", "In the nearest-images list: move through it and select one"),
    ("Double-click", "In free roam: move the probe onto the focal plane there"),
)


def _label(action: QAction) -> str:
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").rstrip(".").strip()


def shortcut_rows(actions: Iterable[QAction], extra: Iterable[tuple[str, str]] = EXTRA_KEYS) -> list[tuple[str, str]]:
    """``(keys, what they do)`` for every action with a shortcut, in the order given, then ``extra``.

    Parameters
    ----------
    actions : iterable of QAction
        The window's actions (those without a shortcut are left out; one listed twice appears once).
    extra : iterable of (str, str)
        Keys no action holds (mouse modifiers, keys a widget handles itself).

    Returns
    -------
    list of (str, str)
        Keys in the platform's own spelling (several shortcuts of one action joined by ", ").
    """
    rows: list[tuple[str, str]] = []
    seen: set[int] = set()
    for action in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts() if not k.isEmpty()]
        if not keys or id(action) in seen:
            continue
        seen.add(id(action))
        rows.append((", ".join(keys), _label(action)))
    return rows + list(extra)


class ShortcutsDialog(QDialog):
    """A two-column table of :func:`shortcut_rows` (plain text), closed with Close or Escape.

    Parameters
    ----------
    actions : iterable of QAction
    parent : QWidget, optional
    """

    def __init__(self, actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.rows = shortcut_rows(actions)
        self.table = QTableWidget(len(self.rows), 2)
        self.table.setHorizontalHeaderLabels(["Keys", "What they do"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for r, (keys, what) in enumerate(self.rows):
            self.table.setItem(r, 0, QTableWidgetItem(keys))  # table items are plain text
            self.table.setItem(r, 1, QTableWidgetItem(what))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(520, min(640, 80 + 26 * len(self.rows)))
