"""How the cloud looks and is framed, in plain VTK: the scene and the window's first-frame preview share it.

Nothing here imports pyvista (which imports matplotlib): the preview drawn before the rest of the window
loads uses these same colours, point style and default camera, so the real view replaces it seamlessly.
"""

from __future__ import annotations

import numpy as np
from vtkmodules.util.numpy_support import numpy_to_vtkIdTypeArray
from vtkmodules.vtkCommonCore import vtkIdTypeArray
from vtkmodules.vtkCommonDataModel import vtkCellArray
from vtkmodules.vtkRenderingCore import vtkActor, vtkCamera, vtkPolyDataMapper, vtkRenderer

from latent3d.state.values import Camera

__all__ = ["BACKGROUND", "BACKGROUND_RGB", "CLASS_COLORS", "DRAW_REACH", "SPHERE_LIMIT", "aim_default", "drawable_box",
           "frame_camera", "framing_box", "mesh_mapper", "min_extent", "pose_of", "style_points", "verts"]

#: Tableau-10 class colours as 0-255 RGB, readable on a dark background.
CLASS_COLORS: tuple[tuple[int, int, int], ...] = (
    (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
    (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
)
BACKGROUND = "#1e2127"
BACKGROUND_RGB: tuple[int, int, int] = (int(BACKGROUND[1:3], 16), int(BACKGROUND[3:5], 16), int(BACKGROUND[5:7], 16))
# Above this many points even the still frame uses flat points (spheres cost ~1 s per frame at 1M on software GL).
SPHERE_LIMIT = 200_000
DEFAULT_DIRECTION = (1.0, 1.0, 1.0)  # camera position relative to the focal point, before the fit
DEFAULT_VIEW_UP = (0.0, 0.0, 1.0)
FIT_ZOOM = 0.9  # a fit leaves a 10 % margin around the framed box
FIT_SAMPLE = 1_000_000  # codes the framing percentiles are taken over, at most
DRAW_REACH = 1000.0  # points are drawn at most this many cloud sizes outside the percentile box (clamped beyond)
MIN_EXTENT = 1e-6  # the smallest box the camera frames, relative to max(1, |centre|): float32 GL draws no finer


def min_extent(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The box ``lo``-``hi`` grown about its centre to at least ``MIN_EXTENT`` on each side (a 1e-38 cloud is a dot)."""
    lo, hi = np.asarray(lo, np.float64), np.asarray(hi, np.float64)
    centre = (lo + hi) / 2.0
    half = np.maximum((hi - lo) / 2.0, MIN_EXTENT * max(1.0, float(np.abs(centre).max())) / 2.0)
    return centre - half, centre + half


def _sample(codes: np.ndarray) -> np.ndarray:
    """The codes as ``[M, 3]``, strided to at most ``FIT_SAMPLE`` rows (percentiles of 90 million copy a gigabyte)."""
    flat = np.asarray(codes).reshape(-1, 3)
    return flat[:: -(-len(flat) // FIT_SAMPLE)] if len(flat) > FIT_SAMPLE else flat


def framing_box(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The box a fit frames: the 0.5th to 99.5th percentile of each axis (far outliers do not shrink the cloud)."""
    lo, hi = np.percentile(_sample(codes), [0.5, 99.5], axis=0)
    return min_extent(lo, hi)


def drawable_box(codes: np.ndarray, box: tuple[np.ndarray, np.ndarray] | None = None,
                 ) -> tuple[np.ndarray, np.ndarray] | None:
    """Where points may be drawn: the framing box widened ``DRAW_REACH`` times, or None when every code is inside.

    A legal code at 3e38 made VTK's bounds, and so its clipping range, so large that none of the
    other points was drawn; such a point is drawn at the edge of this box instead (far off screen).
    ``box`` is ``framing_box(codes)`` when the caller has it already (its percentiles are the cost here).
    """
    flat = np.asarray(codes).reshape(-1, 3)
    if not len(flat):
        return None
    lo, hi = box if box is not None else framing_box(flat)
    reach = DRAW_REACH * float((hi - lo).max())
    wide = ((lo - reach).astype(np.float32), (hi + reach).astype(np.float32))
    return wide if (flat.min(axis=0) < wide[0]).any() or (flat.max(axis=0) > wide[1]).any() else None


def aim_default(renderer: vtkRenderer) -> None:
    """Point the camera down the default direction: from the (1, 1, 1) diagonal at the origin, z up (no framing)."""
    cam = renderer.GetActiveCamera()
    cam.SetFocalPoint(0.0, 0.0, 0.0)
    cam.SetPosition(*DEFAULT_DIRECTION)
    cam.SetViewUp(*DEFAULT_VIEW_UP)


def frame_camera(renderer: vtkRenderer, lo: np.ndarray, hi: np.ndarray) -> None:
    """Frame the box ``lo``-``hi`` from the camera's direction, with a margin so points at its edge are not cut."""
    renderer.ResetCamera(lo[0], hi[0], lo[1], hi[1], lo[2], hi[2])
    renderer.GetActiveCamera().Zoom(FIT_ZOOM)
    renderer.ResetCameraClippingRange()


def pose_of(camera: vtkCamera) -> Camera:
    """The pose of a VTK camera as plain numbers."""

    def v(x: tuple[float, ...]) -> tuple[float, float, float]:
        return (float(x[0]), float(x[1]), float(x[2]))

    return Camera(v(camera.GetPosition()), v(camera.GetFocalPoint()), v(camera.GetViewUp()),
                  float(camera.GetViewAngle()))


def mesh_mapper(mesh: object, *, rgb: str | None) -> vtkPolyDataMapper:
    """A mapper that reads ``mesh`` itself, so in-place edits show; ``rgb`` names a uint8 RGB point array
    used as colours directly, or None for one flat colour."""
    mapper = vtkPolyDataMapper()
    mapper.SetInputData(mesh)
    if rgb is None:
        mapper.ScalarVisibilityOff()
    else:
        mapper.SetScalarModeToUsePointFieldData()
        mapper.SelectColorArray(rgb)
        mapper.SetColorModeToDirectScalars()
        mapper.ScalarVisibilityOn()
    return mapper


def verts(ids: np.ndarray) -> vtkCellArray:
    """One vertex cell per id, built from numpy without a Python loop."""
    ids = np.ascontiguousarray(ids, dtype=np.int64)
    cells = vtkCellArray()
    offsets = numpy_to_vtkIdTypeArray(np.arange(len(ids) + 1, dtype=np.int64), deep=True)
    conn = numpy_to_vtkIdTypeArray(ids, deep=True) if len(ids) else vtkIdTypeArray()
    cells.SetData(offsets, conn)
    return cells


def style_points(actor: vtkActor, size: float, *, spheres: bool) -> None:
    """Draw ``actor`` as points of ``size`` pixels: lit sphere impostors, or flat unlit squares."""
    prop = actor.GetProperty()
    prop.SetPointSize(size)
    prop.SetRenderPointsAsSpheres(spheres)
    prop.SetLighting(spheres)
    prop.SetRepresentationToPoints()
