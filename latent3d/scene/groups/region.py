"""Selecting many points: a box or a lasso in display pixels, the points seen there (default) or those behind too.

The default, like Phoenix's lasso (PR #520), selects the points a viewer *sees* in the region: a
point whose centre projects into the region is taken when the GPU's depth buffer shows it at its
centre (within one pixel), so a point hidden behind another is not. That is one depth-only read of
one flat-point render; VTK's hardware selector (used for a single click) needs two id passes and
their read-back, ~190 ms for a whole 1000x800 view of 10,000 points on software GL. With
``behind=True`` every drawn point in the region is taken. Hidden classes (and, in isolate mode, the
points outside the group) are not drawn, so never selected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyvista as pv
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkCommonCore import vtkFloatArray

if TYPE_CHECKING:
    from latent3d.scene.core.cloud import LatentScene

__all__ = ["ModeNote", "RegionOverlay", "depth_image", "idle_style", "inside_polygon", "project", "seen",
           "select_region"]

MAX_LASSO_VERTICES = 512  # a long drag is thinned to this many vertices: the test is O(vertices x points)
DEPTH_EPS = 2e-5  # window depth units; a 24-bit depth buffer resolves 6e-8


def project(scene: LatentScene, xyz: np.ndarray) -> np.ndarray:
    """Display coordinates ``[N, 3]`` (x, y from the bottom-left, depth in [0, 1]) of world points ``xyz``."""
    ren = scene.plotter.renderer
    w, h = ren.GetSize()
    cam = scene.plotter.camera
    m = cam.GetCompositeProjectionTransformMatrix(w / max(h, 1), -1.0, 1.0)
    mat = np.array([[m.GetElement(i, j) for j in range(4)] for i in range(4)], np.float64)
    p = np.asarray(xyz, np.float64) @ mat[:3, :3].T + mat[:3, 3]
    wq = np.asarray(xyz, np.float64) @ mat[3, :3] + mat[3, 3]
    ndc = p / wq[:, None]
    x0, y0 = ren.GetOrigin()
    return np.column_stack([x0 + (ndc[:, 0] + 1.0) * 0.5 * w, y0 + (ndc[:, 1] + 1.0) * 0.5 * h,
                            (ndc[:, 2] + 1.0) * 0.5])


def inside_polygon(xy: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Which points ``xy`` ``[N, 2]`` lie inside ``polygon`` ``[M, 2]`` (closed implicitly; even-odd rule)."""
    poly = np.asarray(polygon, np.float64)
    if len(poly) > MAX_LASSO_VERTICES:
        poly = poly[np.linspace(0, len(poly) - 1, MAX_LASSO_VERTICES).round().astype(int)]
    x, y = np.asarray(xy[:, 0], np.float64), np.asarray(xy[:, 1], np.float64)
    inside = np.zeros(len(x), bool)
    if len(poly) < 3:
        return inside
    lo, hi = poly.min(axis=0), poly.max(axis=0)
    near = np.flatnonzero((x >= lo[0]) & (x <= hi[0]) & (y >= lo[1]) & (y <= hi[1]))
    px, py = x[near], y[near]
    hit = np.zeros(len(near), bool)
    for (ax, ay), (bx, by) in zip(poly, np.roll(poly, -1, axis=0)):
        if ay == by:
            continue
        crosses = (ay > py) != (by > py)
        hit ^= crosses & (px < ax + (py - ay) * (bx - ax) / (by - ay))
    inside[near] = hit
    return inside


def idle_style() -> object:
    """An interactor style that does nothing with the mouse: while a region is dragged the camera stays."""
    from vtkmodules.vtkInteractionStyle import vtkInteractorStyleUser

    return vtkInteractorStyleUser()


def _is_box(poly: np.ndarray) -> bool:
    return len(poly) == 2


def depth_image(scene: LatentScene) -> np.ndarray:
    """The depth buffer ``[H, W]`` (bottom row first) of the cloud drawn alone as flat points of its size.

    Other renderers (marker layers clear their own depth) and other actors (trails, overlays) are
    left out of this one render, as in the hardware selector's passes; the caller asks for a normal
    frame afterwards.
    """
    plotter, actor = scene.plotter, scene._cloud_actor
    assert actor is not None, "depth_image needs a cloud"
    rw = plotter.ren_win
    ren = plotter.renderer
    others = [r for r in rw.GetRenderers() if r is not ren and r.GetDraw()]
    props = [p for p in ren.GetViewProps() if p is not actor and p.GetVisibility()]
    prop = actor.GetProperty()
    spheres = bool(prop.GetRenderPointsAsSpheres())
    was_fast = scene.fast
    scene.set_fast(False)
    for r in others:
        r.DrawOff()
    for p in props:
        p.VisibilityOff()
    prop.SetRenderPointsAsSpheres(False)  # flat points: one depth per point, the same footprint
    try:
        rw.Render()
        w, h = rw.GetSize()
        z = vtkFloatArray()
        rw.GetZbufferData(0, 0, w - 1, h - 1, z)
        depth = vtk_to_numpy(z).reshape(h, w).copy()
    finally:
        prop.SetRenderPointsAsSpheres(spheres)
        for r in others:
            r.DrawOn()
        for p in props:
            p.VisibilityOn()
        scene.set_fast(was_fast)
    return depth


