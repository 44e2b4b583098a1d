"""The decoder map in 3-D: one textured quad on the map's plane, its tiles decoded at their latent positions."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyvista as pv
from vtkmodules.util.numpy_support import numpy_to_vtk
from vtkmodules.vtkCommonDataModel import vtkImageData
from vtkmodules.vtkRenderingCore import vtkTexture

from latent3d.analysis.decoder_map import MapGrid, decode_grid, map_extent, mosaic, plane_axes
from latent3d.scene.cloud import LatentScene, mesh_actor
from latent3d.state.own_values import DecoderMapState
from latent3d.state.values import Camera
from latent3d.state.viewer_state import ViewerState, connect_handlers

__all__ = ["DecoderMapLayer", "map_grid"]

FLOOR_ALPHA = 0.3  # a tile's black background keeps this share of the opacity, so the tiles read as a grid


def map_grid(state: ViewerState, settings: DecoderMapState) -> MapGrid | None:
    """Where the map of ``state`` lies at its position: through the probe, else the camera's focal point.

    Its half-width covers most of the cloud at the shown snapshot, so the map grows as the codes
    spread during training. None without a run.
    """
    run = state.run
    if run is None:
        return None
    codes = run.codes[state.snapshot]
    camera = state.camera
    if state.probe is not None:
        centre = np.asarray(state.probe, np.float64)
    elif camera is not None:
        centre = np.asarray(camera.focal_point, np.float64)
    else:
        centre = np.asarray(codes, np.float64).mean(axis=0)
    view_dir = view_up = None
    if camera is not None:
        view_dir = np.subtract(camera.focal_point, camera.position)
        view_up = np.asarray(camera.view_up, np.float64)
    u, v = plane_axes(settings.plane, view_dir, view_up)
    return MapGrid(centre, u, v, map_extent(codes), settings.grid)


class DecoderMapLayer:
    """Keeps the decoder map of ``state`` drawn in ``scene``: follows the timeline, probe, camera and settings.

    Parameters
    ----------
    state : ViewerState
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

    def __init__(self, state: ViewerState, scene: LatentScene, request_render: Callable[[], None] = lambda: None
                 ) -> None:
        self.state, self.scene, self.request_render = state, scene, request_render
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
        prop.BackfaceCullingOff()
        self._actor.SetVisibility(False)
        scene.plotter.renderer.AddActor(self._actor)
        self._disconnect = connect_handlers(state.events, self)
        self.refresh()

    @property
    def visible(self) -> bool:
        """Whether the map is drawn."""
        return bool(self._actor.GetVisibility())

    def refresh(self) -> None:
        """Decode the map for the state as it is now and upload it in place (hidden when the map is off)."""
        settings, grid = self.state.decoder_map, None
        if settings is not None:
            grid = map_grid(self.state, settings)
        if settings is None or grid is None:
            self.grid = self.image = None
            if self._actor.GetVisibility():
                self._actor.SetVisibility(False)
                self.request_render()
            return
        assert self.state.run is not None
        tiles = decode_grid(self.state.run.decoder(self.state.snapshot), grid)
        self.grid, self.image = grid, mosaic(tiles, grid.grid)
        self._upload(self.image, settings.opacity)
        c, h = grid.centre, grid.half
        corners = [c - h * grid.u - h * grid.v, c + h * grid.u - h * grid.v, c + h * grid.u + h * grid.v,
                   c - h * grid.u + h * grid.v]
        self._quad.points[:] = np.asarray(corners, np.float32)
        self._quad.Modified()
        self._actor.SetVisibility(True)
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
        if self.state.decoder_map is not None and self.grid is not None:
            self.refresh()

    def _on_probe(self, _p: object) -> None:
        if self.state.decoder_map is not None:
            self.refresh()

    def _on_camera(self, _camera: Camera | None) -> None:
        m = self.state.decoder_map
        if m is not None and (m.plane == "camera" or self.state.probe is None):
            self.refresh()

    def _on_decoder_map(self, _m: object) -> None:
        self.refresh()

    def close(self) -> None:
        """Disconnect from the state and remove the actor."""
        self._disconnect()
        self.scene.plotter.renderer.RemoveActor(self._actor)
