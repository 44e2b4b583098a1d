"""Checks of the descriptive keys of an untrusted ``run.json`` that loading relies on: weights dtype, image counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from latent3d.config.train import MAX_IMAGES
from latent3d.runs.validation import RunError, short_repr

__all__ = ["MAX_IMAGES", "WEIGHT_DTYPES", "check_descriptive"]

WEIGHT_DTYPES = ("float32", "float16")  # what RunWriter stores; every tensor must be of the declared one


def _is_count(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_IMAGES


def check_descriptive(p: Path, meta: dict[str, Any]) -> None:
    """Check ``weights.dtype`` (float32 or float16) and the dataset's image counts; raise RunError otherwise."""
    weights = meta.get("weights")
    dtype = weights.get("dtype") if isinstance(weights, dict) else None
    if not isinstance(dtype, str) or dtype not in WEIGHT_DTYPES:
        raise RunError(f"{p}: 'weights.dtype' must be \"float32\" or \"float16\", not {short_repr(dtype)}.")
    dataset = meta.get("dataset")
    if dataset is None:
        return
    if not isinstance(dataset, dict):
        raise RunError(f"{p}: 'dataset' must be a JSON object or null.")
    for key in ("train_images", "test_images"):
        if dataset.get(key) is not None and not _is_count(dataset[key]):
            raise RunError(f"{p}: 'dataset.{key}' must be a whole number from 0 to {MAX_IMAGES:,} or null, "
                           f"not {short_repr(dataset[key])}.")
