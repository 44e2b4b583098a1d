"""Opening runs and view files and saving views: the dialogs, their start folders and their error boxes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

from latent3d.qt.widgets.dialog_dirs import start_folder
from latent3d.qt.widgets.dialogs import error_box
from latent3d.runs import Run, RunError, load_run
from latent3d.state.view import (
    ViewFileError,
    ViewSpec,
    apply_spec,
    check_spec,
    load_view,
    load_view_compare,
    load_view_run,
    save_view,
    spec_from_state,
    spec_names_run,
)
from latent3d.state.viewer_model import ViewerModel

__all__ = ["OpenSave"]


class OpenSave:
    """File → Open run… / Open view… / Save view…, writing what they read into ``model``.

    Parameters
    ----------
    model : ViewerModel
        All of it: a view file holds what every model shows.
    settings : QSettings
        Remembers the last run and the last view folder.
    parent : QWidget
        Parent of the dialogs.
    message : callable
        ``message(text, ms)`` shows a short note (the window's status bar).
    before_apply : callable
        Called before a view file is applied (the window pauses playback).
    """

    def __init__(self, model: ViewerModel, settings: QSettings, parent: QWidget,
                 message: Callable[[str, int], None] = lambda _t, _ms: None,
                 before_apply: Callable[[], None] = lambda: None) -> None:
        self.model, self.settings, self.parent = model, settings, parent
        self.message, self.before_apply = message, before_apply

    # -- runs -----------------------------------------------------------------------------------

    def show_run(self, run: Run) -> None:
        """Show ``run`` at its last snapshot with a fresh camera and no selection, and remember it."""
        self.model.set_run(run, fresh=True)
        self.settings.setValue("last_run", str(run.path))

    def open_run(self, path: Path) -> bool:
        """Load the run at ``path``; on failure show the error and keep the current view."""
        try:
            run = load_run(path)
        except RunError as exc:
            error_box(self.parent, "Cannot open run", str(exc))
            return False
        self.show_run(run)
        return True

    def open_run_dialog(self) -> None:
        """Pick a run folder (starting beside the last run opened, else in the runs folder)."""
        start = str(self.settings.value("last_run", "") or "")
        folder = start_folder(Path(start).parent if start else None)
        path = QFileDialog.getExistingDirectory(self.parent, "Open run folder", str(folder))
        if path:
            self.open_run(Path(path))

    # -- view files -----------------------------------------------------------------------------

    def view_folder(self) -> Path:
        """Where the view dialogs start: the folder of the last view saved or opened, else the runs folder."""
        return start_folder(self.settings.value("last_view_dir", ""))

    def save_view_dialog(self) -> None:
        """Write what the window shows to a JSON view file chosen in a dialog."""
        if self.model.time.run is None:
            return
        start = self.view_folder() / "view.json"  # not the working directory (the source tree, from a clone)
        name, _ = QFileDialog.getSaveFileName(self.parent, "Save view", str(start), "View files (*.json)")
        if name:
            self.save_view(Path(name))

    def save_view(self, path: Path) -> bool:
        """Write the current view to ``path``; an error becomes a dialog."""
        try:
            save_view(spec_from_state(self.model), path)
        except ViewFileError as exc:
            error_box(self.parent, "Cannot save view", str(exc))
            return False
        self.settings.setValue("last_view_dir", str(path.parent))
        self.message(f"Saved view {path.name}.", 5000)
        return True

    def open_view_dialog(self) -> None:
        """Show what a view file chosen in a dialog describes."""
        start = str(self.view_folder())
        name, _ = QFileDialog.getOpenFileName(self.parent, "Open view", start, "View files (*.json);;All files (*)")
        if name:
            self.open_view(Path(name))

    def open_view(self, path: Path) -> bool:
        """Show the view file at ``path``; any problem is one dialog and the current view stays."""
        try:
            spec = load_view(path)
            current = self.model.time.run
            run = current if current is not None and spec_names_run(spec, current, path) else load_view_run(spec, path)
            check_spec(spec, run, path)
            compare = load_view_compare(spec, path, run)
        except ViewFileError as exc:
            error_box(self.parent, "Cannot open view", str(exc))
            return False
        if run is not self.model.time.run:
            self.show_run(run)
        self.apply_view(spec, compare)
        self.settings.setValue("last_view_dir", str(path.parent))
        return True

    def apply_view(self, spec: ViewSpec, compare: Run | None = None) -> None:
        """Show ``spec`` on the run shown (checked against it beforehand); ``compare`` is its ``compare`` run."""
        self.before_apply()
        apply_spec(self.model, spec, compare)
