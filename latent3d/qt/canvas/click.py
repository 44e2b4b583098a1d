"""What counts as a click in a 3-D view (the window's and the preview's): a press and release in one place."""

from __future__ import annotations

__all__ = ["CLICK_SLOP_PX", "is_click"]

CLICK_SLOP_PX = 3  # a press and release closer than this on each axis is a click, not a drag


def is_click(press: tuple[int, int], release: tuple[int, int]) -> bool:
    """Whether the button came up within ``CLICK_SLOP_PX`` of where it went down (display pixels)."""
    return abs(release[0] - press[0]) <= CLICK_SLOP_PX and abs(release[1] - press[1]) <= CLICK_SLOP_PX
