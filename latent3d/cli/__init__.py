"""The command line: argparse, every command handler (train, info, render, view) and the checks made before them.

Importing this package is light: ``run()`` installs the early signal handling before the parser
and its imports (numpy, the config) are loaded; ``main`` and ``build_parser`` load them when used.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from latent3d.cli.parser import build_parser, main

__all__ = ["build_parser", "main", "run"]


def run() -> NoReturn:
    """The ``latent3d`` script and ``run.py``: Ctrl+C and SIGTERM are one line from the start, then :func:`main`.

    Never returns: the process exits with :func:`main`'s status once standard output and error are
    flushed and the ``atexit`` functions have run, without the interpreter's own teardown. While it
    tears down (modules, torch, VTK: up to a few hundred milliseconds) Python has put the default
    handlers back, so a Ctrl+C or SIGTERM there killed a command that had finished, silently. After
    the window (``view``) the interpreter exits as usual: Qt's objects write their settings as they go.
    """
    from latent3d.util.interrupt import exit_on_early_signals, exit_quietly_on_signals

    exit_on_early_signals()
    from latent3d.cli.parser import main

    status = main()
    exit_quietly_on_signals(status)  # done: a signal from now on changes nothing
    if "PySide6.QtCore" in sys.modules:  # the window ran: Qt writes what it holds (settings) as it is torn down
        raise SystemExit(status)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):  # a full or closed stream said so already
            stream.flush()
    atexit._run_exitfuncs()  # temporary folders, logging
    os._exit(status)


def __getattr__(name: str) -> Any:
    if name in ("build_parser", "main"):
        from latent3d.cli import parser

        return getattr(parser, name)
    raise AttributeError(f"module 'latent3d.cli' has no attribute {name!r}")
