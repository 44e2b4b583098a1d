"""What a run records about where it was made, in a form that means the same on another machine.

A run folder is shared, zipped and shipped (the bundled run is built in a temporary folder), so
``run.json`` must not record paths that exist only on the machine that trained it: the command
names the run by its folder name, and the data folder is kept only as ``~/...`` inside the home.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path

__all__ = ["portable_command", "portable_dir"]

_OUT, _DATA_DIR = "--out", "--data-dir"


def portable_dir(path: str | Path) -> str | None:
    """``path`` as ``~/...`` when it lies inside the home folder, else None (it would mean nothing elsewhere).

    Parameters
    ----------
    path : str or Path
        A folder on this machine (relative to the working directory, or absolute).

    Returns
    -------
    str or None
    """
    try:
        folder, home = Path(path).expanduser().resolve(), Path.home().resolve()
    except (OSError, RuntimeError):  # no home folder, a name too long: nothing portable to say
        return None
    if folder == home:
        return "~"
    return f"~/{folder.relative_to(home).as_posix()}" if folder.is_relative_to(home) else None


def _option(token: str, name: str) -> bool:
    """Whether ``token`` names the option ``name``; argparse took it, so an abbreviation of it is unique."""
    return len(token) > 2 and name.startswith(token)


def portable_command(argv: Sequence[str], run_name: str) -> str:
    """The ``train`` command line as run.json records it: ``--out`` is the run's name, ``--data-dir`` portable.

    Parameters
    ----------
    argv : sequence of str
        The arguments after the program name, as parsed (``train --out /tmp/x/run --epochs 2 ...``).
    run_name : str
        The run folder's name: ``--out NAME`` puts the run under the runs folder wherever it is repeated.

    Returns
    -------
    str
        A shell-quoted command (``shlex.join``), so a ``--note`` with spaces stays one argument;
        ``--data-dir`` is kept as :func:`portable_dir` gives it, or left out with its value.
    """
    out: list[str] = ["latent3d"]
    tokens = list(argv)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        name, eq, value = token.partition("=")
        if not token.startswith("--") or not (_option(name, _OUT) or _option(name, _DATA_DIR)):
            out.append(token)
            i += 1
            continue
        if not eq:
            value = tokens[i + 1] if i + 1 < len(tokens) else ""
            i += 1
        i += 1
        if _option(name, _OUT):
            out += [_OUT, run_name]
        elif (kept := portable_dir(value)) is not None:
            out += [_DATA_DIR, kept]
    return shlex.join(out)
