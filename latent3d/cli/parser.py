"""Command line: ``view`` (default), ``train``, ``info``, ``render``, ``export``, ``encode``, ``import-tensorboard``.

Mistakes exit 2.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from latent3d._version import __version__
from latent3d.config.choices import ALIGN_MODES, ALL_COLOUR_MODES, DEFAULT_COLOUR, DEFAULT_TIME_AXIS, TIME_AXES
from latent3d.config.train import MAX_EPOCHS, MAX_IMAGES, MAX_SEED
from latent3d.data.catalog import DATASETS, DEFAULT_DATASET

__all__ = ["build_parser", "main"]

EXIT_USAGE = 2
COMMANDS = ("view", "train", "info", "render", "export", "encode", "import-tensorboard")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message[0].upper() + message[1:]}.\n")


class _Renamed(argparse.Action):
    """An option's old name: stores into the new one's ``dest`` and warns once, one line on stderr."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        new = "--" + self.dest.replace("_", "-")
        print(f"{parser.prog}: warning: {option_string} is deprecated; use {new}.", file=sys.stderr)
        setattr(namespace, self.dest, values)


def _shown(text: str) -> str:
    """An argument as an error message quotes it: a 4,000-digit number is not echoed whole."""
    return text if len(text) <= 40 else text[:37] + "..."


