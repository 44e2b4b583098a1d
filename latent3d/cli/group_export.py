"""``run.py export --view VIEW --group NAME --out g.csv|g.npy``: a view file's named group at its position."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from latent3d.runs.group_export import write_group_csv, write_group_npy
from latent3d.state.timeline import Timebase
from latent3d.state.view import check_spec, load_view, load_view_run
from latent3d.util.fileio import check_suffix, check_target
from latent3d.util.output import say

__all__ = ["GROUP_SUFFIXES", "cmd_export_group"]

GROUP_SUFFIXES = (".csv", ".npy")


def cmd_export_group(args: argparse.Namespace) -> int:
    """Write the group ``--group`` of view file ``--view`` to ``--out``; returns the exit code.

    The rows are at the stored snapshot nearest the view's position (or ``--step``): the codes
    and BCE a run stores. Mistakes are one ValueError sentence (exit 2 from ``main``).
    """
    if not args.view or not args.group:
        raise ValueError("Give --view FILE and --group NAME together to export a group.")
    if getattr(args, "run", None):
        raise ValueError("Give either a RUN or --view FILE (the view file names its run), not both.")
    if getattr(args, "train_codes", False):
        raise ValueError("A group holds test images; leave out --train-codes with --group.")
    out = Path(args.out)
    check_suffix(out, GROUP_SUFFIXES, f"Group file {out.name} must end in .csv (rows) or .npy (indices).",
                 what="Group file")
    check_target(out, what="Group file")
    view_path = Path(args.view)
    spec = load_view(view_path)
    run = load_view_run(spec, view_path)
    check_spec(spec, run, view_path)
    groups = spec.grouping.groups
    if args.group not in groups:
        names = ", ".join(repr(k) for k in list(groups)[:5]) or "none"
        raise ValueError(f"View file {view_path} has no group named {args.group!r} (its groups: {names}).")
    indices = np.asarray(groups[args.group], np.int64)
    if out.suffix.lower() == ".npy":
        n = write_group_npy(out, indices)
        say(f"wrote {out} ({n} indices of group {args.group!r})")
        return 0
    time = Timebase(np.asarray(run.steps), int(run.steps_per_epoch))
    step = float(args.step) if getattr(args, "step", None) is not None else float(spec.timeline_step(
        time.steps_per_epoch))
    if not 0 <= step <= time.last_step:
        raise ValueError(f"Step {step:g} is outside 0-{time.last_step} of run {run.name}.")
    snapshot = time.nearest(time.at_step(step))
    n = write_group_csv(out, run, indices, snapshot)
    say(f"wrote {out} ({n} rows of group {args.group!r} at snapshot {snapshot}, step {int(run.steps[snapshot])})")
    return 0
