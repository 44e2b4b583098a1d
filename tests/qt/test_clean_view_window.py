"""View → Clean view (Ctrl+Shift+C) turns every overlay off; Edit → Undo (Ctrl+Z) brings them back."""

from __future__ import annotations

from PySide6.QtGui import QAction

from latent3d.qt.widgets.shortcuts import shortcut_rows
from latent3d.state.groups import TrailsState
from latent3d.state.values import PathState


def _by_key(window, key: str) -> QAction:  # noqa: ANN001
    return next(a for a in window.findChildren(QAction) if a.shortcut().toString() == key and a.isEnabled())


def test_clean_view_then_undo(window) -> None:  # noqa: ANN001
    model = window.model
    model.groups.set_group("mine", [1, 2, 3])
    model.groups.shown = "mine"
    model.groups.trails = TrailsState("mine", 4)
    model.pick.selected = 7
    model.pick.path = PathState(7, 11)
    window.parts["inspect"]["roam_action"].setChecked(True)  # free roam: the probe is placed
    assert model.pick.probe is not None
    _by_key(window, "Ctrl+Shift+C").trigger()
    assert (model.pick.selected, model.pick.path, model.pick.probe) == (None, None, None)
    assert model.groups.shown is None and model.groups.trails is None
    assert not window.parts["inspect"]["roam_action"].isChecked()
    _by_key(window, "Ctrl+Z").trigger()  # one step brings every one back
    assert model.pick.selected == 7 and model.pick.path == PathState(7, 11) and model.pick.probe is not None
    assert model.groups.shown == "mine" and model.groups.trails == TrailsState("mine", 4)
    _by_key(window, "Ctrl+Shift+Z").trigger()  # and redo clears them again
    assert model.pick.selected is None and model.groups.shown is None


def test_clean_view_is_in_the_view_menu_and_the_shortcuts(window) -> None:  # noqa: ANN001
    rows = dict(shortcut_rows(window.findChildren(QAction)))
    assert rows.get("Ctrl+Shift+C") == "Clean view" and rows.get("Ctrl+Z") == "Undo"
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert "Clean view" in [a.text() for a in view.actions()]


def test_another_run_forgets_what_the_clean_view_cleared(window, synthetic_run) -> None:  # noqa: ANN001
    from latent3d.runs import load_run

    window.model.pick.selected = 7
    _by_key(window, "Ctrl+Shift+C").trigger()
    assert window.chrome.undo_stack.canUndo()
    window.model.set_run(load_run(synthetic_run), fresh=True)  # File → Open run: its images are others
    assert not window.chrome.undo_stack.canUndo() and window.model.pick.selected is None
