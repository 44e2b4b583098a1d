"""Box and lasso selection in the 3-D view, and the group toolbar: B box, L lasso, Escape, I isolate, K trails.

:class:`SelectionTool` turns a drag in the view into ``groups.select_points`` (Shift adds, Ctrl
removes): while a mode is on, the camera's interactor style is swapped for one that does nothing, so
the drag draws a region instead of rotating, and a note at the top of the view says which mode is on.
One drag ends the mode (the camera moves again) unless Shift is held. :class:`GroupToolbar` holds the
actions and their keys.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QLabel, QSpinBox, QToolBar, QWidget

from latent3d.scene.groups.region import ModeNote, RegionOverlay, idle_style, select_region
from latent3d.state.groups import MAX_TRAIL_LENGTH, GroupsModel, TrailsState
from latent3d.state.model import connect_handlers

__all__ = ["MODE_NOTES", "MODES", "GroupToolbar", "SelectionTool"]

MODES = ("box", "lasso")
CLICK_PX = 3  # a release this close to the press is a click: it selects the one point under the cursor
DEFAULT_TRAIL_LENGTH = 10
MODE_NOTES = {
    "box": "Box selection: drag a box around points · Shift: add and keep the box · Ctrl: remove · Esc: leave",
    "lasso": "Lasso selection: draw around points · Shift: add and keep the lasso · Ctrl: remove · Esc: leave",
}


class SelectionTool:
    """Box or lasso selection in a pyvistaqt view (a ``LatentView``: ``iren``, ``scene``, ``request_render``).

    Parameters
    ----------
    groups : GroupsModel
        What a drag selects goes into it (``select_points``).
    view : LatentView
        The 3-D view; its scene is selected from.
    """

    def __init__(self, groups: GroupsModel, view: Any) -> None:
        self.groups, self.view = groups, view
        self.mode: str | None = None
        self.behind = False  # also take the points hidden behind others
        self.overlay = RegionOverlay(view)
        self._style: Any = None
        self._user = idle_style()  # does nothing with the mouse: the camera stays
        self._observers: list[int] = []
        self._region: list[tuple[float, float]] = []
        self._pressed = False
        #: Called (from the event loop) when a drag without Shift ends the mode; the toolbar unchecks its action.
        self.on_done: Callable[[], object] = lambda: self.set_mode(None)
        self.note = ModeNote(view.scene.plotter)

    def set_mode(self, mode: str | None) -> None:
        """``box``, ``lasso`` or None (the camera moves again)."""
        if mode is not None and mode not in MODES:
            raise ValueError(f"Unknown selection mode {mode!r}; use box or lasso.")
        iren = self.view.iren.interactor
        if mode is not None and self.mode is None:
            self._style = iren.GetInteractorStyle()
            iren.SetInteractorStyle(self._user)
            # On the interactor, not the style: a style in a generic interactor never hears Ctrl+press.
            self._observers = [iren.AddObserver(event, slot, 10.0) for event, slot in (
                ("LeftButtonPressEvent", self._press), ("MouseMoveEvent", self._move),
                ("LeftButtonReleaseEvent", self._release))]
        elif mode is None and self.mode is not None:
            for tag in self._observers:
                iren.RemoveObserver(tag)
            self._observers = []
            iren.SetInteractorStyle(self._style)
            self._pressed = False
            self.overlay.show(None)
        self.mode = mode
        self.note.show(MODE_NOTES.get(mode or ""))
        self.view.request_render()

    # -- the drag -------------------------------------------------------------------------------

    def _xy(self) -> tuple[float, float]:
        x, y = self.view.iren.interactor.GetEventPosition()
        return float(x), float(y)

    def _press(self, _obj: object, _event: str) -> None:
        self._pressed = True
        self._region = [self._xy()]

    def _move(self, _obj: object, _event: str) -> None:
        if not self._pressed:
            return
        p = self._xy()
        self._region = [self._region[0], p] if self.mode == "box" else [*self._region, p]
        self.overlay.show(np.array(self._region))
        self.view.request_render()

    def _release(self, _obj: object, _event: str) -> None:
        if not self._pressed:
            return
        self._pressed = False
        iren = self.view.iren.interactor
        op = "add" if iren.GetShiftKey() else "remove" if iren.GetControlKey() else "replace"
        end = self._xy()
        region = [self._region[0], end] if self.mode == "box" else [*self._region, end]
        self.finish(np.array(region), op)
        if op != "add":  # one drag, one selection: the camera moves again (Shift keeps the mode for more)
            QTimer.singleShot(0, self._done)  # not inside VTK's event: leaving swaps the interactor's style

    def _done(self) -> None:
        if self.mode is not None and not self._pressed:
            self.on_done()

    def finish(self, region: np.ndarray, op: str = "replace") -> np.ndarray:
        """Select the points in display ``region`` (box corners or lasso vertices) by ``op``; returns their ids.

        A region smaller than a few pixels is a click: the one point drawn there (or nothing).
        """
        self.overlay.show(None)
        scene = self.view.scene
        region = np.asarray(region, np.float64).reshape(-1, 2)
        if np.ptp(region, axis=0).max() <= CLICK_PX:
            hit = scene.pick(int(region[-1, 0]), int(region[-1, 1]))
            ids = np.zeros(0, np.int64) if hit is None else np.array([hit], np.int64)
        else:
            ids = select_region(scene, region if self.mode == "lasso" or len(region) > 2 else region[[0, -1]],
                                behind=self.behind)
        self.groups.select_points(ids, op)
        self.view.request_render()
        return ids

    def close(self) -> None:
        """Give the camera its style back and remove the outline and the note."""
        self.set_mode(None)
        self.overlay.close()
        self.note.close()


class GroupToolbar(QToolBar):
    """Actions for groups: Box (B), Lasso (L), Escape, points behind, Isolate (I), Trails (K) and their length.

    Parameters
    ----------
    groups : GroupsModel
        Its ``mode`` and ``trails`` are the isolate and trails toggles.
    tool : SelectionTool
    parent : QWidget, optional
    """

    def __init__(self, groups: GroupsModel, tool: SelectionTool, parent: QWidget | None = None) -> None:
        super().__init__("Groups", parent)
        self.setObjectName("group-toolbar")
        self.groups, self.tool = groups, tool
        tool.on_done = self.leave_mode  # one drag ends the mode: its action is unchecked too
        modes = QActionGroup(self)
        modes.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        self.box_action = self._add("Box", "B", "Drag a box to select the points you see (Shift adds, Ctrl removes)")
        self.lasso_action = self._add("Lasso", "L", "Draw around points to select them (Shift adds, Ctrl removes)")
        for act in (self.box_action, self.lasso_action):
            modes.addAction(act)
            act.toggled.connect(self._on_mode_toggled)
        # Escape is the window's one action (it also clears the pick): it calls leave_mode() first.
        self.leave_action = QAction("Leave selection mode (Escape)", self)
        self.leave_action.triggered.connect(self.leave_mode)
        self.behind_action = self._add("Behind", None, "Also select points hidden behind others")
        self.behind_action.toggled.connect(lambda on: setattr(self.tool, "behind", bool(on)))
        self.addSeparator()
        self.isolate_action = self._add("Isolate", "I", "Draw only the group (I switches back to highlight)")
        self.isolate_action.toggled.connect(self._on_isolate_toggled)
        self.trails_action = self._add("Trails", "K", "Each point's path through the last snapshots (K)")
        self.trails_action.toggled.connect(self._on_trails_toggled)
        self.length = QSpinBox()
        self.length.setRange(1, MAX_TRAIL_LENGTH)
        self.length.setValue(DEFAULT_TRAIL_LENGTH)
        self.length.setSuffix(" snapshots")
        self.length.setToolTip("Trail length in snapshots")
        self.length.valueChanged.connect(self._on_length_changed)
        self.addWidget(QLabel(" trail "))
        self.addWidget(self.length)
        self._disconnect = connect_handlers(groups, self)

    def _add(self, text: str, key: str | None, tip: str) -> QAction:
        act = QAction(text, self)
        act.setCheckable(True)
        if key:
            act.setShortcut(QKeySequence(key))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            tip = f"{tip} ({key})"
        act.setToolTip(tip)
        self.addAction(act)
        return act

    # -- toolbar -> tool and model --------------------------------------------------------------

    def _on_mode_toggled(self, _on: bool) -> None:
        mode = "box" if self.box_action.isChecked() else "lasso" if self.lasso_action.isChecked() else None
        self.tool.set_mode(mode)

    def leave_mode(self) -> bool:
        """Escape: back to moving the camera; False when no selection mode was on (Escape may do its other job)."""
        was_on = self.tool.mode is not None
        for act in (self.box_action, self.lasso_action):
            act.setChecked(False)
        return was_on

    def _on_isolate_toggled(self, on: bool) -> None:
        self.groups.mode = "isolate" if on else "highlight"

    def _on_trails_toggled(self, on: bool) -> None:
        name = self.groups.shown
        if on and name is None:
            self.trails_action.setChecked(False)  # nothing to trail: select a group first
            return
        self.groups.trails = TrailsState(name, self.length.value()) if on and name is not None else None

    def _on_length_changed(self, value: int) -> None:
        trails = self.groups.trails
        if trails is not None:
            self.groups.trails = TrailsState(trails.group, value)

    # -- model -> toolbar -----------------------------------------------------------------------

    def _on_mode(self, mode: str) -> None:
        with QSignalBlocker(self.isolate_action):
            self.isolate_action.setChecked(mode == "isolate")

    def _on_trails(self, trails: TrailsState | None) -> None:
        with QSignalBlocker(self.trails_action):
            self.trails_action.setChecked(trails is not None)
        if trails is not None and trails.length != self.length.value():
            with QSignalBlocker(self.length):
                self.length.setValue(trails.length)

    def close_toolbar(self) -> None:
        """Disconnect from the groups model."""
        self._disconnect()
