"""The window's style sheet and small helpers that keep actions in step with the state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QSignalBlocker, Qt
from PySide6.QtGui import QAction, QKeySequence

__all__ = ["STYLE", "follow_checked", "window_action"]

STYLE = """
QMainWindow, QWidget { background:#262a31; color:#d7dae0; }
QGroupBox { border:1px solid #3a3f4b; border-radius:4px; margin-top:14px; padding-top:6px; font-weight:bold; }
QGroupBox::title { subcontrol-origin: margin; left:8px; padding:0 4px; }
QListWidget { background:#1e2127; border:1px solid #3a3f4b; }
QToolBar { border:none; spacing:6px; } QStatusBar { background:#1e2127; }
QSlider::groove:horizontal { height:6px; background:#3a3f4b; border-radius:3px; }
QSlider::handle:horizontal { width:14px; margin:-5px 0; background:#ffcc33; border-radius:7px; }
"""


def follow_checked(action: QAction, signal: Any, on: Callable[[Any], bool] = bool) -> None:
    """Keep checkable ``action`` showing ``on(value)`` for each value ``signal`` emits (without re-triggering it)."""

    def _sync(value: Any) -> None:
        if action.isChecked() != on(value):
            with QSignalBlocker(action):
                action.setChecked(on(value))

    signal.connect(_sync)


def window_action(text: str, parent: QObject, shortcut: str | None = None, *, checkable: bool = False,
                  tip: str = "") -> QAction:
    """An action whose key works anywhere in the window (the window adds every feature's actions to itself)."""
    act = QAction(text, parent, checkable=checkable)
    if shortcut:
        act.setShortcut(QKeySequence(shortcut))
        act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    if tip:
        act.setToolTip(tip)
    return act
