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


# -- Round four (issue 29): the work an image may cause is bounded before it is decoded ----------------


def _jpeg_with_segments(count: int, payload: int) -> bytes:
    """A 112x112 JPEG with ``count`` Exif APP1 segments of ``payload`` bytes in front of it."""
    import io

    small = np.zeros((112, 112), np.uint8)
    small[20:90, 30:80] = 255
    buf = io.BytesIO()
    Image.fromarray(small).save(buf, "JPEG")
    jpg = buf.getvalue()
    body = b"Exif\0\0" + bytes(payload - 6)
    segment = b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body
    return jpg[:2] + segment * count + jpg[2:]


def _rgba_png(path: Path, side: int) -> None:
    """A legal ``side`` x ``side`` RGBA PNG (a white square on transparent), written row by row."""
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 6, 0, 0, 0)
    z = zlib.compressobj(1)
    blank, square = b"\0" + bytes(4 * side), b"\0" + bytes(4 * (side // 4)) + b"\xff" * (4 * (side // 2)) + bytes(
        4 * (side - side // 4 - side // 2))
    data = b"".join(z.compress(square if side // 4 <= y < 3 * side // 4 else blank) for y in range(side)) + z.flush()
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", data) + _chunk(b"IEND", b""))


def test_the_900_exif_segment_jpeg_and_the_6300_png_are_refused_from_their_headers(tmp_path: Path) -> None:
    """The issue's two files: 26-76 s and 1-1.7 GB before; now one sentence before any decoding."""
    (tmp_path / "app1.jpg").write_bytes(_jpeg_with_segments(900, 65533))  # 59 MB, under the 64 MB cap
    _rgba_png(tmp_path / "big.png", 6300)
    with pytest.raises(ImageFileError, match="MB of metadata before its image data; save it again without metadata"):
        read_image_file(tmp_path / "app1.jpg")
    with pytest.raises(ImageFileError, match="6300x6300 pixels; a PNG is decoded whole"):
        read_image_file(tmp_path / "big.png")


@pytest.mark.parametrize("case", ["many segments", "much metadata", "many scans", "many png chunks"])
def test_structures_that_cost_too_much_are_one_sentence(case: str, tmp_path: Path) -> None:
    path = tmp_path / ("x.png" if "png" in case else "x.jpg")
    if case == "many segments":
        path.write_bytes(_jpeg_with_segments(300, 64))  # 19 kB, but 300 segments parsed one by one
    elif case == "much metadata":
        path.write_bytes(_jpeg_with_segments(160, 60_000))  # 9.6 MB of Exif joined by concatenation
    elif case == "many scans":
        jpg = _jpeg_with_segments(0, 6)
        sos = jpg.index(b"\xff\xda")
        path.write_bytes(jpg[:-2] + jpg[sos:-2] * 300 + b"\xff\xd9")  # 301 scans: the first and 300 copies
    else:
        Image.fromarray(np.zeros((8, 8), np.uint8)).save(path)
        png = path.read_bytes()
        path.write_bytes(png[:33] + _chunk(b"tEXt", b"k\0v") * 70_000 + png[33:])
    with pytest.raises(ImageFileError) as err:
        read_image_file(path)
    text = str(err.value)
    assert text.startswith(str(path)) and text.endswith(".") and "\n" not in text
    assert {"many segments": "segments before its image data", "much metadata": "MB of metadata",
            "many scans": "301 scans", "many png chunks": "65,536 chunks"}[case] in text


_BOUNDED_CHILD = """
import resource, sys
sys.path.insert(0, sys.argv[1])
import numpy as np
from latent3d.data.image_file import read_image_file
size = int(open("/proc/self/status").read().split("VmSize:")[1].split()[0]) * 1024
resource.setrlimit(resource.RLIMIT_AS, (size + 300 * 2**20, resource.RLIM_INFINITY))
out = read_image_file(sys.argv[2])
print(out.shape, int(out.max()))
"""


@pytest.mark.parametrize("kind", ["jpeg 6000x4000", "png 4000x4000 rgba"])
def test_large_legal_images_are_decoded_within_300_mb(kind: str, tmp_path: Path) -> None:
    """A 24-megapixel JPEG (decoded at 1/4 scale) and a 16-megapixel RGBA PNG (reduced before its conversion)
    in a child whose address space may grow by 300 MB only; the old reader took 0.9 and 0.46 GB."""
    import subprocess
    import sys

    from tests.support.hostile_fixtures import REPO

    if kind.startswith("jpeg"):
        h, w = 4000, 6000
        yy, xx = np.ogrid[:h, :w]
        rgb = np.zeros((h, w, 3), np.uint8)
        rgb[((yy - h / 2) / (h / 3)) ** 2 + ((xx - w / 2) / (w / 3)) ** 2 < 1] = 255
        path = tmp_path / "big.jpg"
        Image.fromarray(rgb).save(path, quality=90)
        del rgb
    else:
        path = tmp_path / "big.png"
        _rgba_png(path, 4000)
    done = subprocess.run([sys.executable, "-c", _BOUNDED_CHILD, str(REPO), str(path)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-800:]
    shape, top = done.stdout.strip().rsplit(" ", 1)
    assert shape == "(28, 28)" and int(top) >= 250, done.stdout
