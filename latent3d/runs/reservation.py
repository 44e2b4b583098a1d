"""A run name is reserved while it trains: its partial folder is held locked, and a second training refuses the name.

Two windows, or the command line and a window, training to one run name used to both train to
the end, and the loser then failed to save. The writer locks its ``.NAME.partial-XXXXXXXX``
folder (``flock``, released by the kernel however the process ends, so the leftover of a killed
training reserves nothing) and refuses a name whose partial folder another process holds.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from pathlib import Path

__all__ = ["holder", "release", "reserve"]

try:
    import fcntl
except ImportError:  # Windows: no reservation, as before
    fcntl = None  # type: ignore[assignment]


def _partials(target: Path) -> list[Path]:
    try:
        return sorted(target.parent.glob(f".{target.name}.partial-*"))
    except OSError:
        return []


def holder(target: Path, *, ignore: Path | None = None) -> Path | None:
    """The partial folder of a training that is writing the run ``target`` now, or None.

    Parameters
    ----------
    target : Path
        The run folder to be written.
    ignore : Path, optional
        Our own partial folder.
    """
    if fcntl is None:
        return None
    for partial in _partials(target):
        if partial == ignore:
            continue
        try:
            fd = os.open(partial, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError:
            continue  # vanished, or not ours to read: it cannot be holding the name for anyone we see
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                return partial
        finally:
            os.close(fd)
    return None


def reserve(partial: Path) -> int | None:
    """Lock our partial folder ``partial`` for as long as the returned descriptor is open (None: no locking here)."""
    if fcntl is None:
        return None
    fd = os.open(partial, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    for attempt in range(50):  # another starting training's holder() may probe our new folder for a moment
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN) or attempt == 49:
                os.close(fd)
                raise
            time.sleep(0.01)
    return fd  # not reached


def release(fd: int | None) -> None:
    """Give the reservation up (safe to call with None or twice on the same closed descriptor)."""
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)
