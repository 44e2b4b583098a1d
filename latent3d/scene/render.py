"""Headless rendering: a run's latent cloud to a PNG or to a GIF/MP4 of the epoch animation (``run.py render``)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyvista as pv
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkRenderingCore import vtkTextActor, vtkWindowToImageFilter

from latent3d.analysis.explore import COLOUR_MODES, colour_range, colour_values, movie_times
from latent3d.runs import Run, load_run, resolve_run_path
from latent3d.scene.cloud import LatentScene
from latent3d.scene.overlays import ColourModes, TrainOverlay

__all__ = ["CAMERAS", "MOVIE_SUFFIXES", "OffscreenRenderer", "cmd_render", "grab", "parse_size", "write_movie"]

#: Camera presets: direction from the focal point to the camera, and the view-up vector.
CAMERAS: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    "iso": ((1.0, 1.0, 1.0), (0.0, 0.0, 1.0)), "xy": ((0.0, 0.0, 1.0), (0.0, 1.0, 0.0)),
    "xz": ((0.0, -1.0, 0.0), (0.0, 0.0, 1.0)), "yz": ((1.0, 0.0, 0.0), (0.0, 0.0, 1.0))}
MOVIE_SUFFIXES = (".mp4", ".gif")
MAX_SIDE = 8192


def parse_size(text: str) -> tuple[int, int]:
    """``"WxH"`` -> ``(W, H)``; raises ValueError with one sentence on anything else."""
    parts = text.lower().split("x")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise ValueError(f"Size {text!r} must look like 1200x900.")
    w, h = int(parts[0]), int(parts[1])
    if not (16 <= w <= MAX_SIDE and 16 <= h <= MAX_SIDE):
        raise ValueError(f"Size {text} must be between 16 and {MAX_SIDE} pixels on each side.")
    return w, h


def grab(ren_win: Any, scale: int = 1) -> np.ndarray:
    """Render ``ren_win`` now and return its pixels as uint8 ``[H * scale, W * scale, 3]``, top row first."""
    ren_win.Render()
    f = vtkWindowToImageFilter()
    f.SetInput(ren_win)
    f.SetScale(int(scale))
    f.SetInputBufferTypeToRGB()
    f.ReadFrontBufferOn()  # what was just drawn and swapped, as pyvista's screenshot reads it
    f.ShouldRerenderOff()
    f.FixBoundaryOn()
    f.Update()
    img = f.GetOutput()
    w, h, _ = img.GetDimensions()
    pixels = vtk_to_numpy(img.GetPointData().GetScalars()).reshape(h, w, -1)
    return np.ascontiguousarray(pixels[::-1, :, :3])


def set_camera(scene: LatentScene, preset: str) -> None:
    """Look at the whole cloud from preset ``preset`` (see ``CAMERAS``)."""
    if preset not in CAMERAS:
        raise ValueError(f"Unknown camera {preset!r}; use one of {', '.join(CAMERAS)}.")
    direction, up = CAMERAS[preset]
    cam = scene.plotter.camera
    cam.SetFocalPoint(0.0, 0.0, 0.0)
    cam.SetPosition(*direction)
    cam.SetViewUp(*up)
    scene.reset_camera()


def write_movie(frames: Iterable[np.ndarray], out: Path, fps: float) -> int:
    """Write RGB frames to ``out`` (``.gif`` or ``.mp4``) with imageio; returns the number of frames written.

    Parameters
    ----------
    frames : iterable of ndarray, shape (H, W, 3), uint8
    out : Path
    fps : float

    Notes
    -----
    MP4 (H.264, yuv420p) needs even sides: frames are cropped by at most one pixel row/column.
    """
    import imageio.v2 as imageio  # imported on use: only exports need it

    suffix = out.suffix.lower()
    if suffix not in MOVIE_SUFFIXES:
        raise ValueError(f"Movie {out.name} must end in .mp4 or .gif.")
    if suffix == ".gif":
        writer = imageio.get_writer(out, mode="I", duration=1000.0 / fps, loop=0)
    else:
        writer = imageio.get_writer(out, fps=fps, codec="libx264", pixelformat="yuv420p", macro_block_size=1,
                                    ffmpeg_log_level="error")
    count = 0
    try:
        for frame in frames:
            if suffix == ".mp4":
                frame = frame[: frame.shape[0] // 2 * 2, : frame.shape[1] // 2 * 2]
            writer.append_data(np.ascontiguousarray(frame[..., :3]))
            count += 1
    finally:
        writer.close()
    return count


class OffscreenRenderer:
    """A run in an off-screen ``pyvista.Plotter`` (EGL, no X server needed), reusing ``LatentScene``.

    Parameters
    ----------
    run : Run
    size : (int, int)
        Image width and height in pixels.
    camera : str
        A preset of ``CAMERAS``.
    colour : str
        A colour mode of ``latent3d.analysis.explore.COLOUR_MODES``.
    train_overlay : bool
        Also draw the training images' final-epoch codes (when the run stores them).
    """

    def __init__(self, run: Run, size: tuple[int, int] = (1200, 900), camera: str = "iso", colour: str = "class",
                 train_overlay: bool = False) -> None:
        if colour not in COLOUR_MODES:
            raise ValueError(f"Unknown colour mode {colour!r}; use one of {', '.join(COLOUR_MODES)}.")
        if train_overlay and run.train_codes is None:
            raise ValueError(f"Run {run.name} stores no training codes to overlay.")
        self.run, self.colour = run, colour
        if not os.environ.get("DISPLAY"):  # go straight to EGL instead of warning about a missing X server first
            os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")
        self.plotter = pv.Plotter(off_screen=True, window_size=list(size))
        self.scene = LatentScene(self.plotter)
        self.scene.set_data(run.codes, run.labels)
        self.colours = ColourModes(self.scene)
        self.overlay = TrainOverlay(self.plotter)
        if train_overlay:
            self.overlay.set_data(run.train_codes, run.train_labels)
            self.overlay.set_visible(True)
        self._label = vtkTextActor()
        self._label.GetTextProperty().SetFontSize(max(12, size[1] // 40))
        self._label.GetTextProperty().SetColor(0.84, 0.85, 0.88)
        self._label.GetTextProperty().SetVerticalJustificationToTop()
        self._label.SetPosition(12, size[1] - 12)  # top left: the axes sit bottom left
        self.plotter.renderer.AddViewProp(self._label)
        set_camera(self.scene, camera)

    def fit(self, t: float) -> None:
        """Frame the codes of fractional epoch ``t`` only (a still image), keeping the camera direction."""
        pts = self.scene.codes_at(t)
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        self.plotter.renderer.ResetCamera(lo[0], hi[0], lo[1], hi[1], lo[2], hi[2])

    def frame(self, t: float) -> np.ndarray:
        """The image ``[H, W, 3]`` uint8 of fractional epoch ``t``."""
        self.scene.set_epoch(t)
        e = int(round(self.scene.epoch))
        values = colour_values(self.colour, e, self.run.codes, self.run.test_bce)
        if values is None:
            self.colours.show_classes(self.run.labels)
        else:
            title = "BCE" if self.colour == "error" else f"moved {max(e - 1, 0)} to {e}"
            self.colours.show_values(values, *colour_range(values), title=title)
        self._label.SetInput(f"{self.run.name} · epoch {t:.2f} / {self.run.epochs}")
        return grab(self.plotter.ren_win)

    def frames(self, times: Iterable[float]) -> Iterator[np.ndarray]:
        """One image per fractional epoch in ``times``."""
        for t in times:
            yield self.frame(float(t))

    def close(self) -> None:
        """Release the plotter."""
        self.colours.close()
        self.overlay.close()
        self.scene.close()
        self.plotter.close()


def render_image(run: Run, out: Path, *, epoch: int | None = None, **kwargs: object) -> Path:
    """Render stored ``epoch`` (default: the last) of ``run`` to the PNG ``out``; ``kwargs`` go to the renderer."""
    import imageio.v2 as imageio

    e = run.epochs if epoch is None else epoch
    if not 0 <= e <= run.epochs:
        raise ValueError(f"Epoch {e} is outside 0-{run.epochs} of run {run.name}.")
    if out.suffix.lower() != ".png":
        raise ValueError(f"Image {out.name} must end in .png.")
    r = OffscreenRenderer(run, **kwargs)  # type: ignore[arg-type]
    try:
        r.fit(float(e))
        imageio.imwrite(out, r.frame(float(e)))
    finally:
        r.close()
    return out


def render_movie(run: Run, out: Path, *, fps: float = 20.0, steps_per_epoch: int = 10,
                 progress: Callable[[int, int], None] | None = None, **kwargs: object) -> int:
    """Render the epoch animation 0 -> E of ``run`` to ``out`` (GIF or MP4); returns the frame count."""
    if out.suffix.lower() not in MOVIE_SUFFIXES:
        raise ValueError(f"Movie {out.name} must end in .mp4 or .gif.")
    times = movie_times(run.epochs, steps_per_epoch)
    r = OffscreenRenderer(run, **kwargs)  # type: ignore[arg-type]

    def counted() -> Iterator[np.ndarray]:
        for i, img in enumerate(r.frames(times)):
            if progress is not None:
                progress(i + 1, len(times))
            yield img

    try:
        return write_movie(counted(), out, fps)
    finally:
        r.close()


def cmd_render(args: argparse.Namespace) -> int:
    """``run.py render``: one PNG (``--out``) or a movie (``--movie``) of a run, without a window."""
    if (args.out is None) == (args.movie is None):
        raise ValueError("Give exactly one of --out IMAGE.png or --movie MOVIE.mp4|.gif.")
    run = load_run(resolve_run_path(args.run))
    opts = {"size": parse_size(args.size), "camera": args.camera, "colour": args.color,
            "train_overlay": args.train_overlay}
    target = Path(args.out or args.movie)
    if not target.parent.is_dir():
        raise ValueError(f"Folder {target.parent} does not exist.")
    if args.out is not None:
        render_image(run, target, epoch=args.epoch, **opts)
        print(f"wrote {target}")
        return 0
    n = render_movie(run, target, fps=args.fps, steps_per_epoch=args.steps_per_epoch, **opts)
    print(f"wrote {target} ({n} frames)")
    return 0
