"""The test images a window shows beside their reconstructions, or the sentence that says why they are missing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from latent3d.data.catalog import DATASETS, DEFAULT_DATASET
from latent3d.data.datasets import DataError, load_split, resolve_data_dir

__all__ = ["DatasetImages", "load_test_images"]


@dataclass
class DatasetImages:
    """The 28x28 uint8 test images (``pixels``) of ``dataset``, or None with ``missing`` saying why.

    One object lives as long as the window; :meth:`show_run` switches it to the images of the run shown
    (an MNIST run shows MNIST originals, a recording the images it recorded), so the views holding it
    never need another.
    """

    pixels: np.ndarray | None
    missing: str = ""
    dataset: str = DEFAULT_DATASET
    data_dir: Path | None = None
    _dataset_held: tuple[np.ndarray | None, str, str] | None = field(default=None, repr=False)

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

    def show_run(self, run: Any) -> None:
        """Hold the images of ``run`` (None: unchanged): a recording's own (``run.images``, or None with the run's
        sentence why), never a dataset's by its key; any other run's dataset's test images.

        The dataset's images are kept aside while a recording is shown, so going back costs no reading.
        """
        if run is None:
            return
        if getattr(run, "kind", "autoencoder") != "recording":
            if self._dataset_held is not None:
                (self.pixels, self.missing, self.dataset), self._dataset_held = self._dataset_held, None
            self.select(run.dataset_key)
            return
        if self._dataset_held is None:
            self._dataset_held = (self.pixels, self.missing, self.dataset)
        self.pixels = run.images
        self.missing = run.why_not("images") or ""


def load_test_images(data_dir: Path | None, dataset: str = DEFAULT_DATASET) -> DatasetImages:
    """The test images of ``dataset`` from ``data_dir`` (None: the usual resolution); never raises for missing data."""
    title = DATASETS[dataset].title
    try:
        images, _labels = load_split(resolve_data_dir(data_dir), "test", dataset)
    except DataError as exc:
        return DatasetImages(None, f"{title} test images not found: {exc}", dataset, data_dir)
    return DatasetImages(images, "", dataset, data_dir)
