"""Message boxes, labels and tooltips that show text from files, paths and exceptions as plain text, never markup.

Qt renders a string that looks like HTML as rich text: a run folder named ``<img src='/dev/zero'>``
in an error dialog made the dialog read /dev/zero until memory ran out. Every text that comes
from outside (a path, a run.json, a view file, an exception) goes through these helpers.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

__all__ = ["error_box", "info_box", "open_warning", "plain_label", "plain_tooltip"]


def _box(icon: QMessageBox.Icon, parent: QWidget | None, title: str, text: str) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # before exec: the text is laid out as plain text only
    return box


def error_box(parent: QWidget | None, title: str, text: str) -> None:
    """Show the modal error dialog ``title`` with ``text`` as plain text (markup is shown, not rendered).

    Parameters
    ----------
    parent : QWidget or None
    title : str
        The window title (a fixed string of ours).
    text : str
        The sentence, which may hold anything a file or a path holds.
    """
    _box(QMessageBox.Icon.Critical, parent, title, text).exec()


def open_warning(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    """A warning box with ``text`` as plain text, shown without blocking (it deletes itself when closed)."""
    box = _box(QMessageBox.Icon.Warning, parent, title, text)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def info_box(parent: QWidget | None, title: str, text: str) -> None:
    """Show a modal information dialog with ``text`` as plain text (see :func:`error_box`)."""
    _box(QMessageBox.Icon.Information, parent, title, text).exec()


def plain_label(label: QLabel) -> QLabel:
    """Make ``label`` show its text as plain text from now on; returns it."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def plain_tooltip(text: str) -> str:
    """A tooltip string that shows ``text`` literally (Qt has no plain-text tooltips: it is escaped rich text).

    Text without ``<`` is returned as it is: Qt shows it as plain text already.
    """
    if "<" not in text:
        return text
    return "<qt>" + html.escape(text, quote=False).replace("\n", "<br>") + "</qt>"
