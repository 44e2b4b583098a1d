"""Own images in the cloud: a marker at each image's code at the shown position, its name beside it, and its trail
across training (each image in its own colour; a trail only where the image's ``trail`` is on)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyvista as pv
from vtkmodules.vtkRenderingCore import vtkBillboardTextActor3D

from latent3d.analysis.encoder import OwnCodes, OwnCodesCache
from latent3d.scene.core.cloud import LatentScene, mesh_actor
from latent3d.scene.core.look import style_points
from latent3d.state.layers import LayersModel
from latent3d.state.model import connect_handlers
from latent3d.state.own_values import OWN_COLOURS, OwnImage, own_colour
from latent3d.state.time import TimeModel

__all__ = ["OWN_COLOURS", "OwnImagesLayer", "own_colour"]

LABEL_OFFSET_PX = (12, 6)  # the name sits right of and above its marker, clear of the disc



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
        # lines only (no vertex cells), one colour each; a hidden degenerate line until there is a trail
        self._trails = pv.PolyData(np.zeros((2, 3), np.float32), lines=np.array([2, 0, 1]))
        self._marks.point_data["rgb"] = np.zeros((1, 3), np.uint8)
        self._trails.cell_data["rgb"] = np.zeros((self._trails.n_cells, 3), np.uint8)
        self._mark_actor = mesh_actor(self._marks, rgb="rgb")
        style_points(self._mark_actor, 16.0 * scale, spheres=True)
        self._trail_actor = mesh_actor(self._trails, rgb="rgb")
        self._trail_actor.GetMapper().SetScalarModeToUseCellFieldData()  # one colour per trail (a line cell)
        prop = self._trail_actor.GetProperty()
        prop.SetLineWidth(2.0 * scale)
        prop.SetLighting(False)
        # In the markers' layer (own depth buffer, the cloud's camera): never hidden inside the cloud.
        self._renderer = scene.markers.layers[0]
        for actor in (self._mark_actor, self._trail_actor):
            actor.SetPickable(False)
            actor.SetVisibility(False)
            self._renderer.AddActor(actor)
        # The names go in the layer above (the selection's core): the points and markers never cover them.
        self._label_renderer = scene.markers.layers[1]
        self._font_px = int(round(14 * scale))
        self.labels: list[vtkBillboardTextActor3D] = []
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
        self._set_labels(images)
        trails = [(i, c.codes) for i, (c, im) in enumerate(zip(self._codes, images))
                  if im.trail and len(c.snapshots) > 1]
        if trails:
            lines, start = [], 0
            for _i, p in trails:
                lines += [len(p), *range(start, start + len(p))]
                start += len(p)
            self._trails.points = np.concatenate([p for _i, p in trails]).astype(np.float32)
            self._trails.lines = np.array(lines, np.int64)
            self._trails.cell_data["rgb"] = _rgb([own_colour(i) for i, _p in trails])
        self._trail_actor.SetVisibility(bool(trails))
        self._place()  # refreshes the markers' layers

    def _set_labels(self, images: tuple[OwnImage, ...]) -> None:
        """One name per image, in its colour (rebuilt with the list: at most MAX_OWN_IMAGES)."""
        for actor in self.labels:
            self._label_renderer.RemoveActor(actor)
        self.labels = []
        for i, im in enumerate(images):
            actor = vtkBillboardTextActor3D()
            actor.SetInput(im.name)
            actor.SetDisplayOffset(*LABEL_OFFSET_PX)
            prop = actor.GetTextProperty()
            prop.SetFontSize(self._font_px)
            prop.SetColor(*own_colour(i))
            prop.SetBold(True)
            prop.SetShadow(True)  # readable over bright points and tiles too
            prop.SetVerticalJustificationToBottom()
            actor.SetPickable(False)
            actor.SetVisibility(False)
            self._label_renderer.AddActor(actor)
            self.labels.append(actor)

    def _on_position(self, _u: float) -> None:
        if self._codes:
            self._place()

    def _place(self) -> None:
        at = [c.at(self.time.position) for c in self._codes]
        placed = [(i, p) for i, p in enumerate(at) if p is not None]
        self.markers = np.asarray([p for _i, p in placed], np.float32).reshape(-1, 3)
        if placed:
            self._marks.points = self.markers.copy()
            self._marks.verts = np.array([[1, i] for i in range(len(placed))], np.int64).ravel()
            self._marks.point_data["rgb"] = _rgb([own_colour(i) for i, _p in placed])
        for actor, p in zip(self.labels, at):
            if p is not None:
                actor.SetPosition(*np.asarray(p, np.float64))
            actor.SetVisibility(p is not None)
        self._mark_actor.SetVisibility(bool(placed))
        self.scene.markers.refresh()  # marks and trails are drawn in the markers' layers, the names in the top one
        self.request_render()

    def close(self) -> None:
        """Disconnect from the models and remove the actors."""
        for disconnect in self._disconnects:
            disconnect()
        for actor in (self._mark_actor, self._trail_actor):
            self._renderer.RemoveActor(actor)
        for label in self.labels:
            self._label_renderer.RemoveActor(label)
        self.labels = []
        self.scene.markers.refresh()


def _rgb(colours: list[tuple[float, float, float]]) -> np.ndarray:
    return np.rint(np.asarray(colours, np.float64).reshape(-1, 3) * 255.0).astype(np.uint8)
