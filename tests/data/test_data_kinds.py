"""Data-folder file kinds, generated: an IDX name that is not a regular file is named as such, never 'missing'.

Every one of the four IDX names x every kind (a folder, a FIFO, a dangling link, a link to a
character device, a link to a folder, a socket) gives one ``DataError`` sentence that names the
file and its kind; no download is attempted over it and a FIFO is never opened (it would block).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from latent3d.data import datasets as data
from latent3d.training.download import download
from tests.support.hostile_fixtures import REPO, one_sentence, snapshot

KINDS: dict[str, tuple[Callable[[Path], object], str]] = {
    "folder": (lambda p: p.mkdir(), "a folder"),
    "fifo": (lambda p: os.mkfifo(p), "a FIFO"),
    "dangling-link": (lambda p: p.symlink_to(p.parent / "nowhere"), "a link to nothing"),
    "link-to-dev-null": (lambda p: p.symlink_to("/dev/null"), "a character device"),
    "link-to-folder": (lambda p: p.symlink_to(p.parent), "a folder"),
    "socket": (lambda p: socket.socket(socket.AF_UNIX).bind(str(p)), "a socket"),
}
NAMES = [n for split in ("train", "test") for n in data.FILES[split]]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A data folder whose four IDX names are all present (placeholders: the kind check comes before any read)."""
    raw = tmp_path / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    for name in NAMES:
        (raw / name).write_bytes(b"\0\0\x08\x03")
    return tmp_path


@pytest.fixture
def no_download(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if torchvision's downloader is ever reached."""
    import torchvision.datasets

    class Forbidden:
        def __init__(self, *a: object, **k: object) -> None:
            raise AssertionError("a download was attempted over a file that is there")

    monkeypatch.setattr(torchvision.datasets, "FashionMNIST", Forbidden)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("kind", KINDS)
def test_file_that_is_not_a_regular_file_is_named(root: Path, name: str, kind: str, no_download: None) -> None:
    path = root / "FashionMNIST" / "raw" / name
    path.unlink()
    make, words = KINDS[kind]
    make(path)
    expected = f"{path} is there but is {words}, not a regular file; replace it with the original Fashion-MNIST file."
    split = "train" if name in data.FILES["train"] else "test"
    for attempt in (lambda: download(root), lambda: data.load_split(root, split)):
        with pytest.raises(data.DataError) as exc:
            attempt()
        assert str(exc.value) == expected


def test_reading_never_opens_a_fifo_even_if_swapped_in(root: Path) -> None:
    """The reader itself refuses a FIFO (not only the presence check), so a swap after the check cannot hang it."""
    path = root / "FashionMNIST" / "raw" / data.FILES["test"][1]
    path.unlink()
    os.mkfifo(path)
    with pytest.raises(data.DataError, match="is there but is a FIFO"):
        data._read_idx(path, 1, 10000)


def test_train_on_a_fifo_exits_2_in_a_real_process(root: Path, tmp_path: Path) -> None:
    """End to end with a timeout: one sentence naming the FIFO, exit 2, nothing written, no hang."""
    path = root / "FashionMNIST" / "raw" / data.FILES["train"][0]
    path.unlink()
    os.mkfifo(path)
    before = snapshot(root)
    r = subprocess.run([sys.executable, str(REPO / "run.py"), "train", "--data-dir", str(root), "--out",
                        str(tmp_path / "run"), "--epochs", "1"], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert r.returncode == 2 and r.stdout == ""
    one_sentence(r.stderr, f"{path} is there but is a FIFO, not a regular file")
    assert snapshot(root) == before and not (tmp_path / "run").exists()
