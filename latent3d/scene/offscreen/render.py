"""Headless rendering: a run (or a saved view) to a PNG, or its training to a GIF/MP4 (for ``latent3d render``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import cast

import numpy as np
from vtkmodules.vtkRenderingCore import vtkTextActor

from latent3d.config.choices import ALL_COLOUR_MODES
from latent3d.runs import Run
from latent3d.scene.core.cloud import LatentScene
from latent3d.scene.core.presenter import ScenePresenter
from latent3d.scene.groups.presenter import GroupPresenter
from latent3d.scene.offscreen.caption import StepCaption
from latent3d.scene.offscreen.compare import SecondView, side_by_side
from latent3d.scene.offscreen.learned_layers import LearnedLayers
from latent3d.scene.offscreen.movie import (
    MOVIE_SUFFIXES,
    movie_frame_count,
    movie_positions,
    plan_movie,
    record_movie,
    write_movie,
)
from latent3d.scene.offscreen.pixels import grab
from latent3d.scene.offscreen.window import offscreen_plotter
from latent3d.state.own_values import DecoderMapState
from latent3d.state.time import timebase_of
from latent3d.state.view import ViewSpec, apply_spec, spec_from_state
from latent3d.state.viewer_model import ViewerModel
from latent3d.util.fileio import atomic_path, check_suffix
from latent3d.util.limits import check_image

__all__ = ["CAMERAS", "MOVIE_SUFFIXES", "OffscreenRenderer", "grab", "movie_frame_count", "movie_positions",
           "parse_size", "render_image", "render_movie", "render_model", "still_position", "write_movie"]

#: Camera presets: direction from the focal point to the camera, and the view-up vector.
CAMERAS: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    "iso": ((1.0, 1.0, 1.0), (0.0, 0.0, 1.0)), "xy": ((0.0, 0.0, 1.0), (0.0, 1.0, 0.0)),
    "xz": ((0.0, -1.0, 0.0), (0.0, 0.0, 1.0)), "yz": ((1.0, 0.0, 0.0), (0.0, 0.0, 1.0))}
MAX_SIDE = 8192


def parse_size(text: str) -> tuple[int, int]:
    """``"WxH"`` -> ``(W, H)``; raises ValueError with one sentence on anything else."""
    parts = text.lower().split("x")
    shown = text if len(text) <= 40 else text[:37] + "..."  # a 4,000-digit side is not echoed whole
    if len(parts) != 2 or not all(p.strip().isdecimal() for p in parts):  # isdigit() takes "²", which int() does not
        raise ValueError(f"Size {shown!r} must look like 1200x900.")
    w, h = (int(p) if len(p.strip()) < 10 else MAX_SIDE + 1 for p in parts)  # no 4,300-digit int() error
    if not (16 <= w <= MAX_SIDE and 16 <= h <= MAX_SIDE):
        raise ValueError(f"Size {shown} must be between 16 and {MAX_SIDE} pixels on each side.")
    return w, h


def set_camera(scene: LatentScene, preset: str) -> None:
    """Look at the whole cloud from preset ``preset`` (see ``CAMERAS``)."""
    if preset not in CAMERAS:
        raise ValueError(f"Unknown camera {preset!r}; use one of {', '.join(CAMERAS)}.")
    direction, up = CAMERAS[preset]
    cam = scene.plotter.camera
    cam.SetFocalPoint(0.0, 0.0, 0.0)
    cam.SetPosition(*direction)
    cam.SetViewUp(*up)
    scene.fit_camera()


class OffscreenRenderer:
    """A run in an off-screen ``pyvista.Plotter`` (EGL, no X server needed), drawn from a ``ViewerModel``.

    The scene is driven by the same :class:`~latent3d.scene.core.presenter.ScenePresenter` as the
    window's, so a view file rendered here shows what the window showed.

    Parameters
    ----------
    run : Run
    size : (int, int)
        Image width and height in pixels.
    camera : str
        A preset of ``CAMERAS`` (ignored once a view's camera is applied).
    colour : str
        A colour mode of ``latent3d.config.choices.ALL_COLOUR_MODES``.
    train_overlay : bool
        Also draw the training images' final-epoch codes (when the run stores them).
    decoder_map : DecoderMapState, optional
        Draw the decoder map (``render --decoder-map``; a view file's own map replaces it).
    align : str
        How the snapshots are aligned (``none``, ``final``, ``previous``).
    compare : Run, optional
        A second run, drawn aligned beside the first: each view gets half the width.
    follow : bool
        Follow the snapshot: the camera keeps its direction and frames each position's own codes.
    """

    def __init__(self, run: Run, size: tuple[int, int] = (1200, 900), camera: str = "iso", colour: str = "class",
                 train_overlay: bool = False, decoder_map: DecoderMapState | None = None, align: str = "none",
                 compare: Run | None = None, follow: bool = False) -> None:
        if colour not in ALL_COLOUR_MODES:
            raise ValueError(f"Unknown colour mode {colour!r}; use one of {', '.join(ALL_COLOUR_MODES)}.")
        if train_overlay and run.train_codes is None:
            raise ValueError(f"Run {run.name} stores no training codes to overlay.")
        self.run = run
        if compare is not None:
            size = (max(16, (size[0] - 2) // 2), size[1])
        self.plotter = offscreen_plotter(size)
        self.scene = LatentScene(self.plotter)
        self.model = m = ViewerModel()
        self.presenter = ScenePresenter(m.time, m.camera, m.pick, m.display, m.compare, self.scene)
        self.groups = GroupPresenter(m.groups, m.time, m.display, m.compare, self.scene, self.presenter.colours)
        self.layers = LearnedLayers.create(m, self.scene)
        m.set_run(run)
        m.compare.align = align
        m.compare.other = compare
        m.display.color = colour
        self.second = None if compare is None else SecondView(m, size)
        m.display.train_overlay = train_overlay
        self._label = vtkTextActor()
        self._label.GetTextProperty().SetFontSize(max(12, size[1] // 40))
        self._label.GetTextProperty().SetColor(0.84, 0.85, 0.88)
        self._label.GetTextProperty().SetVerticalJustificationToTop()
        self._label.SetPosition(12, size[1] - 12)  # top left: the axes sit bottom left
        self.plotter.renderer.AddViewProp(self._label)
        set_camera(self.scene, camera)
        self.model.time.follow = follow  # each frame framed by its own snapshot, from the preset's direction
        self._decoder_map = decoder_map
        self.model.layers.decoder_map = decoder_map

    def apply_view(self, spec: ViewSpec) -> None:
        """Show what the view file ``spec`` describes (checked against the run beforehand)."""
        apply_spec(self.model, spec, self.model.compare.other)  # the spec's comparison was loaded into the renderer
        self.model.layers.decoder_map = self._decoder_map  # the file's map, or the one --decoder-map asked for

    def fit(self, u: float) -> None:
        """Frame the codes at position ``u`` only, keeping the camera direction (percentiles, as the window)."""
        self.scene.fit_camera(self.scene.codes_at(u))

    def frame(self, u: float) -> np.ndarray:
        """The image ``[H, W, 3]`` uint8 at position ``u`` (a fractional snapshot index)."""
        self.model.time.position = u
        time = self.model.time.time
        caption = time.caption(self.model.time.position) if time is not None else ""
        self._label.SetInput(f"{self.run.name} · {caption} / {self.run.epochs}")
        image = grab(self.plotter.ren_win)
        if self.second is None:
            return image
        return side_by_side(image, self.second.grab())

    def frames(self, positions: Iterable[float], *, fit_each: bool = False) -> Iterator[np.ndarray]:
        """One image per position in ``positions``; with ``fit_each`` the camera frames each one's codes."""
        for u in positions:
            if fit_each:
                self.fit(float(u))
            yield self.frame(float(u))

    def close(self) -> None:
        """Release the plotter."""
        self.groups.close()
        self.layers.close()
        if self.second is not None:
            self.second.close()
        self.presenter.close()
        self.scene.close()
        self.plotter.close()


def render_model(model: ViewerModel, size: tuple[int, int], scale: int = 1, caption: str | None = None) -> np.ndarray:
    """What ``model`` shows, rendered off screen at ``size`` times ``scale`` pixels, as uint8 ``[H, W, 3]``.

    Point sizes, line widths and text are multiplied by ``scale`` too, so a 4x screenshot looks like
    the view at 4x the resolution (VTK's tiled capture keeps pixel sizes, and the cloud looks sparse).
    ``caption`` (e.g. the step) is written at the top left.
    """
    run = model.time.run
    if run is None:
        raise ValueError("There is no run to render.")
    w, h = int(size[0]) * scale, int(size[1]) * scale
    if not (16 <= w <= MAX_SIDE and 16 <= h <= MAX_SIDE):
        raise ValueError(f"A {w}x{h} image is larger than {MAX_SIDE} pixels on a side; choose a smaller scale.")
    plotter = offscreen_plotter((w, h))
    scene = LatentScene(plotter, point_size=7.0 * scale, axes_line_width=2.0 * scale)
    m = ViewerModel()
    presenter = ScenePresenter(m.time, m.camera, m.pick, m.display, m.compare, scene, scale=float(scale))
    groups = GroupPresenter(m.groups, m.time, m.display, m.compare, scene, presenter.colours, scale=float(scale))
    layers = LearnedLayers.create(m, scene, scale=float(scale))
    try:
        position = model.time.position
        m.set_run(run, position=position)
        apply_spec(m, spec_from_state(model), model.compare.other)  # what a saved view holds: camera, groups
        m.time.position = position  # exact: the spec rounds the position to a whole training step
        if caption is not None:
            StepCaption(plotter, font_size=16 * scale).show(caption)
        return grab(plotter.ren_win)
    finally:
        groups.close()
        layers.close()
        presenter.close()
        scene.close()
        plotter.close()


def still_position(run: Run, *, epoch: float | None = None, step: float | None = None) -> float:
    """The timeline position of ``--epoch`` or ``--step`` (default: the last snapshot), range-checked."""
    time = timebase_of(run)
    if step is not None:
        if not 0 <= step <= time.last_step:
            raise ValueError(f"Step {step:g} is outside 0-{time.last_step} of run {run.name}.")
        return time.at_step(step)
    if epoch is not None:
        last_epoch = time.last_step / time.steps_per_epoch
        if not 0 <= epoch <= last_epoch:
            raise ValueError(f"Epoch {epoch:g} is outside 0-{last_epoch:g} of run {run.name}.")
        return time.at_epoch(epoch)
    return float(time.last)


def render_image(run: Run, out: Path, *, epoch: float | None = None, step: float | None = None,
                 view: ViewSpec | None = None, **kwargs: object) -> Path:
    """Render ``run`` at ``--epoch``/``--step`` (default: the last snapshot), or as ``view`` says, to PNG ``out``."""
    import imageio.v2 as imageio

    check_suffix(out, (".png",), f"Image {out.name} must end in .png.", what="Image")
    u = still_position(run, epoch=epoch, step=step) if view is None else None
    check_image(*cast("tuple[int, int]", kwargs.get("size", (1200, 900))))
    with atomic_path(out, what="Image") as tmp:  # the old image stays until the new one is complete
        r = OffscreenRenderer(run, **kwargs)  # type: ignore[arg-type]
        try:
            if view is not None:
                r.apply_view(view)
                u = r.model.time.position
            else:
                r.fit(u)  # type: ignore[arg-type]
            # Encoded in memory, then written: an imageio file writer that fails on a full disk
            # retries on garbage collection and prints a traceback.
            tmp.write_bytes(imageio.imwrite("<bytes>", r.frame(u), format="png"))  # type: ignore[arg-type]
        finally:
            r.close()
    return out


def render_movie(run: Run, out: Path, *, fps: float = 20.0, frames_per_epoch: int = 10, frames_per_snapshot: int = 4,
                 time_axis: str = "log", view: ViewSpec | None = None, fit_each_frame: bool = False,
                 progress: Callable[[int, int], None] | None = None, **kwargs: object) -> int:
    """Render the training of ``run`` to ``out`` (GIF or MP4) over its snapshots; returns the frame count.

    The camera frames every snapshot at once (the cloud grows on screen), or with ``fit_each_frame``
    each frame's own codes, so that the untrained blob of step 0 is not a speck. The frames are
    planned and encoded by :mod:`latent3d.scene.offscreen.movie`, as the window's export is.
    """
    size = cast("tuple[int, int]", kwargs.get("size", (1200, 900)))
    times = plan_movie(run, out, size, fps, time_axis=time_axis, frames_per_snapshot=frames_per_snapshot,
                       frames_per_epoch=frames_per_epoch)  # refused before any frame is planned or drawn
    r = OffscreenRenderer(run, **kwargs)  # type: ignore[arg-type]
    if view is not None:
        r.apply_view(view)
    done = 0

    def frame_at(u: float) -> np.ndarray:
        nonlocal done
        if fit_each_frame:
            r.fit(u)
        img = r.frame(u)
        done += 1
        if progress is not None:
            progress(done, len(times))
        return img

    try:
        n = record_movie(out, times, frame_at, fps)
        return int(n or 0)
    finally:
        r.close()