def _whole_number(minimum: int, maximum: int | None = None, why: str = "") -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``minimum`` (and at most ``maximum``, for reason ``why``)."""
    def parse(text: str) -> int:
        shown = _shown(text)
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{shown!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{shown} must be at least {minimum}" if minimum else
                                             f"{shown} must be 0 or more")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"{shown} must be at most {maximum}{' (' + why + ')' if why else ''}")
        return value

    return parse


_positive_int = _whole_number(1)
_non_negative_int = _whole_number(0)
_seed = _whole_number(0, MAX_SEED, "torch and numpy take seeds modulo 2**32")
_epochs = _whole_number(1, MAX_EPOCHS, "the most a run folder records")
_image_cap = _whole_number(1, MAX_IMAGES)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{_shown(text)!r} is not a number") from None
    if not 0 < value < 10:
        raise argparse.ArgumentTypeError(f"{_shown(text)} must be above 0 and below 10")
    return value


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{_shown(text)!r} is not a number") from None
    if not (value >= 0 and value < float("inf")):
        raise argparse.ArgumentTypeError(f"{_shown(text)} must be a finite number, 0 or more")
    return value


def _schedule(text: str) -> str:
    from latent3d.config.schedule import parse_schedule

    try:
        parse_schedule(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).rstrip(".")) from None
    return text


def _map_grid(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{_shown(text)!r} is not a whole number") from None
    if not 4 <= value <= 32:
        raise argparse.ArgumentTypeError(f"{value} must be from 4 to 32")
    return value


def _keep_encoder(text: str) -> str:
    from latent3d.config.encoder_keep import parse_keep_encoder

    try:
        parse_keep_encoder(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).rstrip(".")) from None
    return text


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of all subcommands."""
    parser = _Parser(prog="latent3d", description="Watch a 3-D autoencoder learn Fashion-MNIST, or any network "
                     "you record.")
    parser.add_argument("--version", action="version", version=f"latent3d {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser,
                                metavar="{view,train,info,render,export,encode,import-tensorboard}")

    view = sub.add_parser("view", help="open the 3-D viewer (default command)")
    view.add_argument("run", nargs="?", help="run name under checkpoints/ or a run folder (default: newest run), or a "
                      "TensorBoard log folder holding add_embedding output (imported into a cache first)")
    view.add_argument("--data-dir", help="folder holding FashionMNIST/raw (for the original test images)")
    view.add_argument("--view", metavar="FILE", help="open a saved view file (docs/view-format.md); it names its run")
    view.add_argument("--tag", help="with a TensorBoard log: the embedding tag to show (needed when it holds several)")

    tr = sub.add_parser("train", help="train the autoencoder headless and save a run")
    tr.add_argument("--epochs", type=_epochs, default=20, help="epochs (default 20)")
    tr.add_argument("--batch-size", type=_positive_int, default=64, help="batch size (default 64)")
    tr.add_argument("--lr", type=_positive_float, default=1e-3, help="Adam learning rate (default 1e-3)")
    tr.add_argument("--seed", type=_seed, default=0, help=f"random seed, 0 to {MAX_SEED} (default 0)")
    tr.add_argument("--data-dir", help="folder holding FashionMNIST/raw (default: $LATENT3D_DATA_DIR or a cache)")
    tr.add_argument("--dataset", choices=tuple(DATASETS), default=DEFAULT_DATASET,
                    help="what to learn: fashion-mnist (default), mnist or kmnist (read from MNIST/raw, KMNIST/raw)")
    tr.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto", help="where to train")
    tr.add_argument("--out", help="run name under checkpoints/ or a folder path (default: run-DATE-TIME)")
    tr.add_argument("--max-train-images", type=_image_cap, help="train on the first N images only")
    tr.add_argument("--max-test-images", type=_image_cap, help="encode the first N test images only")
    tr.add_argument("--weights-dtype", choices=("float32", "float16"), default="float32",
                    help="precision of stored weights (default float32)")
    tr.add_argument("--keep-encoder", type=_keep_encoder, default="all", metavar="all|final|every:K",
                    help="store the encoder of every snapshot, only the final one, or every K-th snapshot and the "
                    "final one (default all; an own image is placed at the snapshots that keep it)")
    tr.add_argument("--snapshots", type=_schedule, default="log", metavar="epochs|log|every:N",
                    help="when to keep a snapshot: log (default: step 0, ~20 log-spaced steps through epoch 1, "
                    "then every epoch end), epochs (epoch ends only) or every:N (every N steps and epoch ends)")
    tr.add_argument("--note", help="free text stored in run.json (shown by info)")
    tr.add_argument("--no-progress", action="store_true", help="no progress bar")

    info = sub.add_parser("info", help="describe a run: config, losses, provenance")
    info.add_argument("run", help="run name under checkpoints/ or a run folder")
    info.add_argument("--json", action="store_true", help="print one JSON object")
    info.add_argument("--compare", metavar="RUN2", help="compare with a second run: residual and neighbour "
                      "agreement at every shared position")
    info.add_argument("--learning", action="store_true",
                      help="also when each class separated (kNN purity), the loss's half drop and learned-at per image")

    enc = sub.add_parser("encode", help="place your own PNG/JPEG image: its code at every snapshot with an encoder")
    enc.add_argument("run", help="run name under checkpoints/ or a run folder")
    enc.add_argument("image", help="a PNG or JPEG of any size (converted like Fashion-MNIST: grey, fitted into 28x28)")
    enc.add_argument("--invert", action="store_true", help="the image is a dark object on a light background")
    enc.add_argument("--json", action="store_true", help="print one JSON list of {step, code} objects")

    rd = sub.add_parser("render", help="render a run to a PNG or a GIF/MP4 of the epochs, without a window")
    rd.add_argument("run", nargs="?", help="run name under checkpoints/ or a run folder (not with --view)")
    rd.add_argument("--view", metavar="FILE", help="render exactly what a saved view file shows (it names its run)")
    rd.add_argument("--out", help="write one image to this .png")
    rd.add_argument("--movie", help="write the training, snapshot by snapshot, to this .mp4 or .gif")
    rd.add_argument("--epoch", type=_non_negative_float, help="epoch of --out, fractional allowed (default: the last)")
    rd.add_argument("--step", type=_non_negative_float, help="training step of --out (between snapshots: interpolated)")
    rd.add_argument("--size", default="1200x900", help="image size WxH in pixels (default 1200x900)")
    rd.add_argument("--camera", choices=("iso", "xy", "xz", "yz"), default="iso", help="camera preset (default iso)")
    rd.add_argument("--color", choices=ALL_COLOUR_MODES, default=DEFAULT_COLOUR,
                    help="colour points by class, reconstruction error, movement, movement beyond alignment, or "
                    "(with --compare) distance between the runs or neighbour agreement, or the step each image was "
                    "learned at (default class)")
    rd.add_argument("--align", choices=ALIGN_MODES,
                    help="align the snapshots onto the final one, or each onto the next (default none)")
    rd.add_argument("--compare", metavar="RUN2", help="draw a second run beside the first, aligned onto it")
    rd.add_argument("--train-overlay", action="store_true", help="also draw the 60k training codes (final epoch)")
    rd.add_argument("--decoder-map", nargs="?", const="camera", choices=("camera", "xy", "xz", "yz"),
                    metavar="PLANE", help="draw the decoder map: a grid of images decoded on a plane through the "
                    "focal point (or a view's probe), facing the camera (default) or on the xy, xz or yz axes")
    rd.add_argument("--map-grid", type=_map_grid, metavar="G", help="decoder-map tiles a side, 4 to 32 (default 12)")
    rd.add_argument("--fps", type=_positive_int, default=20, help="movie frames per second (default 20)")
    rd.add_argument("--time", choices=TIME_AXES, default=DEFAULT_TIME_AXIS,
                    help="movie time: evenly over snapshots (log, default) or over training steps (linear)")
    rd.add_argument("--frames-per-snapshot", type=_positive_int, default=4,
                    help="movie frames between neighbouring snapshots with --time log (default 4)")
    rd.add_argument("--frames-per-epoch", type=_positive_int, default=10,
                    help="movie frames per epoch with --time linear (default 10)")
    rd.add_argument("--steps-per-epoch", type=_positive_int, dest="frames_per_epoch", action=_Renamed,
                    help="deprecated name of --frames-per-epoch (it counts movie frames, not training steps)")
    rd.add_argument("--follow", action="store_true",
                    help="follow the snapshot, as the window's button: the camera keeps its direction and frames "
                         "each snapshot's own codes (a view file says this with its 'follow' key)")
    rd.add_argument("--fit-each-frame", action="store_true",
                    help="movie camera frames each frame's codes (default: all snapshots, so the cloud grows)")

    ex = sub.add_parser("export", help="write a run's codes to CSV or Parquet: one row per test image per snapshot")
    ex.add_argument("run", nargs="?", help="run name under checkpoints/ or a run folder (not with --view)")
    ex.add_argument("--out", required=True, help="the .csv or .parquet file to write (the suffix picks the format); "
                    "with --group: .csv rows or .npy int64 indices")
    ex.add_argument("--step", type=_non_negative_float, help="one training step only (between snapshots: interpolated)")
    ex.add_argument("--train-codes", action="store_true", help="the training-set codes (final step) instead")
    ex.add_argument("--raw", action="store_true", help="a recording: also its embedding's own columns e0..e{D-1} "
                    "(x, y, z are its 3-D projection)")
    ex.add_argument("--view", metavar="FILE", help="a saved view file holding named groups (with --group)")
    ex.add_argument("--group", metavar="NAME", help="only this group of the view: rows index, label, class, x, y, "
                    "z, bce at the stored snapshot nearest the view's position (or --step)")

    tb = sub.add_parser("import-tensorboard", help="import the embeddings a TensorBoard log holds (add_embedding at "
                        "several steps) as one run")
    tb.add_argument("logdir", help="the folder SummaryWriter wrote (it holds projector_config.pbtxt)")
    tb.add_argument("--out", required=True, help="run name under checkpoints/ or a folder path to create")
    tb.add_argument("--tag", help="the embedding tag to import (needed when the log holds several)")
    tb.add_argument("--steps-per-epoch", type=_positive_int, help="training steps in one epoch, to show epochs "
                    "(default: the whole log is one epoch)")
    tb.add_argument("--float16", action="store_true", help="store the embedding as float16 (half the size)")

    return parser


