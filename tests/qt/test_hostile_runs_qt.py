"""Hostile run folders in the viewer: an error dialog with the one sentence, and the current run stays on screen."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from latent3d.qt.app import run_viewer
from tests.support.make_bad_runs import MARKER_NAME, BadRun, build_corpus


@pytest.fixture(scope="module")
def bad_runs(tmp_path_factory: pytest.TempPathFactory) -> list[BadRun]:
    """The whole corpus of tests/support/make_bad_runs.py."""
    return build_corpus(tmp_path_factory.mktemp("bad-runs-qt"))[1]


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, str, str]]:
    """QMessageBox.critical recorded instead of shown (the real one is modal and would block the test)."""
    seen: list[tuple[object, str, str]] = []

    def critical(parent: object, title: str, text: str, *args: object, **kwargs: object) -> object:
        seen.append((parent, title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "critical", critical)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: critical(box.parent(), box.windowTitle(), box.text()))
    return seen


def _marker(bad_runs: list[BadRun]) -> Path:
    return bad_runs[0].path.parent / MARKER_NAME


def test_run_viewer_refuses_each_bad_run(bad_runs: list[BadRun], dialogs: list[tuple[object, str, str]]) -> None:
    windows_before = set(map(id, QApplication.topLevelWidgets()))
    for case in bad_runs:
        dialogs.clear()
        assert run_viewer(case.path, None) == 2, case.name
        assert len(dialogs) == 1, case.name
        _parent, title, text = dialogs[0]
        assert "cannot open run" in title
        assert re.search(case.expect, text) and "\n" not in text, f"{case.name}: {text!r}"
    assert not [w for w in QApplication.topLevelWidgets() if id(w) not in windows_before and w.isVisible()]
    assert not _marker(bad_runs).exists(), "code from a hostile run folder ran"


def test_open_run_keeps_the_current_run(window, bad_runs: list[BadRun],  # noqa: ANN001
                                        dialogs: list[tuple[object, str, str]]) -> None:
    current, title = window.run, window.windowTitle()
    window.timeline.set_position(1.0)
    positions = np.array(window.scene.positions)
    for case in bad_runs:
        dialogs.clear()
        assert window.files.open_run(case.path) is False, case.name
        assert len(dialogs) == 1 and dialogs[0][0] is window, case.name
        assert re.search(case.expect, dialogs[0][2]), f"{case.name}: {dialogs[0][2]!r}"
        assert window.run is current and window.windowTitle() == title
    np.testing.assert_array_equal(np.array(window.scene.positions), positions)
    assert window.timeline.epochs == current.epochs and window.scene.n_points == len(current.labels)
    window.view.ren_win.Render()
    img = window.view.grab().toImage()
    bg = img.pixelColor(2, 2)
    assert sum(img.pixelColor(x, y) != bg for x in range(0, img.width(), 9) for y in range(0, img.height(), 9)) > 50
    assert not _marker(bad_runs).exists(), "code from a hostile run folder ran"
