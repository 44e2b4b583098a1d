"""The test images a window shows beside their reconstructions, or the sentence that says why they are missing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from latent3d.data.catalog import DATASETS, DEFAULT_DATASET
from latent3d.data.datasets import DataError, load_split, resolve_data_dir

__all__ = ["DatasetImages", "load_test_images"]


@dataclass
class DatasetImages:
    """The 28x28 uint8 test images (``pixels``) of ``dataset``, or None with ``missing`` saying why.

    One object lives as long as the window; :meth:`select` switches it to the dataset of the run shown
    (an MNIST run shows MNIST originals), so the views holding it never need another.
    """

    pixels: np.ndarray | None
    missing: str = ""
    dataset: str = DEFAULT_DATASET
    data_dir: Path | None = None

    def get(self, index: int) -> np.ndarray | None:
        """Test image ``index``, or None when the dataset is not on disk or holds fewer images."""
        if self.pixels is None or not 0 <= index < len(self.pixels):
            return None
        return self.pixels[index]

    def select(self, dataset: str) -> None:
        """Hold the test images of ``dataset`` (a :data:`~latent3d.data.catalog.DATASETS` key) from now on."""
        if dataset != self.dataset and dataset in DATASETS:
            other = load_test_images(self.data_dir, dataset)
            self.pixels, self.missing, self.dataset = other.pixels, other.missing, dataset


def load_test_images(data_dir: Path | None, dataset: str = DEFAULT_DATASET) -> DatasetImages:
    """The test images of ``dataset`` from ``data_dir`` (None: the usual resolution); never raises for missing data."""
    title = DATASETS[dataset].title
    try:
        images, _labels = load_split(resolve_data_dir(data_dir), "test", dataset)
    except DataError as exc:
        return DatasetImages(None, f"{title} test images not found: {exc}", dataset, data_dir)
    return DatasetImages(images, "", dataset, data_dir)
