"""The window's exports never leave a partial file: a cancelled or refused movie keeps the earlier file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QProgressDialog

from latent3d.util.fileio import OutputError
from latent3d.util.limits import LimitError

OLD = b"an earlier movie that must survive\n"


def test_cancelled_movie_export_keeps_the_earlier_file(window, tmp_path: Path,  # noqa: ANN001
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    asked = [0]

    def cancel_on_third(self: QProgressDialog) -> bool:
        asked[0] += 1
        return asked[0] >= 3

    monkeypatch.setattr(QProgressDialog, "wasCanceled", cancel_on_third)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "m.gif"
    target.write_bytes(OLD)
    start = window.timeline.position
    assert window.exports.movie.write(target, fps=10, frames_per_snapshot=2, parent=window) is None
    assert os.listdir(out) == ["m.gif"] and target.read_bytes() == OLD  # old file kept, no temporary left
    assert window.timeline.position == start


def test_refused_exports_write_nothing(window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from latent3d.qt.canvas.export import save_screenshot
    from latent3d.util import limits

    out = tmp_path / "out"
    (out / "s.png").mkdir(parents=True)
    with pytest.raises(OutputError, match=r"s\.png is a folder; give a file name"):
        save_screenshot(window.view, out / "s.png", 1)
    w, h = window.view.window_size
    room = 2 * w * h * (limits.RENDER_BYTES_PER_PIXEL + 1)  # one frame fits in half of it, 31 GIF frames do not
    monkeypatch.setattr(limits, "available_memory", lambda: room)
    with pytest.raises(LimitError, match=r"is held in memory until it is written"):
        window.exports.movie.write(out / "m.gif", parent=window)
    assert os.listdir(out) == ["s.png"]
