"""The hostile image corpus: every bad image file is one sentence and exit 2, and nothing else changes."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from latent3d.cli.parser import main
from latent3d.data.image_file import ImageFileError, read_image_file
from tests.conftest import make_fake_run
from tests.support.hostile_fixtures import one_sentence, snapshot


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png_declaring(width: int, height: int) -> bytes:
    """A PNG header declaring ``width x height`` grey pixels, with one tiny compressed row."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + _chunk(b"IEND", b""))


def _corpus(folder: Path) -> dict[str, tuple[Path, str]]:
    """Each hostile case: its file and a fragment its one sentence must hold."""
    ok = np.zeros((40, 40), np.uint8)
    ok[10:30, 10:30] = 255
    Image.fromarray(ok).save(folder / "good.png")
    good = (folder / "good.png").read_bytes()
    (folder / "text.png").write_text("this is not an image\n")
    (folder / "empty.png").write_bytes(b"")
    (folder / "truncated.png").write_bytes(good[: len(good) // 2])
    Image.fromarray(np.stack([ok] * 3, -1)).save(folder / "full.jpg")
    jpg = (folder / "full.jpg").read_bytes()
    (folder / "truncated.jpg").write_bytes(jpg[: len(jpg) // 2])
    (folder / "bomb.png").write_bytes(_png_declaring(9000, 9000))  # 81 megapixels, over the 40 M limit
    (folder / "huge.png").write_bytes(_png_declaring(100_000, 100_000))
    Image.fromarray(ok.astype(np.uint16) * 257).save(folder / "deep.png")  # 16-bit grey
    Image.new("CMYK", (20, 20), (0, 0, 0, 255)).save(folder / "cmyk.jpg")
    frames = [Image.fromarray(ok), Image.fromarray(255 - ok)]
    frames[0].save(folder / "anim.png", save_all=True, append_images=frames[1:])
    frames[0].save(folder / "anim.gif", save_all=True, append_images=frames[1:])
    (folder / "folder.png").mkdir()
    os.mkfifo(folder / "fifo.png")
    return {
        "text": (folder / "text.png", "not a PNG or JPEG"), "empty": (folder / "empty.png", "not a PNG or JPEG"),
        "truncated png": (folder / "truncated.png", "truncated"),
        "truncated jpg": (folder / "truncated.jpg", "truncated"),
        "bomb": (folder / "bomb.png", "million pixels"), "huge": (folder / "huge.png", "million pixels"),
        "16-bit": (folder / "deep.png", "16-bit"), "cmyk": (folder / "cmyk.jpg", "CMYK"),
        "animated png": (folder / "anim.png", "animated"), "gif": (folder / "anim.gif", "not a PNG or JPEG"),
        "folder": (folder / "folder.png", "a folder"), "fifo": (folder / "fifo.png", "a FIFO"),
        "missing": (folder / "missing.png", "does not exist"),
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    return _corpus(tmp_path_factory.mktemp("images"))


def test_reader_refuses_each_case_in_one_sentence(corpus: dict[str, tuple[Path, str]]) -> None:
    for case, (path, fragment) in corpus.items():
        with pytest.raises(ImageFileError) as info:
            read_image_file(path)
        text = str(info.value)
        assert fragment in text and text.endswith(".") and "\n" not in text, (case, text)


def test_truncated_jpeg_never_loads_partly(corpus: dict[str, tuple[Path, str]]) -> None:
    from PIL import ImageFile

    assert not ImageFile.LOAD_TRUNCATED_IMAGES  # Pillow's default: a truncated file is an error, not grey rows


def test_cli_one_sentence_exit_2_nothing_changes(corpus: dict[str, tuple[Path, str]], tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    run = make_fake_run(tmp_path / "r", epochs=1, n=50)
    folder = corpus["text"][0].parent
    before_run, before_images = snapshot(run), sorted(p.name for p in folder.iterdir())
    for case, (path, fragment) in corpus.items():
        assert main(["encode", str(run), str(path)]) == 2, case
        captured = capsys.readouterr()
        assert captured.out == ""
        one_sentence(captured.err, fragment)
    assert snapshot(run) == before_run and sorted(p.name for p in folder.iterdir()) == before_images


def test_good_file_still_reads(corpus: dict[str, tuple[Path, str]]) -> None:
    out = read_image_file(corpus["text"][0].parent / "good.png")
    assert out.shape == (28, 28) and out.max() == 255 and out[0].max() == 255  # the square fills the 28x28
