"""Reading a view file as untrusted input and writing one atomically."""

from __future__ import annotations

import errno
import json
import os
import re
from pathlib import Path

from latent3d.state.view.checker import Checker, ViewFileError
from latent3d.state.view.json_text import parse_json, read_text
from latent3d.state.view.spec import ViewSpec
from latent3d.util.fileio import OutputError, atomic_path

__all__ = ["load_view", "save_view"]

_NUMBER_LIST = re.compile(r"\[\n\s*([-+0-9.eE,\s]*?)\n\s*\]")


def load_view(path: str | os.PathLike[str]) -> ViewSpec:
    """Read a view file as untrusted input.

    Parameters
    ----------
    path : str or PathLike
        The view file.

    Returns
    -------
    ViewSpec
        Checked for types and ranges; indices and the timeline position are checked against
        the run later, by ``ViewSpec.check_against``, once the run is loaded.

    Raises
    ------
    ViewFileError
        One sentence naming the file (and the key, where one is at fault): a missing file, a
        folder, FIFO or device, over 1 MB, not UTF-8, not JSON, nested too deep, a duplicate or
        unknown key, a wrong type, a non-finite or huge number, a value out of range.
    """
    source = os.fspath(path)
    return ViewSpec.from_dict(parse_json(read_text(source), source), source)


def save_view(spec: ViewSpec, path: str | os.PathLike[str]) -> None:
    """Write a view file atomically: a temporary sibling, flushed and fsynced, then renamed into place.

    Parameters
    ----------
    spec : ViewSpec
        The view; it must have a camera and a timeline position.
    path : str or PathLike
        The file to write; an existing file there is replaced only once the new one is complete.

    Raises
    ------
    ViewFileError
        One sentence naming the file: the spec would not load back (checked before anything
        is written), the folder is missing, permission is denied, the disk is full... On any
        failure the old file is untouched and no temporary file is left.
    """
    source = os.fspath(path)
    data = spec.to_dict()
    ViewSpec.from_dict(data, source)  # never write a file that load_view would refuse
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    # Vectors on one line each; a newline right after "[" never occurs inside a JSON string.
    text = _NUMBER_LIST.sub(lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",")) + "]", text)
    payload = (text + "\n").encode("utf-8")
    target = Path(source)
    c = Checker(source)
    if target.is_dir():
        raise c.error(None, "is a folder; choose a file name for the view")
    if not target.parent.is_dir():
        raise c.error(None, f"cannot be written: the folder {target.parent} does not exist")
    try:
        with atomic_path(target, what="View file") as tmp:
            tmp.write_bytes(payload)
    except OutputError as exc:
        if exc.os_error is None:  # refused before writing (a name too long...): fileio's sentence names the file
            raise ViewFileError(str(exc)) from None
        raise c.error(None, f"cannot be written ({_why(exc.os_error)})") from None


def _why(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied; choose another folder"
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "the disk is full; free some space or choose another disk"
    return exc.strerror or type(exc).__name__
