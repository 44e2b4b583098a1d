"""Own images in the cloud: a marker at each image's code at the shown position and its trail across training."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyvista as pv

from latent3d.analysis.encoder import OwnCodes, OwnCodesCache
from latent3d.scene.core.cloud import LatentScene, mesh_actor, style_points
from latent3d.state.layers import LayersModel
from latent3d.state.model import connect_handlers
from latent3d.state.own_values import OwnImage
from latent3d.state.time import TimeModel

__all__ = ["OWN_RGB", "OwnImagesLayer"]

OWN_RGB = (0.35, 1.0, 0.45)  # a green no class colour uses
TRAIL_RGB = (0.35, 0.9, 0.45)


class OwnImagesLayer:
    """Keeps the own images of ``layers`` drawn in ``scene``: markers follow the timeline, trails the image set.

    Parameters
    ----------
    time : TimeModel
        The run (whose encoders place the images) and the position.
    layers : LayersModel
        The own images.
    scene : LatentScene
    request_render : callable
        Asked for a frame after each change.
    codes : OwnCodesCache, optional
        Shared with the own-image panel, so each image is encoded once per run.
    scale : float
        Pixel sizes times this (an image rendered at a higher resolution).

    Attributes
    ----------
    markers : ndarray of float32, shape (M, 3)
        Where the markers are drawn, one row per own image placed at this position.
    """

    def __init__(self, time: TimeModel, layers: LayersModel, scene: LatentScene,
                 request_render: Callable[[], None] = lambda: None, codes: OwnCodesCache | None = None,
                 scale: float = 1.0) -> None:
        self.time, self.layers, self.scene, self.request_render = time, layers, scene, request_render
        self.cache = codes or OwnCodesCache()
        self.markers = np.zeros((0, 3), np.float32)
        self._codes: list[OwnCodes] = []
        self._marks = pv.PolyData(np.zeros((1, 3), np.float32))
        self._trails = pv.PolyData(np.zeros((1, 3), np.float32))
        self._mark_actor = mesh_actor(self._marks, rgb=None)
        style_points(self._mark_actor, 16.0 * scale, spheres=True)
        self._mark_actor.GetProperty().SetColor(*OWN_RGB)
        self._trail_actor = mesh_actor(self._trails, rgb=None)
        prop = self._trail_actor.GetProperty()
        prop.SetColor(*TRAIL_RGB)
        prop.SetLineWidth(2.0 * scale)
        prop.SetLighting(False)
        # In the markers' layer (own depth buffer, the cloud's camera): never hidden inside the cloud.
        self._renderer = scene.markers.layers[0]
        for actor in (self._mark_actor, self._trail_actor):
            actor.SetPickable(False)
            actor.SetVisibility(False)
            self._renderer.AddActor(actor)
        self._disconnects = [connect_handlers(m, self) for m in (time, layers)]
        self._on_own_images(layers.own_images)

    @property
    def trail_points(self) -> np.ndarray:
        """The drawn trails' vertices ``[P, 3]`` (each image's codes at its encoded snapshots, in order)."""
        return np.asarray(self._trails.points) if self._trail_actor.GetVisibility() else np.zeros((0, 3), np.float32)

    def _on_run(self, _run: object) -> None:
        self._on_own_images(self.layers.own_images)

    def _on_own_images(self, images: tuple[OwnImage, ...]) -> None:
        run = self.time.run
        self._codes = [] if run is None else [self.cache.codes(run, im.pixels) for im in images]
        pts = [c.codes for c in self._codes if len(c.snapshots) > 1]
        if pts:
            lines, start = [], 0
            for p in pts:
                lines += [len(p), *range(start, start + len(p))]
                start += len(p)
            self._trails.points = np.concatenate(pts).astype(np.float32)
            self._trails.lines = np.array(lines, np.int64)
        self._trail_actor.SetVisibility(bool(pts))
        self._place()

    def _on_position(self, _u: float) -> None:
        if self._codes:
            self._place()

    def _place(self) -> None:
        at = [c.at(self.time.position) for c in self._codes]
        placed = [p for p in at if p is not None]
        self.markers = np.asarray(placed, np.float32).reshape(-1, 3)
        if placed:
            self._marks.points = self.markers.copy()
            self._marks.verts = np.array([[1, i] for i in range(len(placed))], np.int64).ravel()
        self._mark_actor.SetVisibility(bool(placed))
        self.request_render()

    def close(self) -> None:
        """Disconnect from the models and remove the actors."""
        for disconnect in self._disconnects:
            disconnect()
        for actor in (self._mark_actor, self._trail_actor):
            self._renderer.RemoveActor(actor)
