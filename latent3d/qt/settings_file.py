"""The window's settings files, checked before QSettings reads them: a FIFO, folder or unreadable file is ignored.

``QSettings("latent3d", "latent3d")`` reads its files as soon as it is constructed (even
``fileName()`` comes too late): a FIFO in place of ``~/.config/latent3d/latent3d.conf`` makes it
wait forever for a writer, before any window appears. So the files it would read are found
and checked here with ``os.stat`` first; if one cannot be read as a regular file the window
uses a throw-away settings file instead and says so on stderr.
"""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QSettings, QStandardPaths

from latent3d.util.fileio import describe_os_error, file_kind, open_regular

__all__ = ["MAX_SETTINGS_BYTES", "open_settings", "settings_candidates", "settings_problem"]

MAX_SETTINGS_BYTES = 1 << 20  # the window stores a few hundred bytes; a larger file is not ours


def settings_candidates(organisation: str, application: str) -> list[Path]:
    """The files ``QSettings(organisation, application)`` reads on Linux and the BSDs, user's first.

    Per config folder (``~/.config``, each of ``$XDG_CONFIG_DIRS``, Qt's own settings path):
    ``ORG/APP.conf`` and the organisation-wide fallback ``ORG.conf``. macOS and Windows keep
    settings in their native stores (CFPreferences, the registry), which this does not cover.
    """
    if sys.platform in ("darwin", "win32"):
        return []
    folders = list(QStandardPaths.standardLocations(QStandardPaths.StandardLocation.GenericConfigLocation))
    folders.append(QLibraryInfo.path(QLibraryInfo.LibraryPath.SettingsPath))
    out: list[Path] = []
    for folder in dict.fromkeys(f for f in folders if f):
        out += [Path(folder) / organisation / f"{application}.conf", Path(folder) / f"{organisation}.conf"]
    return out


def settings_problem(paths: list[Path]) -> str | None:
    """Why one of ``paths`` cannot be read as a settings file (a phrase naming it), or None if all are usable.

    A missing file is usable (QSettings starts empty). A folder, FIFO, device, socket, dangling
    link, a file over 1 MB or one that cannot be opened for reading is not.
    """
    for p in paths:
        try:
            st = os.stat(p)
        except (FileNotFoundError, NotADirectoryError):
            if os.path.islink(p):
                return f"{p} is a link to nothing"
            continue
        except OSError as exc:
            return f"{p} cannot be read ({describe_os_error(exc)})"
        if not stat.S_ISREG(st.st_mode):
            return f"{p} is {file_kind(st.st_mode)}, not a regular file"
        if st.st_size > MAX_SETTINGS_BYTES:
            return f"{p} is larger than {MAX_SETTINGS_BYTES >> 20} MB"
        try:
            open_regular(p).close()  # a real open: permissions, ACLs, a swap to a FIFO since the stat
        except OSError as exc:
            return f"{p} cannot be read ({describe_os_error(exc)})"
    return None


def open_settings(organisation: str = "latent3d", application: str = "latent3d") -> QSettings:
    """``QSettings(organisation, application)``, or a throw-away store (with a warning) if its files are unusable.

    Returns
    -------
    QSettings
        The user's settings; or, when :func:`settings_problem` finds a file QSettings would hang on
        or fail to read, an empty ini file in a private temporary folder deleted at exit, so the
        window opens and works but does not remember its layout this time.
    """
    problem = settings_problem(settings_candidates(organisation, application))
    if problem is None:
        return QSettings(organisation, application)
    key = (organisation, application)
    if key not in _THROWAWAY:  # one store and one warning per process, however many widgets ask
        print(f"latent3d: warning: ignoring the window settings because {problem}; the window will not remember "
              "its layout this time.", file=sys.stderr)
        folder = tempfile.mkdtemp(prefix="latent3d-settings-")
        atexit.register(shutil.rmtree, folder, True)
        _THROWAWAY[key] = os.path.join(folder, "settings.ini")
    return QSettings(_THROWAWAY[key], QSettings.Format.IniFormat)


_THROWAWAY: dict[tuple[str, str], str] = {}
