"""The datasets latent3d trains on (Fashion-MNIST, MNIST, KMNIST): names, torchvision folders, class names.

All three are 28x28 grey images in ten classes with the same four IDX file names, so everything
but the names, the folder under the data directory and the torchvision class is shared.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

__all__ = ["DATASETS", "DEFAULT_DATASET", "MAX_CLASS_NAME", "DatasetInfo", "class_name_problem", "dataset_info"]

MAX_CLASS_NAME = 40  # characters: a legend row, a caption, a CSV cell


@dataclass(frozen=True)
class DatasetInfo:
    """One dataset of torchvision's MNIST family.

    Attributes
    ----------
    key : str
        What ``train --dataset`` and ``latent3d.train(dataset=...)`` take (``"mnist"``).
    title : str
        How it is named to people and in ``run.json`` (``"MNIST"``).
    folder : str
        Its folder under the data directory, as torchvision lays it out (``MNIST``: ``MNIST/raw``).
    torchvision_class : str
        The ``torchvision.datasets`` class that downloads it.
    class_names : tuple of str
        The ten class names, in label order.
    """

    key: str
    title: str
    folder: str
    torchvision_class: str
    class_names: tuple[str, ...]


DATASETS: dict[str, DatasetInfo] = {d.key: d for d in (
    DatasetInfo("fashion-mnist", "Fashion-MNIST", "FashionMNIST", "FashionMNIST",
                ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                 "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")),
    DatasetInfo("mnist", "MNIST", "MNIST", "MNIST",
                ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")),
    # Kuzushiji-MNIST: ten cursive hiragana, named by their romanisation as torchvision does.
    DatasetInfo("kmnist", "KMNIST", "KMNIST", "KMNIST", ("o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo")),
)}
DEFAULT_DATASET = "fashion-mnist"


def dataset_info(key: str) -> DatasetInfo:
    """The dataset named ``key`` (``fashion-mnist``, ``mnist`` or ``kmnist``).

    Raises
    ------
    ValueError
        One sentence listing the known names.
    """
    if not isinstance(key, str) or key not in DATASETS:
        shown = repr(key) if len(repr(key)) <= 40 else repr(key)[:37] + "..."
        raise ValueError(f"Unknown dataset {shown}; choose one of {', '.join(DATASETS)}.")
    return DATASETS[key]


def class_name_problem(name: object) -> str:
    """Why ``name`` cannot be a class name shown in the window and written to a CSV (empty when it can).

    A name is untrusted text from a stranger's ``run.json``: a string of 1 to 40 characters, not
    blank, without control, format (bidirectional overrides) or line-separator characters.
    """
    if not isinstance(name, str):
        return f"is a {type(name).__name__}, not a string"
    if not name.strip():
        return "is blank"
    if len(name) > MAX_CLASS_NAME:
        return f"is {len(name):,} characters long (at most {MAX_CLASS_NAME})"
    bad = next((c for c in name if unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp")), None)
    if bad is not None:
        return f"holds the control character U+{ord(bad):04X}"
    return ""
