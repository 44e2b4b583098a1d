"""The window's menus and toolbar: every action in a menu with its key, the few frequent ones on one toolbar row.

The toolbar holds what a user reaches for while watching (open, train, camera, follow, free roam,
decoder map, colour, box/lasso, trails) and fits 1280 px; everything else is in the menus, and every
action keeps its menu entry and shortcut (Help → Keyboard shortcuts lists them). View → Panels shows
or hides each dock, *Reset layout* puts the docks back, *Clean view* turns every overlay off in one
step that Edit → Undo (Ctrl+Z) brings back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from latent3d.qt.files.runs_menu import RunsMenu
from latent3d.qt.style import follow_checked, window_action
from latent3d.qt.widgets.shortcuts import ShortcutsDialog
from latent3d.state.clean import clean_view, overlays, restore_view

if TYPE_CHECKING:
    from latent3d.qt.canvas.export import ExportActions
    from latent3d.qt.features import Parts
    from latent3d.qt.files.open_save import OpenSave
    from latent3d.qt.layout import DockLayout
    from latent3d.qt.timeline.widget import Timeline
    from latent3d.scene.core.presenter import ScenePresenter
    from latent3d.state.viewer_model import ViewerModel

__all__ = ["CleanViewCommand", "WindowChrome"]

class CleanViewCommand(QUndoCommand):
    """Selection, group highlight, trails, own images, path and probe off; undo puts back what it cleared."""

    def __init__(self, model: ViewerModel) -> None:
        super().__init__("Clean view")
        self.model = model
        self.cleared: dict[str, Any] = {}

    def redo(self) -> None:
        """Clear (again), remembering what was on."""
        self.cleared = clean_view(self.model)

    def undo(self) -> None:
        """Put back what :meth:`redo` cleared."""
        restore_view(self.model, self.cleared)


class WindowChrome:
    """Builds the window's actions, menus and toolbar from its own pieces and the features' parts.

    Parameters
    ----------
    window : QMainWindow
        Gets the menu bar, the toolbar and every action (so their keys work anywhere in it).
    model : ViewerModel
    files : OpenSave
    timeline : Timeline
    presenter : ScenePresenter
    exports : ExportActions
    parts : sequence of Parts
        The features' parts, in the order of ``FEATURES``.
    layout : DockLayout
        Its docks are listed in View → Panels.
    """

    def __init__(self, window: QMainWindow, model: ViewerModel, files: OpenSave, timeline: Timeline,
                 presenter: ScenePresenter, exports: ExportActions, parts: Sequence[Parts], layout: DockLayout,
                 current_run: Callable[[], Any]) -> None:
        self.window, self.model, self.parts, self.layout = window, model, list(parts), layout
        time = model.time
        self.open_action = self._action("Open run…", files.open_run_dialog, "Ctrl+O")
        self.save_view_action = self._action("Save view…", files.save_view_dialog, "Ctrl+Shift+S")
        self.open_view_action = self._action("Open view…", files.open_view_dialog, "Ctrl+Shift+O")
        self.quit_action = self._action("Quit", window.close, "Ctrl+Q")
        self.reset_action = self._action("Reset camera", presenter.reset_camera, "R",
                                         tip="Back to the default view of the whole training (R)")
        self.fit_action = self._action("Fit", presenter.fit_camera, "Shift+R",
                                       tip="Frame the snapshot shown from the direction you look from (Shift+R)")
        self.follow_action = self._action("Follow the snapshot", lambda on: setattr(time, "follow", on),
                                          checkable=True)
        self.follow_action.setToolTip("Keep the snapshot shown framed while scrubbing, playing or training: the "
                                      "first steps fill the view as the last do (the corner note gives the real size)")
        self.follow_action.setIconText("Follow")  # the toolbar's short name; the menu says it whole
        self.follow_action.setChecked(time.follow)
        follow_checked(self.follow_action, time.events.follow)
        self.play_action = self._action("Play / pause", timeline.toggle_play, "Space")
        self.step_actions = [self._action("Previous snapshot", lambda: timeline.step(-1), "Left"),
                             self._action("Next snapshot", lambda: timeline.step(+1), "Right"),
                             *timeline.key_actions]  # Home, End, PgUp, PgDown: the timeline's own
        self.escape_action = self._action("Clear selection", self.escape, "Escape",
                                          tip="Leave box/lasso, else clear the selection and leave free roam (Escape)")
        self.undo_stack = QUndoStack(window)
        time.events.run.connect(self._on_run)
        self.undo_action = self.undo_stack.createUndoAction(window, "Undo")
        self.redo_action = self.undo_stack.createRedoAction(window, "Redo")
        for act, key in ((self.undo_action, "Ctrl+Z"), (self.redo_action, "Ctrl+Shift+Z")):
            act.setShortcut(key)
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            window.addAction(act)
        self.clean_action = self._action("Clean view", self.clean_view, "Ctrl+Shift+C",
                                         tip="Selection, group highlight, trails, your images, path and probe all "
                                             "off (Ctrl+Shift+C; Ctrl+Z brings them back)")
        self.reset_layout_action = self._action("Reset layout", layout.reset,
                                                tip="Every panel back in its place, shown")
        for act in (*exports.actions, *(a for p in self.parts for acts in p.actions.values() for a in acts)):
            window.addAction(act)
        self._menus(exports, current_run, files)
        self.toolbar = self._toolbar()

    def _action(self, text: str, slot: Callable[..., Any], shortcut: str | None = None, checkable: bool = False,
                tip: str = "") -> QAction:
        act = window_action(text, self.window, shortcut, checkable=checkable, tip=tip)
        (act.toggled if checkable else act.triggered).connect(slot)
        self.window.addAction(act)
        return act

    def _feature_actions(self, menu: str) -> list[QAction]:
        return [a for p in self.parts for a in p.actions.get(menu, [])]

    def _menus(self, exports: ExportActions, current_run: Callable[[], Any], files: OpenSave) -> None:
        bar = self.window.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.open_action, self.open_view_action, self.save_view_action])
        file_menu.addSeparator()
        file_menu.addActions(exports.actions)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit = bar.addMenu("&Edit")
        edit.addActions([self.undo_action, self.redo_action])
        view = bar.addMenu("&View")
        view.addActions([self.reset_action, self.fit_action, self.follow_action, self.play_action, *self.step_actions])
        for p in self.parts:
            if p.actions.get("View"):
                view.addSeparator()
                view.addActions(p.actions["View"])
        view.addSeparator()
        view.addActions([self.clean_action, self.escape_action])
        self.panels_menu = QMenu("&Panels", view)
        self.panels_menu.addActions([d.toggleViewAction() for d in self.layout.docks.values()])
        self.panels_menu.addSeparator()
        self.panels_menu.addAction(self.reset_layout_action)
        view.addSeparator()
        view.addMenu(self.panels_menu)
        view.addAction(self.reset_layout_action)
        groups = self._feature_actions("Groups")
        if groups:
            bar.addMenu("&Groups").addActions(groups)
        self.runs_menu = RunsMenu(current=current_run, leading=self._feature_actions("Runs"), parent=self.window)
        self.runs_menu.run_chosen.connect(files.open_run)
        bar.addMenu(self.runs_menu)
        help_menu = bar.addMenu("&Help")
        self.shortcuts_action = help_menu.addAction("Keyboard shortcuts", self.show_shortcuts)

    def _toolbar(self) -> QToolBar:
        toolbar = self.window.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        entries = [(10, self.open_action), (30, self.reset_action), (50, self.follow_action),
                   *(e for p in self.parts for e in p.toolbar)]
        for _order, entry in sorted(entries, key=lambda e: e[0]):
            if isinstance(entry, QAction):
                toolbar.addAction(entry)
            else:
                toolbar.addSeparator()
                entry(toolbar)
        for p in self.parts:
            for bar in p.toolbars:
                self.window.addToolBar(bar)
        return toolbar

    def escape(self) -> None:
        """Escape: the first feature that uses the key (box/lasso, then the pick) takes it."""
        for parts in self.parts:
            if parts.escape is not None and parts.escape():
                return

    def _on_run(self, _run: object) -> None:
        if not self.model.time.run_grew:  # another run: the cleared selection's indices are not its images
            self.undo_stack.clear()

    def clean_view(self) -> None:
        """Every overlay off in one step that Ctrl+Z undoes (nothing to undo when all were off already)."""
        if overlays(self.model):
            self.undo_stack.push(CleanViewCommand(self.model))  # push runs its redo

    def show_shortcuts(self) -> ShortcutsDialog:
        """Help → Keyboard shortcuts: every action of the window that has a key (timeline's included)."""
        dialog = ShortcutsDialog(self.window.findChildren(QAction), self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
