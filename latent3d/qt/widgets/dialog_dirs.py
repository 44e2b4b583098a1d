"""Where file dialogs start: the last folder the user chose, else the runs folder, never the working directory."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

from latent3d.qt.settings_file import open_settings
from latent3d.runs import default_runs_dir

__all__ = ["EXPORT_DIR_KEY", "save_file_name", "settings_of", "start_folder"]

EXPORT_DIR_KEY = "last_export_dir"  # the folder of the last screenshot or movie saved


def start_folder(last: object = None) -> Path:
    """``last`` if it names an existing folder, else the runs folder (or the home folder until that exists).

    Parameters
    ----------
    last : object
        A folder remembered in the settings (any value: settings files are read as untrusted).
    """
    if isinstance(last, (str, Path)) and str(last):
        try:
            if Path(last).is_dir():
                return Path(last)
        except (OSError, ValueError):  # a name too long, a NUL byte
            pass
    runs = default_runs_dir()
    return runs if runs.is_dir() else Path.home()


def settings_of(widget: QWidget | None) -> QSettings:
    """The settings of the window ``widget`` is in (tests give it a temporary store), else the user's."""
    window = widget.window() if widget is not None else None
    settings = getattr(window, "settings", None)
    return settings if isinstance(settings, QSettings) else open_settings("latent3d", "latent3d")


def save_file_name(parent: QWidget | None, caption: str, file_name: str, filters: str) -> tuple[str, str]:
    """``QFileDialog.getSaveFileName`` starting in the folder of the last export; remembers the folder chosen.

    Returns
    -------
    (str, str)
        The chosen path ("" if cancelled) and the chosen filter, as Qt returns them.
    """
    settings = settings_of(parent)
    start = start_folder(settings.value(EXPORT_DIR_KEY, "")) / file_name
    name, chosen = QFileDialog.getSaveFileName(parent, caption, str(start), filters)
    if name:
        settings.setValue(EXPORT_DIR_KEY, str(Path(name).parent))
    return name, chosen
