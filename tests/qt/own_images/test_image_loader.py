"""Own image files are read off the GUI thread (issue 29): the window answers while one is read and closes at once."""

from __future__ import annotations

import struct
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QTimer

from latent3d.data import image_file
from latent3d.data.image_file import ImageCancelled
from latent3d.qt.own_images.loader import ImageLoader
from latent3d.qt.own_images.panel import OwnImagePanel
from latent3d.runs import load_run
from latent3d.state.viewer_model import ViewerModel


class SlowReader:
    """A stand-in for the reader that takes as long as the test wants, and honours ``cancelled`` as the real one."""

    def __init__(self) -> None:
        self.started, self.release, self.ended = threading.Event(), threading.Event(), threading.Event()
        self.cancelled_seen = False

    def __call__(self, path: Path, *, invert: bool = False, cancelled=None) -> np.ndarray:  # noqa: ANN001
        self.started.set()
        try:
            while not self.release.wait(0.01):
                if cancelled is not None and cancelled():
                    self.cancelled_seen = True
                    raise ImageCancelled(str(path))
            out = np.zeros((28, 28), np.uint8)
            out[10:18, 10:18] = 255
            return out
        finally:
            self.ended.set()


@pytest.fixture
def model(synthetic_run: Path) -> ViewerModel:
    m = ViewerModel()
    m.set_run(load_run(synthetic_run))
    return m


def _reading(qtbot, model: ViewerModel, tmp_path: Path,  # noqa: ANN001
             monkeypatch: pytest.MonkeyPatch) -> tuple[SlowReader, OwnImagePanel]:
    """A panel that has just asked a slow reader for slow.png."""
    reader = SlowReader()
    monkeypatch.setattr(image_file, "read_image_file", reader)
    panel = OwnImagePanel(model.time, model.pick, model.layers, ask_file=lambda: tmp_path / "slow.png",
                          error=pytest.fail)
    qtbot.addWidget(panel)
    panel.open_file()
    return reader, panel


def test_open_returns_at_once_and_the_window_answers_while_a_file_is_read(
        qtbot, model: ViewerModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    reader, panel = _reading(qtbot, model, tmp_path, monkeypatch)
    assert reader.started.wait(10)  # the read began in another thread ...
    assert not reader.ended.is_set() and model.layers.own_images == ()  # ... and open_file() came back before it ended
    assert panel.note.text() == "Reading slow.png…"
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=5000)  # the GUI thread's event loop runs meanwhile
    timer.stop()
    reader.release.set()
    qtbot.waitUntil(lambda: len(model.layers.own_images) == 1, timeout=5000)
    assert model.layers.own_images[0].name == "slow" and "Reading" not in panel.note.text()


def test_closing_cancels_the_read_and_drops_its_result(qtbot, model: ViewerModel, tmp_path: Path,  # noqa: ANN001
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    reader, panel = _reading(qtbot, model, tmp_path, monkeypatch)
    assert reader.started.wait(10)
    t0 = time.monotonic()
    panel.detach()  # what the window's close does
    print(f"closed {time.monotonic() - t0:.3f} s after the cancel")  # a figure to read, not a timed assertion
    assert reader.ended.is_set() and reader.cancelled_seen
    qtbot.wait(100)
    assert model.layers.own_images == ()


def test_a_second_file_drops_the_first_ones_result(qtbot, tmp_path: Path,  # noqa: ANN001
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    first = SlowReader()
    loader = ImageLoader()
    got: list[str] = []
    loader.loaded.connect(lambda name, _pixels: got.append(name))
    monkeypatch.setattr(image_file, "read_image_file", first)
    loader.load(tmp_path / "first.png")
    assert first.started.wait(10)
    monkeypatch.setattr(image_file, "read_image_file", lambda path, **_k: np.zeros((28, 28), np.uint8))
    loader.load(tmp_path / "second.png")
    qtbot.waitUntil(lambda: got == ["second"], timeout=5000)
    assert first.ended.wait(5) and first.cancelled_seen and got == ["second"]
    assert loader.close()


def test_the_issues_hostile_jpeg_is_one_sentence_from_the_worker(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    import io

    small = np.zeros((112, 112), np.uint8)
    buf = io.BytesIO()
    Image.fromarray(small).save(buf, "JPEG")
    body = b"Exif\0\0" + bytes(65527)
    segment = b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body
    (tmp_path / "app1.jpg").write_bytes(buf.getvalue()[:2] + segment * 900 + buf.getvalue()[2:])
    loader = ImageLoader()
    failures: list[str] = []
    loader.failed.connect(failures.append)
    loader.load(tmp_path / "app1.jpg")
    qtbot.waitUntil(lambda: bool(failures), timeout=20000)
    assert failures[0].startswith(str(tmp_path / "app1.jpg")) and "metadata" in failures[0]
    assert loader.close()
