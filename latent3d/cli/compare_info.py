"""``info RUN --compare RUN2``: how alike two trainings are at every position they share, as a table or JSON."""

from __future__ import annotations

import argparse
import json
from typing import Any

from latent3d.analysis.compare import AGREEMENT_K
from latent3d.runs import Run, load_run, resolve_run_path
from latent3d.state.viewer_model import ViewerModel
from latent3d.util.output import say

__all__ = ["cmd_compare_info", "compare_summary"]


def compare_summary(run: Run, other: Run) -> dict[str, Any]:
    """The JSON object ``info RUN --compare RUN2 --json`` prints.

    Parameters
    ----------
    run, other : Run
        The first run and the one compared with it.

    Returns
    -------
    dict
        ``run``, ``compare``, ``shared_images``, ``k`` and ``positions``: one object per position both
        runs have a snapshot at (matched by epoch) with ``step`` (the first run's), ``epoch``,
        ``residual`` (relative Procrustes residual of the second run aligned onto the first; 0 =
        identical up to rotation/reflection, scale and shift) and ``neighbour_agreement`` (mean
        fraction of each image's k nearest neighbours shared by both, 0-1).

    Raises
    ------
    ValueError
        One sentence when the runs share fewer than 100 test images.
    """
    model = ViewerModel()
    model.set_run(run)
    model.compare.other = other
    comparison = model.compare.comparison
    assert comparison is not None
    return {"run": run.name, "compare": other.name, "shared_images": comparison.n, "k": AGREEMENT_K,
            "positions": comparison.report(run.codes, run.steps)}


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def cmd_compare_info(args: argparse.Namespace) -> int:
    """Print the comparison of ``args.run`` with ``args.compare``; returns the exit code."""
    run = load_run(resolve_run_path(args.run))
    other = load_run(resolve_run_path(args.compare))
    s = compare_summary(run, other)
    if args.json:
        say(json.dumps(s, indent=2))
        return 0
    lines = [f"Run        {s['run']}", f"Compared   {s['compare']} over {s['shared_images']:,} shared test images",
             "", f"    step     epoch  residual  neighbours shared (k={s['k']})"]
    lines += [f"{p['step']:8d}  {p['epoch']:8.3f}  {100 * p['residual']:7.1f} %  {p['neighbour_agreement']:.3f}"
              for p in s["positions"]]
    say("\n".join(_printable(line) for line in lines))
    return 0
