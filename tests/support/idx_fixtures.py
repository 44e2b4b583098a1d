"""Dataset folders in torchvision's layout for tests: real IDX headers and sizes, written sparsely."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from latent3d.data import datasets as data
from latent3d.data.catalog import dataset_info

SHOWN = 256  # images with pixels; the rest of each file is a sparse run of zeros (a real, full-size IDX file)


def write_idx_split(raw: Path, split: str, seed: int) -> None:
    """The two IDX files of ``split`` with real headers and sizes, written sparsely (fast, little disk)."""
    n = data.SPLIT_SIZES[split]
    images, labels = data.FILES[split]
    rng = np.random.default_rng(seed)
    with open(raw / images, "wb") as f:
        f.write((0x803).to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in (n, 28, 28)))
        f.write(rng.integers(0, 256, (SHOWN, 28, 28), dtype=np.uint8).tobytes())
        f.truncate(16 + n * 28 * 28)
    (raw / labels).write_bytes((0x801).to_bytes(4, "big") + n.to_bytes(4, "big")
                               + (np.arange(n) % 10).astype(np.uint8).tobytes())


def dataset_root(root: Path, key: str) -> Path:
    raw = root / dataset_info(key).folder / "raw"
    raw.mkdir(parents=True)
    for i, split in enumerate(("train", "test")):
        write_idx_split(raw, split, i)
    return root
