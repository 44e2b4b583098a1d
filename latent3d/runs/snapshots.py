"""The snapshot keys of ``run.json``: format 2's checked as untrusted input, format 1's derived from its epochs.

Format 2 stores ``steps_per_epoch``, ``test_images`` and ``snapshots`` (one ``{"step", "epoch",
"test_loss"}`` object per snapshot). A format-1 run kept the epoch ends only: its snapshots
are steps ``e * steps_per_epoch`` with ``steps_per_epoch = ceil(train_images / batch_size)``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from latent3d.config.schedule import MAX_SNAPSHOTS
from latent3d.config.train import FULL_TRAIN_IMAGES
from latent3d.runs.validation import RunError, short_repr

__all__ = ["FULL_TEST_IMAGES", "MAX_STEPS", "check_snapshot_meta", "meta_steps", "meta_steps_per_epoch",
           "meta_test_images"]

MAX_STEPS = 50_000_000  # step_loss.npy at float32 is then 200 MB; 20 default epochs are 18,760 steps
FULL_TEST_IMAGES = 10_000  # Fashion-MNIST's test split
MAX_IMAGES = 10**9


def _is_int(v: object, low: int, high: int) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and low <= v <= high


def _object(meta: dict[str, Any], key: str) -> dict[str, Any]:
    value = meta.get(key)
    return value if isinstance(value, dict) else {}


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def check_snapshot_meta(p: Path, meta: dict[str, Any]) -> None:
    """Check the format-2 keys of ``run.json`` at ``p`` (``epochs`` already checked); raise RunError otherwise.

    Steps must be whole numbers, strictly increasing from 0 to ``epochs * steps_per_epoch``,
    include every epoch end, and each ``epoch`` must be ``step / steps_per_epoch``.
    """
    epochs = meta["epochs"]
    if not _is_int(meta.get("steps_per_epoch"), 1, MAX_STEPS):
        raise RunError(f"{p}: 'steps_per_epoch' must be a whole number from 1 to {MAX_STEPS:,}, "
                       f"not {short_repr(meta.get('steps_per_epoch'))}.")
    spe: int = meta["steps_per_epoch"]
    total = epochs * spe
    if total > MAX_STEPS:
        raise RunError(f"{p}: {epochs} epochs of {spe} steps are {total:,} steps, more than the {MAX_STEPS:,} "
                       "latent3d reads.")
    if not _is_int(meta.get("test_images"), 1, MAX_IMAGES):
        raise RunError(f"{p}: 'test_images' must be a whole number of at least 1, "
                       f"not {short_repr(meta.get('test_images'))}.")
    snaps = meta.get("snapshots")
    if not isinstance(snaps, list) or not 1 <= len(snaps) <= MAX_SNAPSHOTS:
        raise RunError(f"{p}: 'snapshots' must be a list of 1 to {MAX_SNAPSHOTS:,} objects.")
    for i, s in enumerate(snaps):
        if (not isinstance(s, dict) or set(s) != {"step", "epoch", "test_loss"} or not _is_int(s["step"], 0, total)
                or not _is_number(s["epoch"]) or not _is_number(s["test_loss"])):
            raise RunError(f"{p}: snapshot {i} must be an object of a whole 'step' from 0 to {total:,}, "
                           "a finite 'epoch' and a finite 'test_loss'.")
        if not math.isclose(s["epoch"], s["step"] / spe, rel_tol=1e-9, abs_tol=1e-12):
            raise RunError(f"{p}: snapshot {i} has epoch {short_repr(s['epoch'])}, but step {s['step']} "
                           f"of {spe} per epoch is epoch {s['step'] / spe:g}.")
    steps = np.array([s["step"] for s in snaps], dtype=np.int64)
    if steps[0] != 0 or steps[-1] != total or (len(steps) > 1 and not (np.diff(steps) > 0).all()):
        raise RunError(f"{p}: snapshot steps must increase strictly from 0 to {total:,} "
                       f"({epochs} epochs of {spe} steps).")
    ends = np.arange(epochs + 1, dtype=np.int64) * spe
    missing = ends[~np.isin(ends, steps)]
    if len(missing):
        raise RunError(f"{p}: the snapshots lack the end of epoch {int(missing[0]) // spe} (step {int(missing[0])}).")


def meta_steps_per_epoch(meta: dict[str, Any]) -> int:
    """Steps per epoch: stored by format 2; for format 1 ``ceil(train_images / batch_size)`` from its config."""
    if meta.get("format_version") == 2:
        return int(meta["steps_per_epoch"])
    config, dataset = _object(meta, "config"), _object(meta, "dataset")
    batch: int = config["batch_size"] if _is_int(config.get("batch_size"), 1, MAX_IMAGES) else 1
    limit = config["max_train_images"] if _is_int(config.get("max_train_images"), 1, MAX_IMAGES) else None
    images: int = (dataset["train_images"] if _is_int(dataset.get("train_images"), 1, MAX_IMAGES)
                   else min(limit or FULL_TRAIN_IMAGES, FULL_TRAIN_IMAGES))
    return -(-images // batch)


def meta_steps(meta: dict[str, Any]) -> np.ndarray:
    """The snapshot steps (int64): format 2's ``snapshots``; for format 1 the epoch ends."""
    if meta.get("format_version") == 2:
        return np.array([s["step"] for s in meta["snapshots"]], dtype=np.int64)
    return np.arange(meta["epochs"] + 1, dtype=np.int64) * meta_steps_per_epoch(meta)


def meta_test_images(meta: dict[str, Any]) -> int:
    """Test images of the run: stored by format 2; for format 1 from its dataset record or config."""
    if meta.get("format_version") == 2:
        return int(meta["test_images"])
    dataset, config = _object(meta, "dataset"), _object(meta, "config")
    if _is_int(dataset.get("test_images"), 1, MAX_IMAGES):
        return int(dataset["test_images"])
    limit = config.get("max_test_images") if _is_int(config.get("max_test_images"), 1, MAX_IMAGES) else None
    return min(limit or FULL_TEST_IMAGES, FULL_TEST_IMAGES)