def _check_run_path(parser: argparse.ArgumentParser, command: str, run: str | None) -> None:
    """A RUN that does not exist or is a file is a usage error: the command's usage, one sentence, exit 2."""
    if not run:
        return
    from latent3d.runs import resolve_run_path

    path = resolve_run_path(run)
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[command]
    try:
        if path.is_dir():
            return
        problem = "is a file, not a run folder" if path.exists() else "does not exist"
    except OSError as exc:  # a name too long, a folder we may not enter
        problem = f"cannot be used ({exc.strerror or exc})"
    sub.error(f"run {path} {problem}")


# Each argument that names a file or folder, as a message names it, and what to give instead of nothing.
_PATH_ARGUMENTS = {"run": ("RUN", "a run name or folder"), "compare": ("--compare", "a second run's name or folder"),
                   "view": ("--view", "a view file"), "image": ("IMAGE", "a PNG or JPEG file"),
                   "data_dir": ("--data-dir", "a folder holding the dataset"), "out": ("--out", "a file name"),
                   "movie": ("--movie", "a file name ending in .mp4 or .gif")}


def _empty_path(args: argparse.Namespace) -> str | None:
    """The sentence for the first path argument given as ``''``; it used to mean ``.`` or to be ignored."""
    for dest, (shown, wanted) in _PATH_ARGUMENTS.items():
        if getattr(args, dest, None) == "":
            if dest == "out":
                wanted = {"render": "a file name ending in .png", "train": "a run name or folder",
                          "export": "a file name ending in .csv or .parquet"}.get(args.command, wanted)
            return f"{shown} is empty; give {wanted}."
    return None


def _given_options(argv: list[str], command: str) -> set[str]:
    """The destinations of ``command``'s options given in ``argv``: parsed again with every default suppressed."""
    probe = build_parser()
    sub = next(a for a in probe._actions if isinstance(a, argparse._SubParsersAction)).choices[command]
    for action in sub._actions:
        action.default = argparse.SUPPRESS
    with contextlib.redirect_stderr(io.StringIO()):  # the first parse printed any warning already
        return set(vars(probe.parse_args(argv))) - {"command"}


