"""Displays a ViewerState in a LatentScene and its overlays: the one place that maps state to VTK.

The window's view and the off-screen renderer both draw through this class, so a rendered view
file and the window can never disagree (colours, hidden classes, path, overlay, camera).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from latent3d.analysis.explore import colour_range, colour_values
from latent3d.scene.cloud import LatentScene
from latent3d.scene.overlays import TRAIN_POINT_SIZE, ColourModes, PathOverlay, TrainOverlay
from latent3d.state.values import Camera
from latent3d.state.viewer_state import PathState, ViewerState, connect_handlers

if TYPE_CHECKING:
    from latent3d.runs import Run

__all__ = ["ScenePresenter", "colour_title", "read_camera"]


def colour_title(mode: str, state: ViewerState) -> str:
    """The colour bar's title for ``mode`` at the state's snapshot."""
    time, s = state.time, state.snapshot
    if time is None:
        return mode
    if mode == "error":
        return f"BCE, step {time.steps[s]:,.0f}"
    return f"moved since step {time.steps[s - 1]:,.0f}" if s else "moved (step 0)"


def read_camera(scene: LatentScene) -> Camera:
    """The pose of the scene's camera as plain numbers."""
    cam = scene.plotter.camera

    def v(x: tuple[float, ...]) -> tuple[float, float, float]:
        return (float(x[0]), float(x[1]), float(x[2]))

    return Camera(v(cam.GetPosition()), v(cam.GetFocalPoint()), v(cam.GetViewUp()), float(cam.GetViewAngle()))


class ScenePresenter:
    """Subscribes to ``state`` and keeps ``scene`` showing it; asks for a render through ``request_render``.

    Parameters
    ----------
    state : ViewerState
    scene : LatentScene
    request_render : callable
        Called after every change that needs a new frame; the window coalesces these into one
        render when idle, the off-screen renderer renders when it grabs.
    scale : float
        Pixel sizes of the overlays (lines, markers, text) times this: an image rendered at 4x the
        view's resolution looks like the view, not like a sparse, thin copy of it.
    """

    def __init__(self, state: ViewerState, scene: LatentScene,
                 request_render: Callable[[], None] = lambda: None, scale: float = 1.0) -> None:
        self.state, self.scene, self.request_render = state, scene, request_render
        plotter = scene.plotter
        self.path_overlay = PathOverlay(plotter, point_size=14.0 * scale, line_width=3.0 * scale)
        self.colours = ColourModes(scene, font_size=int(round(12 * scale)))
        self.train_overlay = TrainOverlay(plotter, point_size=TRAIN_POINT_SIZE * scale)
        self._coloured: tuple[object, ...] | None = None
        self._shown: Run | None = None  # the run whose points the scene holds
        self._train_codes: np.ndarray | None = None
        self._disconnect = connect_handlers(state.events, self)

    # -- handlers -------------------------------------------------------------------------------

    def _on_run(self, run: object) -> None:
        state = self.state
        if state.run is None:
            self._shown = None
            return
        grown = (self._shown is not None and self._shown.path == state.run.path
                 and np.array_equal(self._shown.labels, state.run.labels))
        self._shown = state.run
        if grown and self.scene.update_codes(state.run.codes, state.position):
            pass  # a live training's next snapshot: points moved in place, camera and actors untouched
        else:
            camera = read_camera(self.scene) if grown else None
            self.scene.set_data(state.run.codes, state.run.labels, state.position)
            if camera is not None:  # a run that grew keeps the camera where the user put it
                self.apply_camera(camera)
        self._on_hidden_classes(state.hidden_classes)
        if state.run.train_codes is not self._train_codes:
            self._train_codes = state.run.train_codes
            self.train_overlay.set_data(state.run.train_codes, state.run.train_labels)
        self.train_overlay.set_visible(state.train_overlay)
        self._coloured = None
        self._on_selected(state.selected)
        self._on_path(state.path)
        if state.camera is None or not grown:
            state.camera = read_camera(self.scene)

    def _on_position(self, u: float) -> None:
        self.scene.set_epoch(u)
        self._apply_colours()
        if self.state.path is not None:
            self._place_path(self.state.path)
        self.request_render()

    def _on_selected(self, index: int | None) -> None:
        self.scene.set_highlight(index)
        self.request_render()

    def _on_path(self, path: PathState | None) -> None:
        if path is not None:
            self._place_path(path)
        self.path_overlay.set_visible(path is not None)
        self.request_render()

    def _place_path(self, path: PathState) -> None:
        pos = self.scene.positions
        self.path_overlay.set_ends(pos[path.a], pos[path.b])
        self.path_overlay.set_marker(path.t)

    def _on_color(self, _mode: str) -> None:
        self._apply_colours()
        self.request_render()

    def _apply_colours(self) -> None:
        state, run = self.state, self.state.run
        if run is None:
            return
        key = (state.color, state.snapshot, id(run), id(self.scene._cloud))
        if key == self._coloured:
            return  # unchanged: playback between two snapshots keeps the colours
        self._coloured = key
        values = colour_values(state.color, state.snapshot, run.codes, run.test_bce)
        if values is None:
            self.colours.show_classes(run.labels)
        else:
            self.colours.show_values(values, *colour_range(values), title=colour_title(state.color, state))

    def _on_hidden_classes(self, hidden: frozenset[int]) -> None:
        for cls in range(10):
            self.scene.set_class_visible(cls, cls not in hidden)
        self.request_render()

    def _on_train_overlay(self, on: bool) -> None:
        self.train_overlay.set_visible(on)
        self.request_render()

    def _on_camera(self, camera: Camera | None) -> None:
        if camera is not None and camera != read_camera(self.scene):
            self.apply_camera(camera)
            self.request_render()

    def apply_camera(self, camera: Camera) -> None:
        """Put the VTK camera at ``camera`` (clipping range refitted)."""
        cam = self.scene.plotter.camera
        cam.SetPosition(*camera.position)
        cam.SetFocalPoint(*camera.focal_point)
        cam.SetViewUp(*camera.view_up)
        cam.SetViewAngle(camera.view_angle)
        cam.OrthogonalizeViewUp()
        self.scene.plotter.renderer.ResetCameraClippingRange()

    def sync_camera(self) -> None:
        """Report the VTK camera (moved by the mouse) to the state."""
        self.state.camera = read_camera(self.scene)

    def close(self) -> None:
        """Disconnect from the state and remove the overlays."""
        self._disconnect()
        self.path_overlay.close()
        self.colours.close()
        self.train_overlay.close()
