"""The compared run in VTK: its own linked scene beside the first run's, or rings over it (no Qt here).

Both follow the models: the second run (the compare model's) is drawn at the position matched by
epoch, aligned onto what the first run's view draws there, with the camera model's pose, the pick's
selection and the display's hidden classes and colour; ``residual`` says how much of the second run
the alignment leaves unexplained.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pyvista as pv
from vtkmodules.vtkRenderingCore import vtkTextActor

from latent3d.analysis.compare import ComparedPosition, interpolate_codes
from latent3d.analysis.explore import colour_range, colour_values
from latent3d.config.choices import COMPARE_COLOUR_MODES
from latent3d.scene.core.camera_link import CameraLink
from latent3d.scene.core.cloud import LatentScene, mesh_actor
from latent3d.scene.core.look import CLASS_COLORS, style_points
from latent3d.scene.core.overlays import ColourModes
from latent3d.state.compare import drawn_codes
from latent3d.state.display import colour_values as compare_colour_values
from latent3d.state.model import connect_handlers

if TYPE_CHECKING:
    from latent3d.runs import Run
    from latent3d.state.camera import CameraModel
    from latent3d.state.compare import CompareModel
    from latent3d.state.display import DisplayModel
    from latent3d.state.pick import PickModel
    from latent3d.state.time import TimeModel

__all__ = ["ComparePresenter", "CompareRings", "compared_at", "residual_text"]

# Each flat point drawn as a ring: keep the fragments between 0.45 and 1 of its squared radius (pixel-sized,
# so the rings stay the size of the points at any zoom).
_RING_SHADER = ("//VTK::Color::Impl\n"
                "  vec2 ring = gl_PointCoord * 2.0 - 1.0;\n"
                "  float r2 = dot(ring, ring);\n"
                "  if (r2 > 1.0 || r2 < 0.45) { discard; }\n")
RING_SCALE = 1.6  # ring diameter over the cloud's point size


# The last answer (the linked view and the status label ask at every move), with the objects it was computed
# from held, so that a freed object's id can never match.
_last: list[tuple[object, object, float, ComparedPosition]] = []


def compared_at(time: TimeModel, compare: CompareModel) -> ComparedPosition | None:
    """The compared run at the position, aligned onto the first run's drawn codes there (None if none)."""
    drawn, comparison, u = drawn_codes(time, compare), compare.comparison, time.position
    if drawn is None or comparison is None:
        return None
    if _last and _last[0][0] is comparison and _last[0][1] is drawn and _last[0][2] == u:
        return _last[0][3]
    at = comparison.at(u, interpolate_codes(drawn, u))
    _last[:] = [(comparison, drawn, u, at)]
    return at


def residual_text(residual: float) -> str:
    """``"aligned: 4.3 % residual"``: how much of the second run the similarity transform leaves unexplained."""
    return f"aligned: {100.0 * residual:.1f} % residual"


