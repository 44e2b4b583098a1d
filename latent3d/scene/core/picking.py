"""Hardware picking: which point of a cloud is drawn at a pixel, read back from the GPU's id passes."""

from __future__ import annotations

from typing import Any

import numpy as np
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkCommonDataModel import vtkDataObject, vtkSelectionNode
from vtkmodules.vtkRenderingOpenGL2 import vtkOpenGLHardwareSelector

__all__ = ["pick_point", "seen_at", "select_point_ids"]


def select_point_ids(plotter: Any, actor: Any, x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
    """Ids of the points of ``actor`` drawn in the display box ``(x0, y0)``-``(x1, y1)``.

    Parameters
    ----------
    plotter : pyvista.Plotter
        The plotter whose main renderer holds ``actor``.
    actor : vtkActor
        The point cloud to pick from.
    x0, y0, x1, y1 : int
        Display box, origin bottom-left, clipped to the window.

    Returns
    -------
    ndarray of int64
        Sorted point ids with at least one visible pixel in the box.

    Notes
    -----
    Only ``actor`` is drawn during the selection passes: other renderers (overlay layers)
    made the cloud lose its depth test, so the last-drawn of two overlapping points won,
    and other actors (a highlight halo, an overlay cloud) would hide test points.
    """
    ren = plotter.renderer
    others = [r for r in plotter.ren_win.GetRenderers() if r is not ren and r.GetDraw()]
    props = [p for p in ren.GetViewProps() if p is not actor and p.GetVisibility()]
    for r in others:
        r.DrawOff()
    for p in props:
        p.VisibilityOff()
    try:
        w, h = plotter.ren_win.GetSize()
        sel = vtkOpenGLHardwareSelector()
        sel.SetRenderer(ren)
        sel.SetFieldAssociation(vtkDataObject.FIELD_ASSOCIATION_POINTS)
        sel.SetArea(max(0, x0), max(0, y0), min(w - 1, x1), min(h - 1, y1))
        result = sel.Select()
    finally:
        for r in others:
            r.DrawOn()
        for p in props:
            p.VisibilityOn()
    found = [vtk_to_numpy(result.GetNode(k).GetSelectionList()).astype(np.int64)
             for k in range(result.GetNumberOfNodes())
             if result.GetNode(k).GetProperties().Get(vtkSelectionNode.PROP()) is actor]
    return np.unique(np.concatenate(found)) if found else np.zeros(0, np.int64)


def seen_at(ids: np.ndarray, display: np.ndarray, x: float, y: float, point_size: float) -> int | None:
    """Of the visible ``ids``, the one a viewer sees at pixel ``(x, y)``.

    Parameters
    ----------
    ids : ndarray of int
        Visible point ids near the pixel (from :func:`select_point_ids`).
    display : ndarray, shape (len(ids), 3)
        Their display x, y and depth.
    x, y : float
        The pixel.
    point_size : float
        Drawn point diameter in pixels.

    Returns
    -------
    int or None
        The nearest-to-camera point whose drawn disc covers the pixel; failing that the
        point with the nearest centre; None when ``ids`` is empty.
    """
    if ids.size <= 1:
        return int(ids[0]) if ids.size else None
    dist = np.hypot(display[:, 0] - x, display[:, 1] - y)
    covering = dist <= point_size / 2 + 0.5
    if covering.any():
        return int(ids[covering][np.argmin(display[covering, 2])])
    return int(ids[np.argmin(dist)])


def pick_point(plotter: Any, actor: Any, x: int, y: int, radius: int = 3) -> int | None:
    """The point of ``actor`` drawn at display pixel ``(x, y)`` (origin bottom-left), or None.

    Parameters
    ----------
    plotter : pyvista.Plotter or any object with ``renderer`` and ``ren_win``
        Where ``actor`` is drawn (the window's scene, or the first frame's plain-VTK preview).
    actor : vtkActor
        A point cloud whose mapper reads its polydata directly.
    x, y : int
        The pixel, as VTK's interactor reports it.
    radius : int
        If nothing is drawn at the exact pixel, the visible point nearest it within this many pixels.

    Notes
    -----
    The selection passes draw the cloud as flat points of its size (5x cheaper than sphere
    impostors on software GL); among the visible ids, :func:`seen_at` picks what the spheres show.
    """
    prop = actor.GetProperty()
    spheres, size = bool(prop.GetRenderPointsAsSpheres()), float(prop.GetPointSize())
    prop.SetRenderPointsAsSpheres(False)
    try:
        ids = select_point_ids(plotter, actor, x - radius, y - radius, x + radius, y + radius)
    finally:
        prop.SetRenderPointsAsSpheres(spheres)
    points = actor.GetMapper().GetInput().GetPoints()
    ren = plotter.renderer
    display = []
    for i in ids:
        px, py, pz = points.GetPoint(int(i))
        ren.SetWorldPoint(px, py, pz, 1.0)
        ren.WorldToDisplay()
        display.append(ren.GetDisplayPoint())
    return seen_at(ids, np.array(display, np.float64).reshape(-1, 3), x, y, size)
