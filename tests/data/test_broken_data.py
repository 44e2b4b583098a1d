"""Broken Fashion-MNIST folders: missing, truncated, padded or foreign IDX files give one sentence naming the file.

The IDX files are synthetic (right sizes, zero pixels), so these tests run without the dataset.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from latent3d.cli.parser import main
from latent3d.data import datasets as data

IMAGES, LABELS = "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"


def _idx(magic: int, dims: tuple[int, ...], payload: bytes | None = None) -> bytes:
    head = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in dims)
    return head + (bytes(int(np.prod(dims))) if payload is None else payload)


def _write_split(raw: Path, split: str) -> None:
    n = data.SPLIT_SIZES[split]
    images, labels = data.FILES[split]
    (raw / images).write_bytes(_idx(0x803, (n, 28, 28)))
    (raw / labels).write_bytes(_idx(0x801, (n,), (np.arange(n) % 10).astype(np.uint8).tobytes()))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A data folder with a valid, synthetic test split in FashionMNIST/raw."""
    raw = tmp_path / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    _write_split(raw, "test")
    return tmp_path


def _raw(root: Path) -> Path:
    return root / "FashionMNIST" / "raw"


def test_synthetic_split_is_valid(root: Path) -> None:
    images, labels = data.load_split(root, "test")
    assert images.shape == (10000, 28, 28) and labels.shape == (10000,)


def test_missing_files_message_names_folder(tmp_path: Path) -> None:
    with pytest.raises(data.DataError, match=r"missing .*t10k-images-idx3-ubyte.*--data-dir"):
        data.load_split(tmp_path, "test")


def test_one_missing_file_is_named(root: Path) -> None:
    (_raw(root) / LABELS).unlink()
    with pytest.raises(data.DataError) as exc:
        data.load_split(root, "test")
    assert f"missing ({LABELS})" in str(exc.value) and str(_raw(root)) in str(exc.value)


def _corrupt(root: Path, name: str, blob: bytes) -> None:
    (_raw(root) / name).write_bytes(blob)


CASES = [
    ("images-empty", IMAGES, b"", "is truncated (0 bytes)"),
    ("images-cut-in-header", IMAGES, _idx(0x803, (10000, 28, 28))[:10], "is truncated (10 bytes)"),
    ("images-cut-in-data", IMAGES, _idx(0x803, (10000, 28, 28))[:5000], "is truncated or padded (4984 data bytes"),
    ("images-padded", IMAGES, _idx(0x803, (10000, 28, 28)) + b"\0", "is truncated or padded (7840001 data bytes"),
    ("labels-cut-in-data", LABELS, _idx(0x801, (10000,))[:-1], "is truncated or padded (9999 data bytes"),
    ("labels-with-image-magic", LABELS, b"\x00\x00\x08\x03" + _idx(0x801, (10000,))[4:],
     "is not a Fashion-MNIST IDX file (magic number 0x00000803, expected 0x00000801)"),
    ("images-with-label-magic", IMAGES, _idx(0x801, (10000, 28, 28)),
     "is not a Fashion-MNIST IDX file (magic number 0x00000801, expected 0x00000803)"),
    ("images-gzip", IMAGES, b"\x1f\x8b\x08\x00" + bytes(100),
     "is not a Fashion-MNIST IDX file (magic number 0x1f8b0800"),
    ("images-html-error-page", IMAGES, b"<html><body>404</body></html>", "is not a Fashion-MNIST IDX file"),
    ("images-32x32", IMAGES, _idx(0x803, (10000, 32, 32)), "holds 32x32 images, not 28x28"),
    ("images-wrong-count", IMAGES, _idx(0x803, (9999, 28, 28)), "holds 9999 items, expected 10000"),
    ("labels-wrong-count", LABELS, _idx(0x801, (60000,)), "holds 60000 items, expected 10000"),
    ("labels-above-9", LABELS, _idx(0x801, (10000,), bytes([12]) * 10000), "holds labels above 9"),
    ("images-declares-4-billion", IMAGES, _idx(0x803, (4_000_000_000, 28, 28), b""), "holds 4000000000 items"),
]


@pytest.mark.parametrize("name, file, blob, fragment", CASES, ids=[c[0] for c in CASES])
def test_broken_file_is_named_in_one_sentence(root: Path, name: str, file: str, blob: bytes, fragment: str) -> None:
    _corrupt(root, file, blob)
    with pytest.raises(data.DataError) as exc:
        data.load_split(root, "test")
    text = str(exc.value)
    assert text.startswith(str(_raw(root) / file)), text
    assert fragment in text and "\n" not in text and text.endswith(".")


def test_huge_file_is_refused_before_reading(root: Path) -> None:
    with open(_raw(root) / IMAGES, "r+b") as f:
        f.truncate(10 << 30)  # sparse: 10 GB that would otherwise be read into memory
    with pytest.raises(data.DataError, match=rf"^{re.escape(str(_raw(root) / IMAGES))} is far larger than"):
        data.load_split(root, "test")


def test_a_folder_in_place_of_a_file_is_named_not_missing(root: Path) -> None:
    """A folder is not a missing file (which would start a download): it is named as there but not a file."""
    (_raw(root) / IMAGES).unlink()
    (_raw(root) / IMAGES).mkdir()
    with pytest.raises(data.DataError, match=re.escape(f"{_raw(root) / IMAGES} is there but is a folder, not a "
                                                       "regular file")):
        data.load_split(root, "test")
    # Other kinds (FIFO, device, dangling link): tests/test_hostile_inputs.py.


def test_unreadable_file_is_named(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(path: Path) -> object:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(data, "open_regular", denied)  # root reads anything: a real denial is in a subprocess
    with pytest.raises(data.DataError, match=rf"^Cannot read {re.escape(str(_raw(root) / IMAGES))} "
                                             r"\(Permission denied\)\.$"):
        data.load_split(root, "test")


def test_train_with_a_broken_file_exits_2_naming_it(root: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """`train` on a broken folder: one line naming the file, exit 2, no download attempt, no run."""
    _write_split(_raw(root), "train")
    _corrupt(root, "train-labels-idx1-ubyte", _idx(0x801, (60000,))[:-7])
    out = tmp_path / "never"
    assert main(["train", "--data-dir", str(root), "--out", str(out), "--epochs", "1", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"{_raw(root) / 'train-labels-idx1-ubyte'} is truncated or padded" in err
    assert not out.exists()

