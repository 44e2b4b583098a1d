"""No output is ever written inside a run folder: an export named ``RUN/codes.npy`` would replace the run's codes.

A run folder is recognised by its looks, not by where it is: any folder holding ``run.json``, or
the two arrays every run has (``codes.npy`` and ``labels.npy``), or a training's hidden
``.NAME.partial-XXXXXXXX`` folder. The check is made on the resolved path, so a symbolic link to
a run folder (or to a file inside one) is caught too, and on every folder above the target, so
``RUN/weights/x.png`` is refused as well. The shipped run and its copy inside an installed wheel
look like any other run.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

__all__ = ["RUN_MARKERS", "enclosing_run", "is_run_folder"]

RUN_MARKERS = ("run.json",)  # any one of these makes a folder a run
RUN_ARRAYS = ("codes.npy", "labels.npy")  # ... and so do these two together (a run whose run.json is damaged)
_PARTIAL = re.compile(r"^\..+\.partial-[0-9a-f]{8}$")  # RunWriter's folder while it trains


def _exists(p: str) -> bool:
    try:
        return os.path.lexists(p)
    except (OSError, ValueError):
        return False


def is_run_folder(folder: str | os.PathLike[str]) -> bool:
    """Whether ``folder`` looks like a run folder (complete, damaged or still being written)."""
    f = os.fspath(folder)
    if _PARTIAL.match(os.path.basename(f)):
        return True
    return any(_exists(os.path.join(f, m)) for m in RUN_MARKERS) or all(
        _exists(os.path.join(f, a)) for a in RUN_ARRAYS)


def enclosing_run(target: str | os.PathLike[str]) -> Path | None:
    """The run folder that ``target`` (a file to write) would land in, or None.

    Parameters
    ----------
    target : path-like
        The output file. Its folder is resolved (symbolic links followed) and every folder from
        there up to the root is looked at; a target that is itself a link into a run is caught too.

    Returns
    -------
    Path or None
        The run folder, resolved, or None when the target is outside every run.
    """
    t = os.path.abspath(os.fspath(target))
    candidates = [os.path.realpath(os.path.dirname(t))]
    if os.path.islink(t):
        candidates.append(os.path.dirname(os.path.realpath(t)))
    for start in candidates:
        folder = start
        while True:
            if is_run_folder(folder):
                return Path(folder)
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
    return None
