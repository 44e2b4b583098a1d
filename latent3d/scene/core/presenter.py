"""Displays the time, pick, display and compare models in a LatentScene: the one place that maps them to VTK.

The window's view and the off-screen renderer both draw through this class, so a rendered view
file and the window can never disagree (colours, hidden classes, path, overlay, probe, camera).

The camera has one owner, the camera model: VTK's camera follows it, and whatever moves the VTK
camera (the mouse, a reset, a fit) is reported back by an observer on the camera itself, so no
caller ever syncs by hand and a saved view, a screenshot and a movie read the same camera.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from latent3d.analysis.explore import colour_range
from latent3d.analysis.learning import learned_ticks
from latent3d.scene.core.camera_link import CameraLink, read_camera
from latent3d.scene.core.cloud import LatentScene
from latent3d.scene.core.overlays import TRAIN_POINT_SIZE, ColourModes, PathOverlay, TrainOverlay
from latent3d.scene.core.scale_note import ScaleNote
from latent3d.state.camera import CameraModel
from latent3d.state.compare import CompareModel, drawn_codes
from latent3d.state.display import DisplayModel, colour_values
from latent3d.state.framing import SnapshotBoxes, framed
from latent3d.state.model import connect_all
from latent3d.state.pick import PickModel
from latent3d.state.time import TimeModel
from latent3d.state.values import Camera, PathState, as_vec3

if TYPE_CHECKING:
    from latent3d.runs import Run

__all__ = ["ScenePresenter", "colour_title"]


def colour_title(mode: str, time_model: TimeModel) -> str:
    """The colour bar's title for ``mode`` at the time model's snapshot."""
    time, s = time_model.time, time_model.snapshot
    if time is None:
        return mode
    if mode == "error":
        return f"BCE, step {time.steps[s]:,.0f}"
    if mode == "learned":
        return "learned at step"
    if mode in ("distance", "agreement"):  # short: the bar also sits beside a half-width linked view
        return mode
    if mode == "aligned-movement":
        return f"moved beyond alignment since step {time.steps[s - 1]:,.0f}" if s else "moved (step 0)"
    return f"moved since step {time.steps[s - 1]:,.0f}" if s else "moved (step 0)"


class ScenePresenter:
    """Subscribes to the models it shows and keeps ``scene`` showing them; asks for a render through ``request_render``.

    Parameters
    ----------
    time : TimeModel
        The run, the position and whether the camera follows the snapshot.
    camera : CameraModel
        The camera, linked both ways with the scene's VTK camera.
    pick : PickModel
        The selection, the A->B path and the probe (dragging the probe writes it).
    display : DisplayModel
        The colour mode, hidden classes and the training-set overlay.
    compare : CompareModel
        The alignment (the codes drawn) and the second run (its colour modes).
    scene : LatentScene
    request_render : callable
        Called after every change that needs a new frame; the window coalesces these into one
        render when idle, the off-screen renderer renders when it grabs.
    scale : float
        Pixel sizes of the overlays (lines, markers, text) times this: an image rendered at 4x the
        view's resolution looks like the view, not like a sparse, thin copy of it.
    probe_widget : bool
        Draw the probe as a draggable sphere (the window) rather than only its marker (off screen).
    follow_to : callable, optional
        With ``time.follow`` on, each move of the position frames the snapshot shown: the pose is
        handed to ``follow_to(camera)`` (the window eases towards it) or, by default, set at once.
    """

    def __init__(self, time: TimeModel, camera: CameraModel, pick: PickModel, display: DisplayModel,
                 compare: CompareModel, scene: LatentScene, request_render: Callable[[], None] = lambda: None,
                 scale: float = 1.0, probe_widget: bool = False,
                 follow_to: Callable[[Camera], None] | None = None) -> None:
        self.time, self.camera, self.pick, self.display, self.compare = time, camera, pick, display, compare
        self.scene, self.request_render = scene, request_render
        self.follow_to = follow_to if follow_to is not None else self._set_camera
        self._probe_widget = probe_widget  # a draggable sphere (the window) or only its marker (off-screen)
        # The presenter draws the camera too: VTK's camera follows the model's, and the mouse's moves go back.
        self.camera_link = CameraLink(camera, scene, request_render, shown=lambda: bool(scene.n_points))
        plotter = scene.plotter
        # Ends smaller than the selection's 14-px disc, which they are drawn over (A is usually the selection).
        self.path_overlay = PathOverlay(plotter, point_size=9.0 * scale, line_width=3.0 * scale)
        self.colours = ColourModes(scene, font_size=int(round(12 * scale)))
        self.train_overlay = TrainOverlay(plotter, point_size=TRAIN_POINT_SIZE * scale)
        self.scale_note = ScaleNote(plotter, font_size=int(round(11 * scale)))
        self._boxes: SnapshotBoxes | None = None
        self._coloured: tuple[object, ...] | None = None
        self._shown: Run | None = None  # the run whose points the scene holds
        self._train_codes: np.ndarray | None = None
        self._disconnect = connect_all((time, pick, display, compare), self)

    # -- handlers -------------------------------------------------------------------------------

    def _on_run(self, _run: object) -> None:
        time, run = self.time, self.time.run
        if run is None:
            self._shown = None
            return
        grew = time.run_grew and self._shown is not None
        self._shown = run
        codes = drawn_codes(time, self.compare)  # the run's codes, or aligned: everything drawn follows them
        assert codes is not None
        self._boxes = SnapshotBoxes(codes)
        if grew and self.scene.update_codes(codes, time.position):
            pass  # a live training's next snapshot: points moved in place, camera and actors untouched
        else:
            camera = self.camera.camera if grew else None
            self.scene.set_data(codes, run.labels, time.position)  # refits the camera
            if camera is not None:  # a run that grew keeps the camera where the user put it
                self.camera_link.apply(camera)
        self._on_hidden_classes(self.display.hidden_classes)
        if run.train_codes is not self._train_codes:
            self._train_codes = run.train_codes
            self.train_overlay.set_data(run.train_codes, run.train_labels)
        self.train_overlay.set_visible(self.display.train_overlay)
        self._coloured = None
        self._on_selected(self.pick.selected)
        self._on_path(self.pick.path)
        self._on_probe(self.pick.probe)
        self._follow()

    def _on_position(self, u: float) -> None:
        self.scene.set_position(u)
        self._apply_colours()
        if self.pick.path is not None:
            self._place_path(self.pick.path)
        self._follow()
        self.request_render()

    def _on_align(self, _mode: str) -> None:
        codes = drawn_codes(self.time, self.compare)
        if codes is not None and self.scene.update_codes(codes, self.time.position):  # in place, camera kept
            self._boxes = SnapshotBoxes(codes)  # the snapshots' extents change with the alignment
            if self.pick.path is not None:
                self._place_path(self.pick.path)
            self._apply_colours()
            self._follow()
            self.request_render()

    def _on_other(self, _run: object) -> None:  # the run compared with: its colour modes
        self._apply_colours()
        self.request_render()

    def _on_follow(self, _on: bool) -> None:
        self._follow()
        self.request_render()

    def _follow(self) -> None:
        """Say how large the cloud is; with follow on, frame the snapshot shown from the same direction."""
        if self._boxes is None or not self.scene.n_points:
            self.scale_note.hide()
            return
        lo, hi = self._boxes.at(self.time.position)
        run = self.time.run
        projection = getattr(run, "projection", None)  # a run of D != 3: "PCA of 64-D, 71 % of the variance"
        self.scale_note.show(lo, hi, projection.describe() if projection is not None else "")
        if self.time.follow:
            self.follow_to(self.framing(lo, hi))

    def framing(self, lo: np.ndarray | None = None, hi: np.ndarray | None = None) -> Camera:
        """The pose that frames the snapshot shown (or the box ``lo``-``hi``) from the current direction."""
        if lo is None or hi is None:
            assert self._boxes is not None
            lo, hi = self._boxes.at(self.time.position)
        w, h = self.scene.plotter.window_size
        return framed(read_camera(self.scene), lo, hi, aspect=w / h if h else 1.0)

    def _set_camera(self, camera: Camera) -> None:
        self.camera.camera = camera

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
        time, display, run = self.time, self.display, self.time.run
        if run is None:
            return
        # Class colours are the same at every snapshot: a move of the timeline does not write them again.
        at = None if display.color == "class" else time.snapshot
        key = (display.color, at, id(run), id(self.scene._cloud), self.compare.align, id(self.compare.other))
        if key == self._coloured:
            return  # unchanged: playback between two snapshots keeps the colours
        self._coloured = key
        values = colour_values(time, display, self.compare)
        if values is None:
            self.colours.show_classes(run.labels)
        else:
            lo, hi = colour_range(values)
            ticks = learned_ticks(lo, hi) if display.color == "learned" else None  # a log-step bar, labelled in steps
            self.colours.show_values(values, lo, hi, title=colour_title(display.color, time), ticks=ticks)

    def _on_probe(self, position: tuple[float, float, float] | None) -> None:
        scene = self.scene
        if position is None:
            scene.disable_probe()
        elif not self._probe_widget:
            scene.markers.set_probe(np.asarray(position, np.float32))
        elif not scene.probe_enabled:
            scene.enable_probe(self._on_probe_dragged, center=position)
        else:
            current = scene.probe_position
            if current is None or not np.allclose(current, position, atol=1e-6):
                scene.place_probe(position)
        self.request_render()

    def _on_probe_dragged(self, position: np.ndarray) -> None:
        if self.pick.probe is not None:
            self.pick.probe = as_vec3(position)

    def _on_hidden_classes(self, hidden: frozenset[int]) -> None:
        for cls in range(self.display.n_classes):
            self.scene.set_class_visible(cls, cls not in hidden)
        self.request_render()

    def _on_train_overlay(self, on: bool) -> None:
        self.train_overlay.set_visible(on)
        self.request_render()

    def reset_camera(self) -> None:
        """The default view, framing every snapshot (the camera model learns it through the camera's observer)."""
        self.scene.reset_camera()
        self.request_render()

    def fit_camera(self) -> None:
        """Frame the snapshot shown, looking from the same direction (Shift+R)."""
        if self._boxes is not None and self.scene.n_points:
            self._set_camera(self.framing())
        self.request_render()

    def close(self) -> None:
        """Disconnect from the models and remove the overlays."""
        self._disconnect()
        self.camera_link.close()
        self.path_overlay.close()
        self.colours.close()
        self.train_overlay.close()
        self.scale_note.close()
