"""Reading a VTK render window's pixels back into numpy (off-screen renders, screenshots, movies)."""

from __future__ import annotations

from typing import Any

import numpy as np
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkRenderingCore import vtkWindowToImageFilter

__all__ = ["grab"]


def grab(ren_win: Any, scale: int = 1) -> np.ndarray:
    """Render ``ren_win`` now and return its pixels as uint8 ``[H * scale, W * scale, 3]``, top row first."""
    ren_win.Render()
    f = vtkWindowToImageFilter()
    f.SetInput(ren_win)
    f.SetScale(int(scale))
    f.SetInputBufferTypeToRGB()
    f.ReadFrontBufferOn()  # what was just drawn and swapped, as pyvista's screenshot reads it
    f.ShouldRerenderOff()
    f.FixBoundaryOn()
    f.Update()
    img = f.GetOutput()
    w, h, _ = img.GetDimensions()
    pixels = vtk_to_numpy(img.GetPointData().GetScalars()).reshape(h, w, -1)
    return np.ascontiguousarray(pixels[::-1, :, :3])
