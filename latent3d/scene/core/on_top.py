"""Some of the cloud's points drawn again over the rest: a highlighted class or group is never hidden by dimmed points.

The subset shares the cloud's points and colours (one in-place update moves and recolours both) and sits
in a renderer layer above the cloud that shares its camera and has its own depth buffer, as the markers
and the path do: dimmed points in front of it no longer cover it (issue 32: of 1,000 highlighted
trousers about 20 showed through the faded classes).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from vtkmodules.vtkRenderingCore import vtkRenderer

from latent3d.scene.core.cloud import LatentScene, mesh_actor
from latent3d.scene.core.look import style_points, verts

__all__ = ["ON_TOP_LAYER", "OnTopPoints"]

ON_TOP_LAYER = 1  # with the markers' halo; their core (2) and the path (3) stay above it


class OnTopPoints:
    """Draws the points of a mask over the cloud of ``scene``, or nothing.

    Parameters
    ----------
    scene : LatentScene
        Its cloud (the points and colours shared), its drawn mask (hidden classes, an isolated group)
        and its point style.
    """

    def __init__(self, scene: LatentScene) -> None:
        import pyvista as pv

        self.scene = scene
        self.mesh = pv.PolyData()
        self.actor = mesh_actor(self.mesh, rgb="rgb")
        self.actor.SetPickable(False)  # picking reads the cloud itself
        self.actor.SetVisibility(False)
        self._layer = vtkRenderer()
        self._layer.SetLayer(ON_TOP_LAYER)
        self._layer.InteractiveOff()
        self._layer.SetActiveCamera(scene.plotter.renderer.GetActiveCamera())
        self._layer.AddActor(self.actor)
        rw: Any = scene.plotter.ren_win
        rw.SetNumberOfLayers(max(ON_TOP_LAYER + 1, rw.GetNumberOfLayers()))
        rw.AddRenderer(self._layer)
        self._layer.SetDraw(False)  # an empty layer still costs a pass each frame: drawn only with points on top
        self._bound: object | None = None
        self.count = 0

    def show(self, mask: np.ndarray | None) -> None:
        """Draw the points where ``mask`` is True (and the scene draws them) on top; None or no point: nothing."""
        cloud, source = self.scene._cloud, self.scene._cloud_actor
        if mask is None or cloud is None or source is None or len(mask) != cloud.n_points:
            self.count = 0
            self.actor.SetVisibility(False)
            self._layer.SetDraw(False)
            return
        self.mesh.GetPointData().ShallowCopy(cloud.GetPointData())  # a recolour may have put a new array there
        if self._bound is not cloud:  # a new run: share its points
            self.mesh.SetPoints(cloud.GetPoints())
            prop = source.GetProperty()
            style_points(self.actor, prop.GetPointSize(), spheres=bool(prop.GetRenderPointsAsSpheres()))
            self._bound = cloud
        ids = np.flatnonzero(np.asarray(mask, bool) & self.scene.drawn_mask())
        self.mesh.SetVerts(verts(ids))
        self.mesh.Modified()
        self.count = int(ids.size)
        self.actor.SetVisibility(self.count > 0)
        self._layer.SetDraw(self.count > 0)

    @property
    def visible(self) -> bool:
        """Whether some points are drawn on top."""
        return bool(self.actor.GetVisibility())

    def close(self) -> None:
        """Remove the layer."""
        self._layer.RemoveAllViewProps()
        if self.scene.plotter.ren_win is not None:
            self.scene.plotter.ren_win.RemoveRenderer(self._layer)
        self._bound = None
