"""The command line: argparse, every command handler (train, info, render, view) and the checks made before them.

Importing this package is light: ``run()`` installs the early signal handling before the parser
and its imports (numpy, the config) are loaded; ``main`` and ``build_parser`` load them when used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from latent3d.cli.parser import build_parser, main

__all__ = ["build_parser", "main", "run"]


def run() -> int:
    """The ``latent3d`` script and ``run.py``: Ctrl+C and SIGTERM are one line from the start, then :func:`main`.

    Returns
    -------
    int
        The exit status.
    """
    from latent3d.util.interrupt import exit_on_early_signals

    exit_on_early_signals()
    from latent3d.cli.parser import main

    return main()


def __getattr__(name: str) -> Any:
    if name in ("build_parser", "main"):
        from latent3d.cli import parser

        return getattr(parser, name)
    raise AttributeError(f"module 'latent3d.cli' has no attribute {name!r}")
