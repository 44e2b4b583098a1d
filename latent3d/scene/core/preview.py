"""The first frame's scene: a run's cloud in plain VTK, drawn before pyvista (and matplotlib behind it) is imported.

It uses the scene's own colours and point style (:mod:`latent3d.scene.core.look`), pyvista's default
lighting and the pose the window takes when it follows the snapshot shown (its default), so that the
real scene, once built, replaces it without a visible jump.
"""

from __future__ import annotations

import numpy as np
import vtkmodules.vtkRenderingFreeType  # noqa: F401  (draws the text actor's letters)
import vtkmodules.vtkRenderingOpenGL2  # noqa: F401  (the OpenGL implementations of the rendering classes)
from vtkmodules.util.numpy_support import numpy_to_vtk
from vtkmodules.vtkCommonCore import vtkPoints
from vtkmodules.vtkCommonDataModel import vtkPolyData
from vtkmodules.vtkInteractionStyle import vtkInteractorStyleTrackballCamera
from vtkmodules.vtkRenderingCore import (
    vtkActor,
    vtkLightKit,
    vtkRenderer,
    vtkRenderWindow,
    vtkTextActor,
)

from latent3d.scene.core.look import (
    BACKGROUND_RGB,
    CLASS_COLORS,
    SPHERE_LIMIT,
    aim_default,
    drawable_box,
    frame_camera,
    framing_box,
    mesh_mapper,
    pose_of,
    style_points,
    verts,
)
from latent3d.scene.core.picking import pick_point
from latent3d.state.framing import framed, percentile_box
from latent3d.state.values import Camera

__all__ = ["PreviewScene"]

POINT_SIZE = 7.0  # the scene's still-frame point size (LatentScene's default)
NOTE = "Loading the panels…"


class PreviewScene:
    """A run's cloud at its last snapshot in ``render_window``, turned by the mouse as a trackball.

    Parameters
    ----------
    render_window : vtkRenderWindow
        The window's (its interactor gets the trackball style).
    codes : ndarray, shape (S, N, 3)
        Every snapshot's codes: the camera frames them all, as the scene's does.
    labels : ndarray of uint8, shape (N,)
    """

    def __init__(self, render_window: vtkRenderWindow, codes: np.ndarray, labels: np.ndarray) -> None:
        self.renderer = ren = vtkRenderer()
        ren.SetBackground(*(c / 255.0 for c in BACKGROUND_RGB))
        ren.AutomaticLightCreationOff()
        vtkLightKit().AddLightsToRenderer(ren)  # pyvista's default lighting: the spheres are shaded alike
        render_window.SetMultiSamples(0)  # as the scene: MSAA costs fragments on software GL for no gain on points
        render_window.AddRenderer(ren)
        self.ren_win = render_window
        interactor = render_window.GetInteractor()
        if interactor is not None:
            interactor.SetInteractorStyle(vtkInteractorStyleTrackballCamera())
        codes = np.asarray(codes, np.float32)
        box = framing_box(codes) if codes.size else None
        self.actor = self._cloud(codes, np.asarray(labels, np.uint8), box)
        ren.AddActor(self.actor)
        ren.AddViewProp(self._note())
        aim_default(ren)
        if box is not None:  # the scene's reset (every snapshot framed), then the snapshot shown framed as it follows
            frame_camera(ren, *box)
            pose = framed(self.camera(), *percentile_box(codes[-1]))
            cam = ren.GetActiveCamera()
            cam.SetFocalPoint(*pose.focal_point)
            cam.SetPosition(*pose.position)
            cam.OrthogonalizeViewUp()
            ren.ResetCameraClippingRange()
        self.start = self.camera()

    @staticmethod
    def _note() -> vtkTextActor:
        """Why the window has nothing else yet, in the bottom-left corner."""
        note = vtkTextActor()
        note.SetInput(NOTE)
        note.SetDisplayPosition(12, 10)
        prop = note.GetTextProperty()
        prop.SetFontSize(14)
        prop.SetColor(0.6, 0.63, 0.68)
        return note

    @staticmethod
    def _cloud(codes: np.ndarray, labels: np.ndarray, box: tuple[np.ndarray, np.ndarray] | None) -> vtkActor:
        last = codes[-1] if len(codes) else np.zeros((0, 3), np.float32)
        wide = drawable_box(codes, box) if box is not None else None
        xyz = np.ascontiguousarray(last if wide is None else np.clip(last, wide[0], wide[1]), np.float32)
        points = vtkPoints()
        points.SetData(numpy_to_vtk(xyz, deep=True))
        mesh = vtkPolyData()
        mesh.SetPoints(points)
        mesh.SetVerts(verts(np.arange(len(xyz))))
        rgb = numpy_to_vtk(np.asarray(CLASS_COLORS, np.uint8)[labels], deep=True)
        rgb.SetName("rgb")
        mesh.GetPointData().AddArray(rgb)
        actor = vtkActor()
        actor.SetMapper(mesh_mapper(mesh, rgb="rgb"))
        spheres = len(xyz) <= SPHERE_LIMIT
        style_points(actor, POINT_SIZE if spheres else 2.0, spheres=spheres)
        return actor

    def pick(self, x: int, y: int, radius: int = 3) -> int | None:
        """The point drawn at display pixel ``(x, y)`` (origin bottom-left), or None: as the scene picks.

        The GPU's id passes say which points are drawn near the pixel (never one hidden behind
        another); of those, the nearest the camera whose disc covers the pixel.
        """
        return pick_point(self, self.actor, x, y, radius)

    def camera(self) -> Camera:
        """The preview camera's pose."""
        return pose_of(self.renderer.GetActiveCamera())

    def moved_camera(self) -> Camera | None:
        """The pose the user turned the preview to, or None if it was not moved."""
        now = self.camera()
        return None if now == self.start else now
