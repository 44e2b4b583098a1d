"""An off-screen plotter, its GL window opened at once: through EGL without a display, and not cut short by a signal."""

from __future__ import annotations

import os

import pyvista as pv

from latent3d.util.interrupt import blocked

__all__ = ["offscreen_plotter"]


def offscreen_plotter(size: tuple[int, int] | list[int]) -> pv.Plotter:
    """A ``pyvista.Plotter(off_screen=True)`` of ``size`` pixels whose display and GL context are open.

    Without ``DISPLAY`` it goes straight to EGL instead of warning about a missing X server first.
    The display connection and the GL context are opened here, with Ctrl+C, SIGTERM and SIGHUP held
    back (:func:`latent3d.util.interrupt.blocked`): VTK does not retry a connection a signal interrupted,
    and printed "bad X server connection" beside the command's one line. A signal that came is
    still handled, as soon as Python code runs again.
    """
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")
    with blocked():
        plotter = pv.Plotter(off_screen=True, window_size=[int(size[0]), int(size[1])])
        plotter.ren_win.Render()  # the GL context: the window's second connection is made by its first render
    return plotter
