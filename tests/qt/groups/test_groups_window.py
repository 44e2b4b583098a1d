"""The group tools in the main window: B, a drag, Shift, I, K and Escape, with the panel, curve and scene following."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt


def test_keys_and_a_drag_in_the_window(qtbot, window) -> None:  # noqa: ANN001
    w = window
    state = w.model
    toolbar = w.parts["groups"]["toolbar"]
    keys = {a.shortcut().toString(): a for a in [*w.actions(), *toolbar.actions()] if a.shortcut().toString()}
    assert {"B", "L", "I", "K", "Esc"} <= set(keys)
    w.activateWindow()

    def press(key: str, qt_key: Qt.Key) -> None:
        # A bare Xvfb without a window manager may never activate the window: then trigger the bound action.
        if w.isActiveWindow():
            qtbot.keyClick(w, qt_key)
        else:
            keys[key].trigger()

    press("B", Qt.Key.Key_B)
    assert w.parts["groups"]["tool"].mode == "box"
    iren = w.view.iren.interactor
    width, height = w.view.ren_win.GetSize()
    for event, (x, y) in (("LeftButtonPressEvent", (0, 0)), ("MouseMoveEvent", (width // 3, height // 2)),
                          ("LeftButtonReleaseEvent", (width // 2, height))):
        iren.SetEventInformation(x, y, 0, 0)
        iren.InvokeEvent(event)
    group = state.groups.group
    assert group is not None and group.size > 0
    assert w.parts["groups"]["panel"].summary.text().startswith(f"{group.size:,} of")
    assert w.parts["groups"]["curve"].curve.isVisible()
    rgb = np.asarray(w.scene._cloud.point_data["rgb"]).astype(int)
    outside = np.setdiff1d(np.arange(w.scene.n_points), group)
    assert rgb[outside].sum(1).mean() < rgb[group].sum(1).mean()  # the rest is dimmed
    press("I", Qt.Key.Key_I)
    assert state.groups.mode == "isolate" and w.scene.drawn_mask().sum() == group.size
    press("K", Qt.Key.Key_K)
    assert state.groups.trails is not None and w.parts["groups"]["presenter"].trails.visible
    press("Esc", Qt.Key.Key_Escape)
    assert w.parts["groups"]["tool"].mode is None
    state.pick.selected = int(group[0])
    press("Esc", Qt.Key.Key_Escape)  # a second Escape drops the pick
    assert state.pick.selected is None


def test_groups_survive_save_view_and_open_view_in_the_window(window, tmp_path) -> None:  # noqa: ANN001
    import json

    from latent3d.state.groups import TrailsState

    w = window
    state = w.model
    state.groups.set_group("mine", [4, 5, 6])
    state.groups.shown = "mine"
    state.groups.mode = "isolate"
    state.groups.trails = TrailsState("mine", 3)
    path = tmp_path / "g.json"
    assert w.files.save_view(path)
    saved = json.loads(path.read_text())
    assert saved["groups"] == {"mine": [4, 5, 6]} and saved["trails"] == {"group": "mine", "length": 3}
    state.groups.remove_group("mine")
    state.groups.mode = "highlight"
    assert w.files.open_view(path)
    g = state.groups
    assert g.shown == "mine" and g.mode == "isolate" and g.trails == TrailsState("mine", 3)
    assert w.parts["groups"]["panel"].names.currentText() == "mine"
    assert np.flatnonzero(w.scene.drawn_mask()).tolist() == [4, 5, 6]


def _drag(w, shift: int = 0) -> None:  # noqa: ANN001
    iren = w.view.iren.interactor
    width, height = w.view.ren_win.GetSize()
    for event, (x, y) in (("LeftButtonPressEvent", (0, 0)), ("MouseMoveEvent", (width // 3, height // 2)),
                          ("LeftButtonReleaseEvent", (width // 2, height))):
        iren.SetEventInformation(x, y, 0, shift)
        iren.InvokeEvent(event)


def test_the_view_says_which_mode_is_on_and_one_drag_leaves_it_unless_shift(qtbot, window) -> None:  # noqa: ANN001
    """Issue 32 item 7: nothing on the canvas said that a drag would select, and the mode stayed on after it."""
    w = window
    toolbar, tool = w.parts["groups"]["toolbar"], w.parts["groups"]["tool"]
    toolbar.box_action.trigger()
    assert tool.mode == "box" and tool.note.text.startswith("Box selection")
    _drag(w)
    assert w.model.groups.group is not None and w.model.groups.group.size > 0
    qtbot.waitUntil(lambda: tool.mode is None, timeout=2000)  # one drag: the camera moves again
    assert not toolbar.box_action.isChecked() and tool.note.text == ""
    toolbar.lasso_action.trigger()
    assert tool.mode == "lasso" and tool.note.text.startswith("Lasso selection")
    _drag(w, shift=1)  # Shift adds and keeps the lasso
    qtbot.wait(100)
    assert tool.mode == "lasso" and toolbar.lasso_action.isChecked() and tool.note.text
    toolbar.leave_mode()
    assert tool.mode is None and tool.note.text == ""
