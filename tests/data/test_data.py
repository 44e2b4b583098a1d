"""Fashion-MNIST is found, read without torch, and a failed download gives one clear sentence."""

from pathlib import Path

import numpy as np
import pytest

from latent3d.data import datasets as data
from latent3d.training.download import download


def test_resolve_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(data.DATA_DIR_ENV, str(tmp_path / "env"))
    assert data.resolve_data_dir(str(tmp_path / "cli")) == tmp_path / "cli"
    assert data.resolve_data_dir(None) == tmp_path / "env"
    monkeypatch.delenv(data.DATA_DIR_ENV)
    assert "latent3d" in str(data.resolve_data_dir(None))


def test_loads_test_split_from_env_dir(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(data.DATA_DIR_ENV, str(data_dir))
    images, labels = data.load_split(data.resolve_data_dir(None), "test")
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10000,)
    assert np.bincount(labels).tolist() == [1000] * 10
    assert images.max() == 255


def test_class_names() -> None:
    assert data.CLASS_NAMES[0] == "T-shirt/top" and data.CLASS_NAMES[9] == "Ankle boot"
    assert len(data.CLASS_NAMES) == 10


# Missing, truncated and foreign IDX files: tests/data/test_broken_data.py.


def test_download_offline_gives_one_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from torchvision.datasets import mnist

    def offline(*args: object, **kwargs: object) -> None:
        raise OSError("Temporary failure in name resolution")

    monkeypatch.setattr(mnist, "download_and_extract_archive", offline)
    monkeypatch.setattr(mnist.FashionMNIST, "mirrors", ["http://127.0.0.1:9/"])
    with pytest.raises(data.DataError, match=r"Could not download Fashion-MNIST into .*raw"):
        download(tmp_path)
