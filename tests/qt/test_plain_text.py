"""Text from files, paths and exceptions is shown as plain text: markup is shown, never rendered (issue 19, item 1).

A run folder named ``<img src='/dev/zero'>`` rendered in an error dialog made it read /dev/zero
until memory ran out. Each source of text is tried with markup in it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from latent3d.qt.app import run_viewer
from latent3d.qt.training.dialog import TrainDialog
from latent3d.qt.widgets.dialogs import error_box, info_box, plain_label, plain_tooltip
from tests.conftest import make_fake_run

MARKUP = "<img src='/dev/zero'><h1>big</h1><a href='x'>link</a>"


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, Qt.TextFormat]]:
    """Every message box shown: its title, text and text format (recorded instead of run modally)."""
    seen: list[tuple[str, str, Qt.TextFormat]] = []

    def record(box: QMessageBox) -> int:
        seen.append((box.windowTitle(), box.text(), box.textFormat()))
        return int(QMessageBox.StandardButton.Ok.value)

    monkeypatch.setattr(QMessageBox, "exec", record)
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: pytest.fail("a rich-text QMessageBox.critical"))
    return seen


def test_error_and_info_boxes_are_plain_text(qapp, boxes) -> None:  # noqa: ANN001
    error_box(None, "title", MARKUP)
    info_box(None, "title", MARKUP)
    assert boxes == [("title", MARKUP, Qt.TextFormat.PlainText)] * 2


def test_a_run_folder_named_with_markup(qapp, boxes, tmp_path: Path) -> None:  # noqa: ANN001
    bad = tmp_path / "<img src='dev-zero'><h1>run<h1>"
    bad.mkdir()
    (bad / "run.json").write_text("{broken")
    assert run_viewer(bad, None) == 2
    (_title, text, fmt), = boxes
    assert str(bad) in text and fmt == Qt.TextFormat.PlainText


def test_run_json_text_with_markup(qapp, boxes, tmp_path: Path) -> None:  # noqa: ANN001
    run = make_fake_run(tmp_path / "run", epochs=1, n=20)
    meta = json.loads((run / "run.json").read_text())
    meta["format_version"] = MARKUP
    (run / "run.json").write_text(json.dumps(meta))
    assert run_viewer(run, None) == 2
    (_title, text, fmt), = boxes
    assert "<img src=" in text and fmt == Qt.TextFormat.PlainText


def test_exception_text_with_markup_in_the_screenshot_dialog(qapp, boxes, monkeypatch, tmp_path) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QInputDialog

    from latent3d.qt.canvas import export

    target = tmp_path / "<b>shot<b>" / "x.png"  # its folder does not exist: the error names the path
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda _p, _t, _l, items, *a: (items[0], True)))
    monkeypatch.setattr(export, "save_file_name", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(export, "save_screenshot", lambda *a, **k: (_ for _ in ()).throw(OSError(f"cannot {target}")))
    view = type("View", (), {"window_size": (64, 48)})()
    assert export.ask_screenshot(None, view) is None  # type: ignore[arg-type]
    (title, text, fmt), = boxes
    assert title == "Cannot save screenshot" and "<b>shot<b>" in text and fmt == Qt.TextFormat.PlainText


def test_labels_and_tooltips(qtbot, settings, tmp_path: Path) -> None:  # noqa: ANN001
    label = plain_label(QLabel(MARKUP))
    assert label.textFormat() == Qt.TextFormat.PlainText
    tip = plain_tooltip(MARKUP + "\nsecond")
    assert "<img" not in tip and "&lt;img src='/dev/zero'&gt;" in tip and "<br>" in tip
    dialog = TrainDialog(tmp_path / MARKUP.replace("/", "_"), settings=settings)
    qtbot.addWidget(dialog)
    assert dialog.error.textFormat() == Qt.TextFormat.PlainText
    assert "<img" not in dialog.name.toolTip() and "&lt;img" in dialog.name.toolTip()


def test_the_training_strip_names_a_run_as_plain_text(qtbot) -> None:  # noqa: ANN001
    from latent3d.qt.training.progress import TrainingProgress
    from latent3d.state.viewer_model import ViewerModel

    strip = TrainingProgress(ViewerModel().time)
    qtbot.addWidget(strip)
    strip.begin(f"starting training of {MARKUP}…")
    assert strip.label.textFormat() == Qt.TextFormat.PlainText
    assert "<img" not in strip.label.toolTip() and "&lt;img" in strip.label.toolTip()
    assert plain_tooltip("plain & simple") == "plain & simple"


def test_file_open_run_and_open_view_with_markup(qtbot, settings, boxes, tmp_path: Path) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QWidget

    from latent3d.qt.files.open_save import OpenSave
    from latent3d.state.viewer_model import ViewerModel

    parent = QWidget()
    qtbot.addWidget(parent)
    files = OpenSave(ViewerModel(), settings, parent)
    bad = tmp_path / "<img src='dev-zero'><h1>run<h1>"
    bad.mkdir()
    (bad / "run.json").write_text("{broken")
    assert files.open_run(bad) is False
    view = tmp_path / "<h1>view<h1>.json"
    view.write_text(json.dumps({"format_version": 1, "run": str(bad), "step": 0, "color": "class",
                                "camera": {"position": [1, 1, 1], "focal_point": [0, 0, 0], "view_up": [0, 0, 1]},
                                "hidden_classes": [], "selected": None}))
    assert files.open_view(view) is False
    assert [fmt for _t, _x, fmt in boxes] == [Qt.TextFormat.PlainText] * 2
    assert str(bad) in boxes[0][1] and str(view) in boxes[1][1] and str(bad) in boxes[1][1]
