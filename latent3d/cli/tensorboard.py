"""``import-tensorboard LOGDIR --out RUN`` and ``view LOGDIR``: a TensorBoard embedding log as a run."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from latent3d.runs import resolve_run_path
from latent3d.runs.tensorboard import cached_import, import_tensorboard, is_tensorboard_log
from latent3d.util.output import say

__all__ = ["TB_CACHE_ENV", "cmd_import_tensorboard", "log_cache_dir", "resolve_log"]

TB_CACHE_ENV = "LATENT3D_CACHE_DIR"


def log_cache_dir() -> Path:
    """Where ``view LOGDIR`` keeps its imports: ``$LATENT3D_CACHE_DIR/tensorboard``, else the per-user cache."""
    import os

    env = os.environ.get(TB_CACHE_ENV)
    if env:
        return Path(env).expanduser() / "tensorboard"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("latent3d")) / "tensorboard"


def resolve_log(path: Path, tag: str | None) -> Path:
    """``path`` itself when it is a run folder; a TensorBoard log's cached import (made now if needed) otherwise.

    Raises
    ------
    ValueError
        ``tag`` given for a run folder.
    latent3d.runs.RunError
        The log cannot be imported (one sentence; nothing is written).
    """
    if not is_tensorboard_log(path):
        if tag is not None:
            raise ValueError(f"--tag picks an embedding of a TensorBoard log, and {path} is no log folder "
                             "(it holds no projector_config.pbtxt).")
        return path
    target = cached_import(path, log_cache_dir(), tag)
    print(f"latent3d: showing TensorBoard log {path} (imported into {target})", file=sys.stderr)
    return target


def cmd_import_tensorboard(args: argparse.Namespace) -> int:
    """Import one tag of a TensorBoard log as a run folder; returns the exit code."""
    from latent3d.runs import load_run

    target = resolve_run_path(args.out)
    path = import_tensorboard(Path(args.logdir), target, tag=args.tag, steps_per_epoch=args.steps_per_epoch,
                              float16=args.float16)
    run = load_run(path)
    shown = run.projection.describe() if run.projection is not None else "3-D"
    say(f"Imported {run.n_snapshots} steps of {run.codes.shape[1]:,} points ({shown}) into {path}")
    return 0
