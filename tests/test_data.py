"""Fashion-MNIST is found, read without torch, and broken folders give one clear sentence."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from latent3d import data


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


def _copy_raw(src: Path, dst: Path) -> Path:
    raw = dst / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    for name in data.FILES["test"]:
        shutil.copy(src / "FashionMNIST" / "raw" / name, raw / name)
    return raw


def test_missing_files_message_names_folder(tmp_path: Path) -> None:
    with pytest.raises(data.DataError, match=r"missing .*t10k-images-idx3-ubyte.*--data-dir"):
        data.load_split(tmp_path, "test")


def test_truncated_file_is_named(data_dir: Path, tmp_path: Path) -> None:
    raw = _copy_raw(data_dir, tmp_path)
    f = raw / "t10k-images-idx3-ubyte"
    f.write_bytes(f.read_bytes()[:5000])
    with pytest.raises(data.DataError, match="t10k-images-idx3-ubyte is truncated"):
        data.load_split(tmp_path, "test")


def test_wrong_magic_is_named(data_dir: Path, tmp_path: Path) -> None:
    raw = _copy_raw(data_dir, tmp_path)
    f = raw / "t10k-labels-idx1-ubyte"
    f.write_bytes(b"\x00\x00\x08\x03" + f.read_bytes()[4:])
    with pytest.raises(data.DataError, match="t10k-labels-idx1-ubyte is not a Fashion-MNIST IDX file"):
        data.load_split(tmp_path, "test")


def test_download_offline_gives_one_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from torchvision.datasets import mnist

    def offline(*args: object, **kwargs: object) -> None:
        raise OSError("Temporary failure in name resolution")

    monkeypatch.setattr(mnist, "download_and_extract_archive", offline)
    monkeypatch.setattr(mnist.FashionMNIST, "mirrors", ["http://127.0.0.1:9/"])
    with pytest.raises(data.DataError, match=r"Could not download Fashion-MNIST into .*raw"):
        data.download(tmp_path)
