"""``latent3d render``: the command-line handler; the off-screen drawing itself is latent3d.scene.offscreen.render."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from latent3d.runs import Run, load_run, resolve_run_path
from latent3d.scene.offscreen.render import parse_size, render_image, render_movie
from latent3d.state.own_values import DecoderMapState
from latent3d.state.view import ViewSpec, check_spec, load_view, load_view_compare, load_view_run
from latent3d.state.viewer_model import ViewerModel
from latent3d.util.fileio import check_target
from latent3d.util.output import say

__all__ = ["check_applicable", "cmd_render"]

# Option (its destination in the parsed arguments) -> (how it is typed, the rule that must hold for it to apply).
_MOVIE_ONLY = {"fps": "--fps", "time": "--time", "frames_per_snapshot": "--frames-per-snapshot",
               "frames_per_epoch": "--frames-per-epoch", "fit_each_frame": "--fit-each-frame"}
_VIEW_SETS = {"camera": "--camera", "color": "--color", "train_overlay": "--train-overlay", "follow": "--follow"}


def check_applicable(args: argparse.Namespace) -> None:
    """Refuse, in one sentence, an option typed where it does nothing (it used to be silently ignored).

    ``args.given`` holds the options typed (see ``latent3d.cli.parser``); without it nothing is checked.

    Raises
    ------
    ValueError
        Naming the option and why it does not apply.
    """
    given = getattr(args, "given", None)
    if given is None:
        return
    if args.out is not None:
        for dest, option in _MOVIE_ONLY.items():
            if dest in given:
                raise ValueError(f"{option} applies to --movie only; leave it out with --out.")
    if args.movie is not None:
        for dest in ("step", "epoch"):
            if dest in given:
                raise ValueError(f"--{dest} applies to --out only (a movie shows every snapshot); leave it out.")
        if args.time == "log" and "frames_per_epoch" in given:
            raise ValueError("--frames-per-epoch applies with --time linear only; with --time log use "
                             "--frames-per-snapshot.")
        if args.time == "linear" and "frames_per_snapshot" in given:
            raise ValueError("--frames-per-snapshot applies with --time log only; with --time linear use "
                             "--frames-per-epoch.")
    if getattr(args, "view", None):
        for dest, option in _VIEW_SETS.items():
            if dest in given:
                raise ValueError(f"{option} does not apply with --view (the view file sets it); leave it out.")


def _map_option(args: argparse.Namespace, view: ViewSpec | None) -> DecoderMapState | None:
    """``--decoder-map [PLANE]`` and ``--map-grid G``; with ``--view`` the file's own map unless asked for."""
    plane, grid = getattr(args, "decoder_map", None), getattr(args, "map_grid", None)
    if plane is None:
        if grid is not None:
            raise ValueError("--map-grid sets the decoder map's tiles; add --decoder-map to draw it.")
        return view.decoder_map if view is not None else None
    return DecoderMapState(plane, grid if grid is not None else 12).checked()


def _compare_run(args: argparse.Namespace, view: ViewSpec | None, run: Run) -> Run | None:
    """The second run of ``--compare`` (or of the view file's ``compare``), checked against ``run``."""
    if view is not None:
        if getattr(args, "compare", None) or getattr(args, "align", None):
            raise ValueError("--view sets the comparison and the alignment; leave out --compare and --align.")
        return load_view_compare(view, Path(args.view), run)
    if not getattr(args, "compare", None):
        return None
    other = load_run(resolve_run_path(args.compare))
    probe = ViewerModel()
    probe.set_run(run)
    probe.compare.other = other  # too few shared test images: one sentence (ValueError), exit 2
    return other


def cmd_render(args: argparse.Namespace) -> int:
    """``run.py render``: one PNG (``--out``) or a movie (``--movie``) of a run, without a window."""
    if (args.out is None) == (args.movie is None):
        raise ValueError("Give exactly one of --out IMAGE.png or --movie MOVIE.mp4|.gif.")
    if not (args.out or args.movie):  # --out '' is given but names nothing
        raise ValueError(f"{'--out' if args.out is not None else '--movie'} is empty; give a file name ending in "
                         f"{'.png' if args.out is not None else '.mp4 or .gif'}.")
    check_applicable(args)
    view = None
    if getattr(args, "view", None):
        if args.run is not None:
            raise ValueError("Give either a RUN or --view FILE (the view file names its run), not both.")
        view_path = Path(args.view)
        view = load_view(view_path)
        run = load_view_run(view, view_path)
        check_spec(view, run, view_path)
    elif args.run is None:
        raise ValueError("Name a RUN to render, or give --view FILE.")
    else:
        run = load_run(resolve_run_path(args.run))
    if view is not None and (args.epoch is not None or args.step is not None):
        raise ValueError("--view sets the position; leave out --epoch and --step.")
    if args.epoch is not None and args.step is not None:
        raise ValueError("Give --epoch or --step, not both.")
    follow = view.follow if view is not None else bool(args.follow)
    if args.movie is not None and follow and args.fit_each_frame:  # two rules for one camera: neither would hold
        raise ValueError(("The view file's 'follow'" if view is not None else "--follow") + " frames each snapshot's "
                         "codes from a fixed direction and --fit-each-frame frames each frame's own codes; give one "
                         "of the two.")
    compare = _compare_run(args, view, run)
    opts: dict[str, Any] = {"size": parse_size(args.size), "camera": args.camera,
                            "colour": view.color if view is not None else args.color,
                            "train_overlay": view.train_overlay if view is not None else args.train_overlay,
                            "decoder_map": _map_option(args, view),
                            "align": view.align if view is not None else (getattr(args, "align", None) or "none"),
                            "compare": compare, "follow": follow}
    target = Path(args.out or args.movie)
    check_target(target, what="Image" if args.out is not None else "Movie")
    if args.out is not None:
        render_image(run, target, epoch=args.epoch, step=args.step, view=view, **opts)
        say(f"wrote {target}")
        return 0
    n = render_movie(run, target, fps=args.fps, frames_per_epoch=args.frames_per_epoch,
                     frames_per_snapshot=args.frames_per_snapshot, time_axis=args.time, view=view,
                     fit_each_frame=args.fit_each_frame, **opts)
    say(f"wrote {target} ({n} frames)")
    return 0