class ComparePresenter:
    """Keeps ``scene`` showing the compared run: the linked second view.

    Parameters
    ----------
    time : TimeModel
    compare : CompareModel
        The run compared and its alignment.
    display : DisplayModel
        Colour mode and hidden classes, as in the first view.
    pick : PickModel
        The selected image is marked here too.
    camera : CameraModel
        One camera for both views.
    scene : LatentScene
        A scene of its own (the second view's, or an off-screen one).
    request_render : callable
    scale : float
        Text size times this (for screenshots at a multiple of the view's resolution).
    """

    def __init__(self, time: TimeModel, compare: CompareModel, display: DisplayModel, pick: PickModel,
                 camera: CameraModel, scene: LatentScene, request_render: Callable[[], None] = lambda: None,
                 scale: float = 1.0) -> None:
        self.time, self.compare, self.display, self.pick, self.camera = time, compare, display, pick, camera
        self.scene, self.request_render = scene, request_render
        self.colours = ColourModes(scene, font_size=int(round(12 * scale)))
        self.residual: float | None = None
        self._shown: Run | None = None
        self._coloured: tuple[object, ...] | None = None
        self._caption = vtkTextActor()
        prop = self._caption.GetTextProperty()
        prop.SetFontSize(int(round(14 * scale)))
        prop.SetColor(0.84, 0.85, 0.88)
        prop.SetVerticalJustificationToTop()
        self._caption.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()  # top left at any size
        self._caption.SetPosition(0.015, 0.975)
        scene.plotter.renderer.AddViewProp(self._caption)
        # One camera for both views: the main view reports what VTK made of an applied camera, not this one.
        self.camera_link = CameraLink(camera, scene, self.request_render,
                                      shown=lambda: self._shown is not None)
        self._disconnects = [connect_handlers(m, self) for m in (time, compare, display, pick)]
        self._on_other(compare.other)

    @property
    def caption(self) -> str:
        """The caption drawn in the view: the run's name and the residual."""
        return str(self._caption.GetInput() or "")

    def _on_other(self, _run: object) -> None:
        run, at = self.compare.other, compared_at(self.time, self.compare)
        if run is None or at is None:
            self._shown = None
            self.residual = None
            self._caption.SetInput("")
            for cls in range(self.display.n_classes):  # nothing drawn; the actors stay for the next run
                self.scene.set_class_visible(cls, False)
            self.scene.set_highlight(None)
            self.request_render()
            return
        n = len(at.codes)
        if run is not self._shown or self.scene.n_points != n:
            self.scene.set_data(at.codes[None], run.labels[:n], 0.0)
            self._shown = run
        self._coloured = None
        self._on_hidden_classes(self.display.hidden_classes)
        self._show(at)
        self._on_selected(self.pick.selected)
        if self.camera.camera is not None:
            self.camera_link.apply(self.camera.camera)
        self.request_render()

    def _show(self, at: ComparedPosition) -> None:
        self.scene.update_codes(at.codes[None], 0.0)
        self.residual = at.residual
        assert self.compare.other is not None
        name, comparison = self.compare.other.name, self.compare.comparison
        if comparison is not None and comparison.ended(self.time.position):  # its last snapshot stands in (issue 32)
            name = f"{name} ended at epoch {comparison.epochs_b[-1]:g}: its last snapshot"
        self._caption.SetInput(f"{name} · {residual_text(at.residual)}")
        self._apply_colours()

    def _refresh(self, _value: object = None) -> None:
        at = compared_at(self.time, self.compare)
        if at is not None and self._shown is not None:
            self._show(at)
            self.request_render()

    _on_position = _on_align = _refresh

    def _on_run(self, _run: object) -> None:
        self._on_other(self.compare.other)

    def _apply_colours(self) -> None:
        time, run, comparison, color = self.time, self.compare.other, self.compare.comparison, self.display.color
        if run is None or comparison is None or time.run is None:
            return
        snapshot_b = int(round(comparison.position_b(time.position)))
        key = (color, time.snapshot, snapshot_b, self.compare.align, id(run))
        if key == self._coloured:
            return
        self._coloured = key
        n = comparison.n
        if color in COMPARE_COLOUR_MODES:  # one value per shared image: the same in both views
            values = compare_colour_values(time, self.display, self.compare)
            title = color  # "distance" or "agreement": short enough for the bar beside a half-width view
        else:  # the second run's own error or movement, at its matched snapshot
            values = colour_values(color, snapshot_b, run.codes, run.test_bce, run.steps)
            title = f"{color}, step {int(run.steps[snapshot_b]):,}"
        if values is None:
            self.colours.show_classes(run.labels[:n])
        else:
            values = np.asarray(values[:n], np.float32)
            self.colours.show_values(values, *colour_range(values), title=title)

    def _on_color(self, _mode: str) -> None:
        self._apply_colours()
        self.request_render()

    def _on_selected(self, index: int | None) -> None:
        n = self.scene.n_points if self._shown is not None else 0
        self.scene.set_highlight(index if index is not None and index < n else None)
        self.request_render()

    def _on_hidden_classes(self, hidden: frozenset[int]) -> None:
        for cls in range(self.display.n_classes):
            self.scene.set_class_visible(cls, cls not in hidden)
        self.request_render()

    def close(self) -> None:
        """Disconnect and remove what this presenter added (the scene belongs to the caller)."""
        self.camera_link.close()
        for disconnect in self._disconnects:
            disconnect()
        self.colours.close()
        self.scene.plotter.renderer.RemoveViewProp(self._caption)


