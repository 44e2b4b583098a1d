"""A virtual X display for the window benchmarks when none is set (needs Xvfb and pyvirtualdisplay)."""

from __future__ import annotations

import os
from typing import Any


def start_virtual_display() -> Any | None:
    """Start a 1600x1000 Xvfb display unless ``DISPLAY`` is set; returns it (call ``.stop()``) or None."""
    if os.environ.get("DISPLAY"):
        return None
    from pyvirtualdisplay import Display

    display = Display(visible=False, size=(1600, 1000), color_depth=24)
    display.start()
    return display


def as_the_window() -> dict[str, object]:
    """Set this process up as ``latent3d view`` sets up the window's (one BLAS thread); say what was done.

    A checkout without that setup (an older one measured for comparison) is measured as it is.
    """
    try:
        from latent3d.qt.app import one_blas_thread
    except ImportError:
        return {"blas_one_thread": False}
    return {"blas_one_thread": one_blas_thread()}


def finish(display: Any | None, status: int = 0) -> None:
    """End a benchmark that has printed its figures: flush them, stop ``display``, exit with ``status`` at once.

    Qt's and VTK's teardown at interpreter exit talk to the X server; with the virtual display
    already stopped that ended in "The X11 connection broke ... fatal IO error" and status 1
    after the JSON was printed. ``os._exit`` skips that teardown: a benchmark that measured exits 0.
    """
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    if display is not None:
        display.stop()
    os._exit(status)