def _with_command(argv: list[str]) -> list[str]:
    """``run.py RUN`` means ``run.py view RUN`` when RUN is a run folder or a path (the README's ``[view] [RUN]``)."""
    if not argv or argv[0].startswith("-") or argv[0] in COMMANDS:
        return argv
    from latent3d.runs import resolve_run_path

    first = argv[0]
    try:
        is_run = "/" in first or resolve_run_path(first).is_dir()
    except OSError:
        is_run = False
    return ["view", *argv] if is_run else argv  # an unknown word stays an "invalid choice"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``run.py`` and the ``latent3d`` console script; returns the exit code."""
    parser = build_parser()
    argv = _with_command(list(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(argv)
    command = args.command or "view"
    if command == "render":  # which options were typed, so one that does not apply is refused, not ignored
        args.given = _given_options(argv, command)
    from latent3d.util.output import quiet_matplotlib

    empty = _empty_path(args)
    if empty is not None:
        print(f"latent3d: error: {empty}", file=sys.stderr)
        return EXIT_USAGE
    if command in ("render", "view"):  # pyvista imports matplotlib: no cache warning when HOME is read-only
        quiet_matplotlib()
    _check_run_path(parser, command, getattr(args, "run", None))
    _check_run_path(parser, command, getattr(args, "compare", None))
    from latent3d.data.datasets import DataError
    from latent3d.runs import RunError
    from latent3d.util.interrupt import StopOnSignals, exit_status, interrupted_line

    stop = None
    try:
        if command != "view":  # the window handles its own signals; the others stop on INT, TERM and HUP
            stop = StopOnSignals().start()
        from latent3d.job.preflight import check_data_dir

        if getattr(args, "data_dir", None):
            check_data_dir(args.data_dir)
        elif command == "train" and os.environ.get("LATENT3D_DATA_DIR"):  # the same checks, before any download
            from latent3d.data.datasets import raw_dir

            raw_dir(Path(os.environ["LATENT3D_DATA_DIR"]).expanduser())  # a name too long: a DataError sentence
            check_data_dir(os.environ["LATENT3D_DATA_DIR"], "$LATENT3D_DATA_DIR")
        if command == "train":
            from latent3d.cli.commands import cmd_train

            return cmd_train(args)
        if command == "info":
            from latent3d.cli.commands import cmd_info

            return cmd_info(args)
        if command == "export":
            if args.view or args.group:
                from latent3d.cli.group_export import cmd_export_group

                return cmd_export_group(args)
            if not args.run:
                raise ValueError("Name a RUN to export, or give --view FILE --group NAME.")
            from latent3d.cli.commands import cmd_export

            return cmd_export(args)
        if command == "encode":
            from latent3d.cli.encode import cmd_encode

            return cmd_encode(args)
        if command == "render":
            from latent3d.cli.render import cmd_render

            return cmd_render(args)
        if command == "import-tensorboard":
            from latent3d.cli.tensorboard import cmd_import_tensorboard

            return cmd_import_tensorboard(args)
        return _view(getattr(args, "run", None), getattr(args, "data_dir", None), getattr(args, "view", None),
                     getattr(args, "tag", None))
    except (RunError, DataError, ValueError) as exc:
        print(f"latent3d: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # output piped into `head` and friends
        return 0
    except KeyboardInterrupt as exc:  # Ctrl+C, or SIGTERM/SIGHUP through StopOnSignals: 130, 143, 129
        with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
            print(f"latent3d: {interrupted_line(exc)}", file=sys.stderr)
        return exit_status(exc)
    finally:
        if stop is not None:
            stop.stop()


def _view(run: str | None, data_dir: str | None, view_file: str | None = None, tag: str | None = None) -> int:
    from latent3d.runs import resolve_run_path

    path = resolve_run_path(run) if run else None
    if path is not None:
        from latent3d.cli.tensorboard import resolve_log

        path = resolve_log(path, tag)  # a TensorBoard log: its cached import
    elif tag is not None:
        raise ValueError("--tag picks an embedding of a TensorBoard log; give the log folder too.")
    view = compare = None
    if view_file is not None:  # checked before any window opens: a bad file is one sentence and exit 2
        from latent3d.state.view import check_spec, load_view, load_view_compare, load_view_run

        if run:
            raise ValueError("Give either a RUN or --view FILE (the view file names its run), not both.")
        view = load_view(Path(view_file))
        view_run = load_view_run(view, Path(view_file))
        check_spec(view, view_run, Path(view_file))
        compare = load_view_compare(view, Path(view_file), view_run)
        path = view_run.path
    from latent3d.util.display import display_problem

    problem = display_problem()  # before Qt is loaded: Qt aborts the process when its display is gone
    if problem is not None:
        print(f"latent3d: error: no display to open the viewer on ({problem}); run it on a desktop, under "
              "`xvfb-run`, or use `latent3d info` / `latent3d render` here.", file=sys.stderr)
        return EXIT_USAGE
    from latent3d.qt.app import run_viewer

    return run_viewer(path, Path(data_dir) if data_dir else None, view=view, compare=compare)


if __name__ == "__main__":
    raise SystemExit(main())
