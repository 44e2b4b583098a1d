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
