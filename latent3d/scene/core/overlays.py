"""Extra 3-D pieces beside the latent cloud: the A->B path with its marker, colour modes with a bar, train overlay."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyvista as pv
from vtkmodules.util.numpy_support import numpy_to_vtk
from vtkmodules.vtkCommonCore import vtkLookupTable, vtkVariant
from vtkmodules.vtkRenderingAnnotation import vtkScalarBarActor
from vtkmodules.vtkRenderingCore import vtkRenderer

from latent3d.analysis.explore import NAN_GREY, map_colours
from latent3d.scene.core.cloud import LatentScene, mesh_actor
from latent3d.scene.core.look import BACKGROUND_RGB, CLASS_COLORS, style_points

__all__ = ["ColourModes", "PathOverlay", "TrainOverlay"]

PATH_COLOURS = np.array([(64, 224, 255), (255, 80, 200), (255, 255, 255)], np.uint8)  # A, B, marker
TRAIN_POINT_SIZE = 2.5
DIM = 0.22  # a highlighted group's context keeps this much of its colour (the rest is the background)


def _actor(renderer: vtkRenderer, mesh: pv.PolyData, *, rgb: str | None) -> pv.Actor:
    """An unpickable :func:`~latent3d.scene.mesh_actor` added to ``renderer``."""
    actor = mesh_actor(mesh, rgb=rgb)
    actor.SetPickable(False)
    renderer.AddActor(actor)  # the VTK call: the actor is ours to remove, no pyvista name bookkeeping
    return actor


PATH_LAYER = 3  # above the markers' halo (1) and core (2)


class PathOverlay:
    """The straight path between two codes, their end markers and a marker at a fraction ``t`` along it.

    Parameters
    ----------
    plotter : pyvista.Plotter
    point_size : float
        Diameter of the end markers in pixels.
    """

    def __init__(self, plotter: pv.Plotter, point_size: float = 14.0, line_width: float = 3.0) -> None:
        self.plotter = plotter
        # A layer sharing the camera, drawn after the cloud with its own depth buffer: the path stays visible
        # where it runs through or behind the points, like a gizmo. Above the selection's disc (layers 1-2,
        # scene/markers.py) and smaller than it: A, usually the selection, shows as a cyan dot inside the white
        # disc instead of vanishing under it.
        self._layer = vtkRenderer()
        self._layer.SetLayer(PATH_LAYER)
        self._layer.InteractiveOff()
        self._layer.SetActiveCamera(plotter.renderer.GetActiveCamera())
        rw: Any = plotter.ren_win
        rw.SetNumberOfLayers(max(PATH_LAYER + 1, rw.GetNumberOfLayers()))
        rw.AddRenderer(self._layer)
        self._line = pv.PolyData(np.zeros((2, 3), np.float32), lines=np.array([2, 0, 1]))
        self._marks = pv.PolyData(np.zeros((3, 3), np.float32))
        self._marks.point_data["rgb"] = PATH_COLOURS
        self._line_actor = _actor(self._layer, self._line, rgb=None)
        prop = self._line_actor.GetProperty()
        prop.SetColor(1.0, 0.85, 0.3)
        prop.SetLineWidth(line_width)
        prop.SetLighting(False)
        self._marks_actor = _actor(self._layer, self._marks, rgb="rgb")
        style_points(self._marks_actor, point_size, spheres=True)
        self._t = 0.0
        self.set_visible(False)

    @property
    def visible(self) -> bool:
        """Whether the path is drawn."""
        return bool(self._line_actor.GetVisibility())

    @property
    def ends(self) -> np.ndarray:
        """The drawn ends ``[2, 3]`` (A, B)."""
        return np.asarray(self._line.points)

    @property
    def marker(self) -> np.ndarray:
        """The drawn marker position ``[3]``."""
        return np.asarray(self._marks.points[2])

    def set_visible(self, on: bool) -> None:
        """Show or hide the path and its markers (and its layer: an empty one still costs a pass each frame)."""
        self._line_actor.SetVisibility(on)
        self._marks_actor.SetVisibility(on)
        self._layer.SetDraw(on)

    def set_ends(self, a: np.ndarray, b: np.ndarray) -> None:
        """Move the path to run from ``a`` to ``b`` (in place); the marker keeps its fraction ``t``."""
        self._line.points[0], self._line.points[1] = a, b
        self._line.GetPoints().Modified()
        self._marks.points[0], self._marks.points[1] = a, b
        self.set_marker(self._t)

    def set_marker(self, t: float) -> None:
        """Put the marker at fraction ``t`` (0 = A, 1 = B) of the path."""
        self._t = float(t)
        a, b = self.ends
        self._marks.points[2] = a + self._t * (b - a)
        self._marks.GetPoints().Modified()

    def close(self) -> None:
        """Remove the actors."""
        self._layer.RemoveAllViewProps()
        if self.plotter.ren_win is not None:
            self.plotter.ren_win.RemoveRenderer(self._layer)


class ColourModes:
    """Recolours the scene's cloud in place: class colours, or a scalar per point through viridis with a bar.

    Parameters
    ----------
    scene : LatentScene
    """

    def __init__(self, scene: LatentScene, font_size: int = 12) -> None:
        self.scene = scene
        self.values: np.ndarray | None = None
        self.range = (0.0, 1.0)
        self._dim: np.ndarray | None = None  # highlight a group: the points outside it (bool [N]) are dimmed
        self._base: np.ndarray | None = None  # the colours before dimming
        lut = vtkLookupTable()
        table = np.concatenate([map_colours(np.linspace(0, 1, 256), 0.0, 1.0), np.full((256, 1), 255, np.uint8)], 1)
        lut.SetNumberOfTableValues(256)
        lut.SetTable(numpy_to_vtk(table, deep=True))
        self._lut = lut
        bar = vtkScalarBarActor()
        bar.SetLookupTable(lut)
        bar.SetNumberOfLabels(5)
        bar.SetLabelFormat("%.3g")
        bar.SetMaximumWidthInPixels(int(90 * font_size / 12))
        bar.SetPosition(0.88, 0.08)
        bar.SetWidth(0.1)
        bar.SetHeight(0.6)
        # px between the title and the bar (the title touched the top label), scaled with the fonts
        bar.SetVerticalTitleSeparation(int(8 * font_size / 12))
        lut.SetNanColor(NAN_GREY[0] / 255, NAN_GREY[1] / 255, NAN_GREY[2] / 255, 1.0)
        bar.SetNanAnnotation("never")
        for text in (bar.GetTitleTextProperty(), bar.GetLabelTextProperty(), bar.GetAnnotationTextProperty()):
            text.SetColor(0.84, 0.85, 0.88)
            text.SetShadow(False)
            text.SetItalic(False)
            text.SetFontSize(font_size)
        bar.UnconstrainedFontSizeOn()
        bar.SetVisibility(False)
        bar.SetPickable(False)
        self.bar = bar
        scene.plotter.renderer.AddViewProp(bar)

    def _rgb(self) -> np.ndarray | None:
        cloud = self.scene._cloud  # the scene's own PolyData: colours are edited in place, never re-added
        return None if cloud is None else np.asarray(cloud.point_data["rgb"])

    def show_classes(self, labels: np.ndarray) -> None:
        """Back to the class colours; hides the bar."""
        self.values = None
        self._write(np.asarray(CLASS_COLORS, np.uint8)[labels])
        self.bar.SetVisibility(False)

    def show_values(self, values: np.ndarray, lo: float, hi: float, title: str,
                    ticks: list[tuple[float, str]] | None = None) -> None:
        """Colour each point by ``values`` (``[N]``) from ``lo`` (dark violet) to ``hi`` (yellow), with a titled bar.

        ``ticks`` (value, text) replace the bar's numeric labels: a log-step scale labelled in steps.
        """
        self._lut.ResetAnnotations()
        for value, text in ticks or []:
            self._lut.SetAnnotation(vtkVariant(float(value)), text)
        self.bar.SetNumberOfLabels(0 if ticks else 5)
        self.bar.SetDrawAnnotations(bool(ticks))
        self.bar.SetDrawNanAnnotation(bool(np.isnan(np.asarray(values, np.float32)).any()))  # "never": the grey swatch
        self.values, self.range = np.asarray(values, np.float32), (float(lo), float(hi))
        self._write(map_colours(self.values, lo, hi))
        self._lut.SetTableRange(lo, hi)
        self.bar.SetTitle(title)
        self.bar.SetVisibility(True)

    def set_dim(self, outside: np.ndarray | None) -> None:
        """Dim the points where ``outside`` is True (a group is highlighted), or none (None); colours kept."""
        self._dim = None if outside is None else np.asarray(outside, bool)
        rgb = self._rgb()
        if self._base is not None and rgb is not None and self._base.shape == rgb.shape:  # not a new run's cloud
            self._write(self._base)

    def _write(self, colours: np.ndarray) -> None:
        rgb = self._rgb()
        if rgb is None:
            return
        self._base = np.asarray(colours, np.uint8)
        rgb[:] = self._base
        if self._dim is not None and self._dim.shape == rgb.shape[:1]:
            bg = np.asarray(BACKGROUND_RGB, np.float32)
            rgb[self._dim] = np.rint(DIM * self._base[self._dim] + (1.0 - DIM) * bg).astype(np.uint8)
        self.scene._cloud.point_data["rgb"].Modified()  # type: ignore[union-attr]

    def close(self) -> None:
        """Remove the bar."""
        self.scene.plotter.renderer.RemoveViewProp(self.bar)


class TrainOverlay:
    """The training images' final-epoch codes as a second, unpickable cloud of small flat points.

    Parameters
    ----------
    plotter : pyvista.Plotter
    """

    def __init__(self, plotter: pv.Plotter, point_size: float = TRAIN_POINT_SIZE) -> None:
        self.plotter = plotter
        self.point_size = point_size
        self._mesh: pv.PolyData | None = None
        self._actor: pv.Actor | None = None

    @property
    def n_points(self) -> int:
        """Points in the overlay (0 when none is loaded)."""
        return 0 if self._mesh is None else int(self._mesh.n_points)

    @property
    def visible(self) -> bool:
        """Whether the overlay is drawn."""
        return self._actor is not None and bool(self._actor.GetVisibility())

    def set_data(self, codes: np.ndarray | None, labels: np.ndarray | None) -> None:
        """Load (or, with None, drop) the training codes ``[M, 3]`` and labels ``[M]``; starts hidden."""
        self.close()
        if codes is None or labels is None:
            return
        self._mesh = pv.PolyData(np.ascontiguousarray(codes, np.float32))
        # Class colours blended halfway to the background: the test points stay in front visually.
        bg = np.asarray(BACKGROUND_RGB, np.float32)
        colours = 0.55 * np.asarray(CLASS_COLORS, np.float32)[labels] + 0.45 * bg
        self._mesh.point_data["rgb"] = np.rint(colours).astype(np.uint8)
        self._actor = _actor(self.plotter.renderer, self._mesh, rgb="rgb")
        style_points(self._actor, self.point_size, spheres=False)
        self._actor.SetVisibility(False)

    def set_visible(self, on: bool) -> None:
        """Show or hide the overlay (no-op without training codes)."""
        if self._actor is not None:
            self._actor.SetVisibility(on)

    def close(self) -> None:
        """Remove the actor."""
        if self._actor is not None:
            self.plotter.renderer.RemoveActor(self._actor)
        self._mesh = self._actor = None