class CompareRings:
    """The compared run as rings in the first run's view (overlay mode), in class colours, unpickable.

    The rings are drawn in the scene's marker layer, over the points: the second run lies where the
    first does wherever they agree, and rings inside the cloud would be hidden. They are flat points
    cut into rings by a fragment shader, so they keep their pixel size at any zoom.

    Parameters
    ----------
    time : TimeModel
    compare : CompareModel
        The run compared, its alignment, and whether it is drawn as rings (``overlay``).
    scene : LatentScene
        The first run's scene.
    request_render : callable
    """

    def __init__(self, time: TimeModel, compare: CompareModel, scene: LatentScene,
                 request_render: Callable[[], None] = lambda: None) -> None:
        self.time, self.compare, self.scene, self.request_render = time, compare, scene, request_render
        self._layer = scene.markers.layers[0]
        self.mesh: pv.PolyData | None = None
        self.actor: pv.Actor | None = None
        self._disconnects = [connect_handlers(m, self) for m in (time, compare)]
        self._on_overlay(compare.overlay)

    @property
    def visible(self) -> bool:
        """Whether the rings are drawn."""
        return self.actor is not None and bool(self.actor.GetVisibility())

    def _on_overlay(self, on: bool) -> None:
        at = compared_at(self.time, self.compare) if on else None
        run = self.compare.other
        if at is None or run is None:
            if self.actor is not None:
                self.actor.SetVisibility(False)
                self.scene.markers.refresh()  # the markers' layer is drawn only while it shows something
            self.request_render()
            return
        if self.mesh is None or self.mesh.n_points != len(at.codes):
            self._build(len(at.codes))
        assert self.mesh is not None and self.actor is not None
        self.mesh.point_data["rgb"] = np.asarray(CLASS_COLORS, np.uint8)[run.labels[: len(at.codes)]]
        self.actor.SetVisibility(True)
        self.scene.markers.refresh()
        self._move(at)

    def _build(self, n: int) -> None:
        self.close_actor()
        self.mesh = pv.PolyData(np.zeros((n, 3), np.float32))
        self.actor = mesh_actor(self.mesh, rgb="rgb")
        style_points(self.actor, max(4.0, self.scene.point_size * RING_SCALE), spheres=False)
        self.actor.GetShaderProperty().AddFragmentShaderReplacement("//VTK::Color::Impl", True, _RING_SHADER, False)
        self.actor.SetPickable(False)
        self._layer.AddActor(self.actor)

    def _move(self, at: ComparedPosition) -> None:
        assert self.mesh is not None
        self.mesh.points[:] = at.codes
        self.mesh.GetPoints().Modified()
        self.request_render()

    def _refresh(self, _value: object = None) -> None:
        if self.visible:
            at = compared_at(self.time, self.compare)
            if at is not None:
                self._move(at)

    _on_position = _on_align = _refresh

    def _on_other(self, _run: object) -> None:
        self._on_overlay(self.compare.overlay)

    _on_run = _on_other

    def close_actor(self) -> None:
        """Remove the rings' actor."""
        if self.actor is not None:
            self._layer.RemoveActor(self.actor)
            self.scene.markers.refresh()
        self.mesh = self.actor = None

    def close(self) -> None:
        """Disconnect and remove the rings."""
        for disconnect in self._disconnects:
            disconnect()
        self.close_actor()
