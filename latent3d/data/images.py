"""The test images a window shows beside their reconstructions, or the sentence that says why they are missing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from latent3d.data.datasets import DataError, load_split, resolve_data_dir

__all__ = ["DatasetImages", "load_test_images"]


@dataclass(frozen=True)
class DatasetImages:
    """The 28x28 uint8 test images (``pixels``), or None with ``missing`` saying why."""

    pixels: np.ndarray | None
    missing: str = ""

    def get(self, index: int) -> np.ndarray | None:
        """Test image ``index``, or None when the dataset is not on disk or holds fewer images."""
        if self.pixels is None or not 0 <= index < len(self.pixels):
            return None
        return self.pixels[index]


def load_test_images(data_dir: Path | None) -> DatasetImages:
    """The Fashion-MNIST test images from ``data_dir`` (None: the usual resolution); never raises for missing data."""
    try:
        images, _labels = load_split(resolve_data_dir(data_dir), "test")
    except DataError as exc:
        return DatasetImages(None, f"Fashion-MNIST test images not found: {exc}")
    return DatasetImages(images)
