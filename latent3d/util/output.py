"""What the command line prints on standard output: a full disk there is one sentence, not a traceback."""

from __future__ import annotations

import atexit
import contextlib
import errno
import os
import shutil
import sys
import tempfile
from pathlib import Path

from latent3d.util.fileio import OutputError, describe_os_error
from latent3d.util.interrupt import remove_on_early_exit

__all__ = ["quiet_matplotlib", "say"]


def say(text: str) -> None:
    """Print ``text`` and a newline to standard output, flushed now.

    Raises
    ------
    BrokenPipeError
        The reader went away (``| head``): the command line exits 0 quietly.
    OutputError
        Any other write error (``> /dev/full``): one sentence; standard output is then pointed at
        ``/dev/null``, so that Python's flush at exit does not print a second error. Standard output
        closed (``>&-``, where Python sets ``sys.stdout`` to None and ``print`` does nothing) is one too.
    """
    if sys.stdout is None:  # started with descriptor 1 closed: print() would drop the text and succeed
        raise OutputError("Could not write the output (standard output is closed); nothing was printed.")
    try:
        print(text, flush=True)
    except OSError as exc:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # the unwritten rest of the buffer goes nowhere
            os.close(devnull)
        if exc.errno == errno.EPIPE:
            raise
        raise OutputError(f"Could not write the output ({describe_os_error(exc)}); nothing more was printed.") from None


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)  # what matplotlib would do first
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


def quiet_matplotlib() -> None:
    """Give matplotlib (imported by pyvista to render) a writable folder when the home folder is read-only.

    Otherwise a successful render prints matplotlib's two-line warning about a temporary cache
    folder on stderr. The folder made here is removed at exit; nothing is done when
    ``MPLCONFIGDIR`` is set or matplotlib's own folders can be written.
    """
    if os.environ.get("MPLCONFIGDIR"):
        return
    home = Path(os.path.expanduser("~"))
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "matplotlib"
    cache = Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / "matplotlib"
    if _writable(config) and _writable(cache):
        return
    try:
        folder = tempfile.mkdtemp(prefix="latent3d-matplotlib-")
    except OSError:
        return  # no writable temporary folder either: matplotlib says so itself
    os.environ["MPLCONFIGDIR"] = folder
    atexit.register(shutil.rmtree, folder, True)
    remove_on_early_exit(folder)  # an early Ctrl+C exits without atexit
