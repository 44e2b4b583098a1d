"""The decoder map in 3-D: one textured quad on the map's plane, its tiles decoded at their latent positions.

The quad is drawn in a layer above the cloud (the cloud's camera, its own depth buffer): behind the
points it was mostly hidden at later steps (issue 32: ``render --decoder-map`` differed from the plain
render by 1.4 grey levels on average). Its opacity lets the points show through.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyvista as pv
from vtkmodules.util.numpy_support import numpy_to_vtk
from vtkmodules.vtkCommonDataModel import vtkImageData
from vtkmodules.vtkRenderingCore import vtkRenderer, vtkTexture

from latent3d.analysis.decoder_map import MapGrid
from latent3d.scene.core.cloud import LatentScene, mesh_actor
from latent3d.state.camera import CameraModel
from latent3d.state.layers import LayersModel
from latent3d.state.map_plane import map_image
from latent3d.state.model import connect_handlers
from latent3d.state.pick import PickModel
from latent3d.state.time import TimeModel
from latent3d.state.values import Camera

__all__ = ["DecoderMapLayer"]

MAP_LAYER = 1  # above the cloud; the selection's core (2) and the path (3) stay above the map
FLOOR_ALPHA = 0.75  # a tile's black background keeps this share of the opacity: the points behind it recede


class DecoderMapLayer:
    """Keeps the decoder map of ``layers`` drawn in ``scene``: follows the timeline, probe, camera and settings.

    Parameters
    ----------
    time, camera, pick, layers : TimeModel, CameraModel, PickModel, LayersModel
        The run and position, the camera, the probe, and the map's settings (None: hidden).
    scene : LatentScene
    request_render : callable
        Asked for a frame after each change (the window coalesces these).

    Attributes
    ----------
    grid : MapGrid or None
        Where the drawn map lies (None while it is hidden).
    image : ndarray of float32 or None
        The drawn mosaic ``[G * 28, G * 28]``, row 0 at the top (None while hidden).
    """

    def __init__(self, time: TimeModel, camera: CameraModel, pick: PickModel, layers: LayersModel, scene: LatentScene,
                 request_render: Callable[[], None] = lambda: None) -> None:
        self.time, self.camera, self.pick, self.layers = time, camera, pick, layers
        self.scene, self.request_render = scene, request_render
        self.grid: MapGrid | None = None
        self.image: np.ndarray | None = None
        self._quad = pv.PolyData(np.zeros((4, 3), np.float32), faces=np.array([4, 0, 1, 2, 3]))
        self._quad.active_texture_coordinates = np.array([(0, 0), (1, 0), (1, 1), (0, 1)], np.float32)
        self._pixels = vtkImageData()
        self._texture = vtkTexture()
        self._texture.SetInputData(self._pixels)
        self._texture.InterpolateOff()  # tiles are pixel art: 28 x 28 each, nearest texel
        self._actor = mesh_actor(self._quad, rgb=None)
        self._actor.SetTexture(self._texture)
        self._actor.SetPickable(False)
        prop = self._actor.GetProperty()
        prop.SetLighting(False)
        prop.SetColor(1.0, 1.0, 1.0)  # the texture's own grey levels, untinted
        prop.BackfaceCullingOff()
        self._actor.SetVisibility(False)
        self._drawn: tuple[object, ...] | None = None  # what the texture and quad show now, and of which run
        self._drawn_run: object = None
        self._held = False  # while the mouse moves the camera: a map facing it waits for the drag to end
        # One translucent quad needs no order-independent transparency: VTK's OIT pass cost 25 ms a frame
        # at 10k points (llvmpipe, benchmarks/bench_decoder_map.py); plain blending costs under 1 ms.
        self._layer = vtkRenderer()
        self._layer.SetLayer(MAP_LAYER)
        self._layer.InteractiveOff()
        self._layer.SetUseOIT(False)
        self._layer.SetActiveCamera(scene.plotter.renderer.GetActiveCamera())
        rw = scene.plotter.ren_win
        rw.SetNumberOfLayers(max(MAP_LAYER + 1, rw.GetNumberOfLayers()))
        rw.AddRenderer(self._layer)
        self._layer.AddActor(self._actor)
        self._layer.SetDraw(False)  # an empty layer still costs a pass each frame: drawn only with the map
        self._disconnects = [connect_handlers(m, self) for m in (time, camera, pick, layers)]
        self.refresh()

    @property
    def visible(self) -> bool:
        """Whether the map is drawn."""
        return bool(self._actor.GetVisibility())

    def refresh(self, force: bool = False) -> None:
        """Decode the map for the models as they are now and upload it in place (hidden when the map is off).

        Without ``force`` nothing is decoded when the map would be the one drawn already (same run,
        nearest snapshot, settings, probe and camera).
        """
        settings, time, probe = self.layers.decoder_map, self.time, self.pick.probe
        cam = self.camera.camera
        facing = None if cam is None or settings is None or settings.plane != "camera" else (cam.position, cam.view_up)
        focal = None if cam is None or probe is not None else cam.focal_point
        # what the map depends on: rotating about the focal point moves neither an axis plane nor its tiles
        key = None if settings is None or time.run is None else (time.snapshot, settings, probe, focal, facing)
        if not force and key is not None and key == self._drawn and time.run is self._drawn_run:
            return  # a move between two snapshots that keeps the nearest one: the same map
        self._drawn, self._drawn_run = key, time.run
        placed = map_image(time, self.camera, self.pick, settings) if settings is not None else None
        if settings is None or placed is None:
            self.grid = self.image = None
            if self._actor.GetVisibility():
                self._actor.SetVisibility(False)
                self._layer.SetDraw(False)
                self.request_render()
            return
        grid, self.image = placed
        self.grid = grid
        self._upload(self.image, settings.opacity)
        c, h = grid.centre, grid.half
        corners = [c - h * grid.u - h * grid.v, c + h * grid.u - h * grid.v, c + h * grid.u + h * grid.v,
                   c - h * grid.u + h * grid.v]
        self._quad.points[:] = np.asarray(corners, np.float32)
        self._quad.Modified()
        self._actor.SetVisibility(True)
        self._layer.SetDraw(True)
        self.request_render()

    def _upload(self, image: np.ndarray, opacity: float) -> None:
        side = image.shape[0]
        grey = np.round(np.flipud(image) * 255.0).astype(np.uint8)  # VTK's first texel row is the bottom
        rgba = np.empty((side, side, 4), np.uint8)
        rgba[..., :3] = grey[..., None]
        rgba[..., 3] = np.round(255.0 * opacity * (FLOOR_ALPHA + (1.0 - FLOOR_ALPHA) * grey / 255.0)).astype(np.uint8)
        if self._pixels.GetDimensions()[:2] != (side, side):
            self._pixels.SetDimensions(side, side, 1)
        arr = self._pixels.GetPointData().GetScalars()
        if arr is None or arr.GetNumberOfTuples() != side * side:
            self._pixels.GetPointData().SetScalars(numpy_to_vtk(rgba.reshape(-1, 4), deep=True))
        else:  # same size as before: write into the texture's buffer in place
            from vtkmodules.util.numpy_support import vtk_to_numpy

            vtk_to_numpy(arr)[:] = rgba.reshape(-1, 4)
            arr.Modified()
        self._pixels.Modified()

    # -- handlers -------------------------------------------------------------------------------

    def _on_run(self, _run: object) -> None:
        self.refresh()

    def _on_position(self, _u: float) -> None:
        if self.layers.decoder_map is not None and self.grid is not None:
            self.refresh()

    def _on_probe(self, _p: object) -> None:
        if self.layers.decoder_map is not None:
            self.refresh()

    def _on_camera(self, _camera: Camera | None) -> None:
        if self.layers.decoder_map is not None and not self._held:
            self.refresh()

    def hold(self, on: bool) -> None:
        """Keep the map where it is while the camera is dragged (``on``), and face the camera again after.

        The tiles stay exactly the decoder at their centres; only turning the plane towards the
        camera waits, so that a drag never decodes the grid at every frame (the window's LOD).
        """
        self._held = bool(on)
        if not on and self.layers.decoder_map is not None:
            self.refresh()

    def _on_decoder_map(self, _m: object) -> None:
        self.refresh()

    def close(self) -> None:
        """Disconnect from the models and remove the actor and its layer."""
        for disconnect in self._disconnects:
            disconnect()
        self._layer.RemoveAllViewProps()
        if self.scene.plotter.ren_win is not None:
            self.scene.plotter.ren_win.RemoveRenderer(self._layer)