def seen(display: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """Which points at ``display`` (x, y, depth ``[K, 3]``) the depth buffer shows at their centre (or beside it)."""
    h, w = depth.shape
    px = np.floor(display[:, 0]).astype(np.int64)
    py = np.floor(display[:, 1]).astype(np.int64)
    best = np.full(len(display), -np.inf)
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            x, y = np.clip(px + dx, 0, w - 1), np.clip(py + dy, 0, h - 1)
            best = np.maximum(best, depth[y, x])
    return display[:, 2] <= best + DEPTH_EPS


def select_region(scene: LatentScene, region: np.ndarray, *, behind: bool = False) -> np.ndarray:
    """The ids of the drawn points in a display region: a box (2 corners) or a lasso polygon (3+ vertices).

    Parameters
    ----------
    scene : LatentScene
    region : array-like, shape (2, 2) or (M, 2)
        Display pixels, origin bottom-left: two opposite corners of a box, or a lasso's vertices.
    behind : bool
        Also take points hidden behind others (every drawn point whose centre falls in the region).

    Returns
    -------
    ndarray of int64
        Sorted indices of the points whose centre lies in the region (and, by default, that are seen).
    """
    poly = np.asarray(region, np.float64).reshape(-1, 2)
    if scene._cloud_actor is None or len(poly) < 2:
        return np.zeros(0, np.int64)
    lo, hi = poly.min(axis=0), poly.max(axis=0)
    ids = np.flatnonzero(scene.drawn_mask())
    xy = project(scene, scene.positions[ids])
    w, h = scene.plotter.ren_win.GetSize()
    keep = ((xy[:, 0] >= max(lo[0], 0)) & (xy[:, 0] <= min(hi[0], w)) & (xy[:, 1] >= max(lo[1], 0))
            & (xy[:, 1] <= min(hi[1], h)) & (xy[:, 2] >= 0) & (xy[:, 2] <= 1))  # in the window, between the clip planes
    if not _is_box(poly):
        keep[keep] = inside_polygon(xy[keep], poly)
    if not behind and keep.any():
        keep[keep] = seen(xy[keep], depth_image(scene))
    return ids[keep].astype(np.int64)


class RegionOverlay:
    """The box or lasso being dragged, drawn as a 2-D outline in display pixels over the view.

    Parameters
    ----------
    plotter : pyvista.Plotter
    """

    def __init__(self, plotter: pv.Plotter, line_width: float = 1.5) -> None:
        from vtkmodules.vtkRenderingCore import vtkActor2D, vtkCoordinate, vtkPolyDataMapper2D

        self.plotter = plotter
        self.mesh = pv.PolyData()
        coord = vtkCoordinate()
        coord.SetCoordinateSystemToDisplay()
        mapper = vtkPolyDataMapper2D()
        mapper.SetInputData(self.mesh)
        mapper.SetTransformCoordinate(coord)
        self.actor = vtkActor2D()
        self.actor.SetMapper(mapper)
        self.actor.GetProperty().SetColor(1.0, 0.8, 0.2)
        self.actor.GetProperty().SetLineWidth(line_width)
        self.actor.SetVisibility(False)
        self.actor.SetPickable(False)
        plotter.renderer.AddViewProp(self.actor)

    @property
    def visible(self) -> bool:
        """Whether an outline is drawn."""
        return bool(self.actor.GetVisibility())

    def show(self, region: np.ndarray | None) -> None:
        """Outline ``region`` (2 box corners or lasso vertices, display pixels), or hide the outline (None)."""
        if region is None or len(region) < 2:
            self.actor.SetVisibility(False)
            return
        poly = np.asarray(region, np.float64).reshape(-1, 2)
        if _is_box(poly):
            (x0, y0), (x1, y1) = poly
            poly = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
        pts = np.column_stack([poly, np.zeros(len(poly))]).astype(np.float32)
        n = len(pts)
        self.mesh.points = pts
        self.mesh.lines = np.concatenate([[n + 1], np.arange(n), [0]]).astype(np.int64)
        self.mesh.Modified()
        self.actor.SetVisibility(True)

    def close(self) -> None:
        """Remove the outline."""
        self.plotter.renderer.RemoveViewProp(self.actor)


class ModeNote:
    """A line of text at the top centre of a plotter's view: which selection mode a drag is in.

    Parameters
    ----------
    plotter : pyvista.Plotter
    """

    def __init__(self, plotter: pv.Plotter) -> None:
        from vtkmodules.vtkRenderingCore import vtkTextActor

        self.plotter = plotter
        self.actor = vtkTextActor()
        prop = self.actor.GetTextProperty()
        prop.SetFontSize(14)
        prop.SetColor(1.0, 0.8, 0.2)
        prop.SetJustificationToCentered()
        prop.SetVerticalJustificationToTop()
        self.actor.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        self.actor.GetPositionCoordinate().SetValue(0.5, 0.985)  # top centre: captions left, isolate note at the bottom
        self.actor.SetVisibility(False)
        self.actor.SetPickable(False)
        plotter.renderer.AddViewProp(self.actor)

    def show(self, text: str | None) -> None:
        """Show ``text`` (None or empty: hide the note)."""
        self.actor.SetInput(text or "")
        self.actor.SetVisibility(bool(text))

    @property
    def text(self) -> str:
        """The note shown ("" when hidden)."""
        return str(self.actor.GetInput() or "") if self.actor.GetVisibility() else ""

    def close(self) -> None:
        """Remove the note from the view."""
        self.plotter.renderer.RemoveViewProp(self.actor)
