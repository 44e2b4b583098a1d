"""``run.py encode RUN IMAGE``: where the network puts your own image, at every snapshot that keeps an encoder."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from latent3d.analysis.encoder import encode_at_snapshots, nearest_images
from latent3d.data.datasets import CLASS_NAMES
from latent3d.data.image_file import read_image_file
from latent3d.runs import Run, load_run, resolve_run_path
from latent3d.util.output import say

__all__ = ["cmd_encode", "encode_report"]

NEAREST = 5


def encode_report(run: Run, pixels: Any, k: int = NEAREST) -> list[dict[str, Any]]:
    """The image's code at each snapshot with an encoder, and its ``k`` nearest test images at the last one.

    Parameters
    ----------
    run : Run
    pixels : ndarray, shape (28, 28) or (784,)
        Grey levels in [0, 1].
    k : int

    Returns
    -------
    list of dict
        ``{"step", "epoch", "code"}`` per encoded snapshot, oldest first; the last one also has
        ``"nearest"``: ``{"index", "label", "class", "distance"}`` of the nearest test images there.
    """
    own = encode_at_snapshots(run, pixels)
    out: list[dict[str, Any]] = []
    for i, code in zip(own.snapshots.tolist(), own.codes):
        step = int(run.steps[i])
        out.append({"step": step, "epoch": round(step / run.steps_per_epoch, 6),
                    "code": [round(float(v), 6) for v in code]})
    if out:
        idx, dist = nearest_images(run.codes[int(own.snapshots[-1])], own.codes[-1], k)
        out[-1]["nearest"] = [{"index": int(j), "label": int(run.labels[j]), "class": CLASS_NAMES[int(run.labels[j])],
                               "distance": round(float(d), 6)} for j, d in zip(idx, dist)]
    return out


def cmd_encode(args: argparse.Namespace) -> int:
    """Print the report of :func:`encode_report` as text or (``--json``) one JSON list; returns the exit code."""
    run = load_run(resolve_run_path(args.run))
    pixels = read_image_file(Path(args.image), invert=args.invert).astype("float32") / 255.0
    report = encode_report(run, pixels)
    if not report:
        raise ValueError(f"Run {run.name} keeps no encoder, so an image cannot be placed in it; "
                         "train with --keep-encoder all, final or every:K.")
    if args.json:
        say(json.dumps(report))
        return 0
    kept = "every snapshot" if len(report) == run.n_snapshots else f"{len(report)} of {run.n_snapshots} snapshots"
    lines = [f"{Path(args.image).name} in {run.name} (encoder kept at {kept}):"]
    for row in report:
        x, y, z = row["code"]
        lines.append(f"  step {row['step']:>8}  epoch {row['epoch']:8.3f}  code ({x:9.4f}, {y:9.4f}, {z:9.4f})")
    lines.append(f"nearest test images at step {report[-1]['step']}:")
    lines += [f"  #{n['index']:<6} {n['class']:<12} distance {n['distance']:.4f}" for n in report[-1]["nearest"]]
    say("\n".join(lines))
    return 0
