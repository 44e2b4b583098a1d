"""Checks of the descriptive keys of an untrusted ``run.json`` that loading relies on: weights dtype, image counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from latent3d.config.train import MAX_IMAGES
from latent3d.data.catalog import class_name_problem
from latent3d.runs.validation import RunError, short_repr

__all__ = ["MAX_IMAGES", "WEIGHT_DTYPES", "check_descriptive", "check_name_items", "dataset_class_names"]

WEIGHT_DTYPES = ("float32", "float16")  # what RunWriter stores; every tensor must be of the declared one


def _is_count(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_IMAGES


def check_descriptive(p: Path, meta: dict[str, Any]) -> None:
    """Check ``weights.dtype`` (float32 or float16), the dataset's image counts, name and class names (RunError)."""
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
    _check_names(p, dataset)


def _check_names(p: Path, dataset: dict[str, Any]) -> None:
    """The dataset name and class names are shown in the window and written to CSVs: untrusted text."""
    names = dataset_class_names(p, dataset)
    if names is None:
        return
    if not isinstance(names, list) or len(names) != 10:
        count = f"{len(names):,} items" if isinstance(names, list) else f"a {type(names).__name__}"
        raise RunError(f"{p}: 'dataset.class_names' must be a list of 10 names (labels are 0-9), not {count}.")
    check_name_items(p, names, "the ten names must differ")


def dataset_class_names(p: Path, dataset: dict[str, Any]) -> Any:
    """``dataset.class_names`` as found (None when absent), once ``dataset.name`` is checked as a short line of text."""
    name = dataset.get("name")
    if name is not None and class_name_problem(name):
        raise RunError(f"{p}: 'dataset.name' {class_name_problem(name)}; it must be a short line of text.")
    return dataset.get("class_names")


def check_name_items(p: Path, names: list[Any], differ: str) -> None:
    """Each of ``names`` is a short line of text and no two are the same (``differ`` ends the sentence)."""
    for i, cls in enumerate(names):
        problem = class_name_problem(cls)
        if problem:
            raise RunError(f"{p}: 'dataset.class_names' item {i} {problem}; class names must be short lines of text.")
    if len(set(names)) != len(names):
        raise RunError(f"{p}: 'dataset.class_names' names a class twice; {differ}.")
