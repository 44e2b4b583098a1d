"""Fashion-MNIST as tensors for the examples (torchvision reads the IDX files; nothing is downloaded)."""

from __future__ import annotations

import os
from pathlib import Path

from torchvision.datasets import FashionMNIST


def data_dir(given: str | None) -> Path:
    """``--data-dir``, else ``$LATENT3D_DATA_DIR``, else ``./data``: the folder holding ``FashionMNIST/raw``."""
    return Path(given or os.environ.get("LATENT3D_DATA_DIR") or "data").expanduser()


def load(root: Path, *, train_images: int | None, probe_images: int) -> dict[str, object]:
    """Training images ``[M, 1, 28, 28]`` in [0, 1] with labels, and the first test images as the probe."""
    train = FashionMNIST(str(root), train=True, download=False)
    test = FashionMNIST(str(root), train=False, download=False)
    x = train.data[:train_images].float().div(255).unsqueeze(1)
    probe = test.data[:probe_images]
    return {"x": x, "y": train.targets[:train_images], "probe": probe.float().div(255).unsqueeze(1),
            "probe_labels": test.targets[:probe_images], "probe_images": probe, "class_names": list(test.classes)}
