"""Help → Keyboard shortcuts is generated from actions: what has a key is listed, in plain text, nothing else."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from latent3d.qt.widgets.shortcuts import EXTRA_KEYS, ShortcutsDialog, shortcut_rows


def _actions(owner: QWidget) -> list[QAction]:
    made = []
    for text, key in (("Open run…", "Ctrl+O"), ("&Free roam", "F"), ("No key", None), ("<b>Fit</b>", "Shift+R")):
        act = QAction(text, owner)
        if key:
            act.setShortcut(QKeySequence(key))
        made.append(act)
    return made


def test_rows_are_the_actions_with_a_shortcut_then_the_extra_keys(qtbot) -> None:  # noqa: ANN001
    owner = QWidget()
    qtbot.addWidget(owner)
    acts = _actions(owner)
    rows = shortcut_rows([*acts, acts[0]])  # one listed twice appears once
    assert rows[:3] == [("Ctrl+O", "Open run"), ("F", "Free roam"), ("Shift+R", "<b>Fit</b>")]
    assert rows[3:] == list(EXTRA_KEYS)


def test_a_new_shortcut_appears_without_editing_the_list(qtbot) -> None:  # noqa: ANN001
    owner = QWidget()
    qtbot.addWidget(owner)
    acts = _actions(owner)
    acts[2].setShortcut(QKeySequence("Ctrl+K"))
    assert ("Ctrl+K", "No key") in shortcut_rows(acts)


def test_the_dialog_shows_the_rows_as_plain_text(qtbot) -> None:  # noqa: ANN001
    owner = QWidget()
    qtbot.addWidget(owner)
    dialog = ShortcutsDialog(_actions(owner), owner)
    table = dialog.table
    assert table.rowCount() == 3 + len(EXTRA_KEYS)
    assert [table.item(r, 0).text() for r in range(3)] == ["Ctrl+O", "F", "Shift+R"]
    assert table.item(2, 1).text() == "<b>Fit</b>"  # a QTableWidgetItem never renders HTML
