"""Dialogs: file dialogs start in the runs folder or the last folder used; Train… remembers; Runs says the subset."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFileDialog
from qt.conftest import dispose, open_window

from latent3d.qt.canvas.export import MovieExport, ask_screenshot
from latent3d.qt.files.runs_menu import RunsMenu, describe
from latent3d.qt.training.dialog import TrainDialog
from latent3d.runs import default_runs_dir, list_runs
from tests.conftest import make_fake_run
from tests.support.scene_fixtures import make_run


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> dict[str, list]:
    """File dialogs answered without showing: records where each started; answers from ``replies``."""
    seen: dict[str, list] = {"start": [], "replies": []}

    def answer(start: str) -> str:
        seen["start"].append(start)
        return seen["replies"].pop(0) if seen["replies"] else ""

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda _p, _c, d="": answer(d)))
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda _p, _c, d="", _f="": (answer(d), "PNG image (*.png)")))
    return seen


def test_open_run_starts_in_the_runs_folder_then_beside_the_last_run(qtbot, settings, dialogs,  # noqa: ANN001
                                                                      tmp_path: Path) -> None:
    w = open_window(qtbot, settings, None, None)
    try:
        w.files.open_run_dialog()
        assert Path(dialogs["start"][-1]) == default_runs_dir()  # not the working directory
        elsewhere = make_run(tmp_path / "elsewhere" / "run-a", n=300, epochs=1)
        dialogs["replies"].append(str(elsewhere))
        w.files.open_run_dialog()
        assert w.run is not None and w.run.path == elsewhere
        w.files.open_run_dialog()
        assert Path(dialogs["start"][-1]) == elsewhere.parent
    finally:
        dispose(w)


def test_export_dialogs_start_in_the_last_folder_used(window, dialogs, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr("latent3d.qt.canvas.export.QInputDialog.getItem", staticmethod(lambda *a, **k: (a[3][0], True)))
    assert ask_screenshot(window, window.view) is None  # cancelled at the file dialog
    assert Path(dialogs["start"][-1]) == default_runs_dir() / "latent3d.png"
    shots = tmp_path / "shots"
    shots.mkdir()
    dialogs["replies"].append(str(shots / "view.png"))
    assert ask_screenshot(window, window.view) == shots / "view.png" and (shots / "view.png").is_file()
    MovieExport(window.view, window.model.time, window.model.display, window.timeline.pause).ask(window)  # cancelled
    assert Path(dialogs["start"][-1]) == shots / "latent3d.mp4"
    assert window.settings.value("last_export_dir") == str(shots)


def test_train_dialog_shows_the_whole_name_and_remembers_the_last_start(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    first = TrainDialog(tmp_path, settings=settings)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    name = first.name
    frame = name.style().pixelMetric(name.style().PixelMetric.PM_DefaultFrameWidth)
    text_room = name.contentsRect().width() - 2 * frame  # the old dialog: 123 px for a 136-px name
    assert name.fontMetrics().horizontalAdvance(name.text()) < text_room - 4
    assert (first.epochs.value(), first.batch_size.value(), first.lr.value()) == (20, 64, 1e-3)
    first.epochs.setValue(3)
    first.batch_size.setValue(128)
    first.lr.setValue(0.002)
    first.seed.setValue(7)
    first.train_images.setValue(5000)
    first.test_images.setValue(1000)
    first.threads_box.setValue(1)
    first.start_button.click()
    assert first.result() == first.DialogCode.Accepted
    second = TrainDialog(tmp_path, settings=settings)
    qtbot.addWidget(second)
    assert second.config() == first.config() and second.threads() == 1
    assert second.name.text().startswith("run-")  # a fresh name, never the last one


def test_train_dialog_ignores_garbage_settings(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    for key, value in {"epochs": "lots", "batch_size": "1e99", "lr": "nan", "seed": "-5", "test_images": "",
                       "threads": "9999"}.items():
        settings.setValue(f"train_dialog/{key}", value)
    dialog = TrainDialog(tmp_path, settings=settings)
    qtbot.addWidget(dialog)
    assert (dialog.epochs.value(), dialog.lr.value(), dialog.seed.value()) == (20, 1e-3, 0)
    assert dialog.batch_size.value() == dialog.batch_size.maximum() and dialog.test_images.value() == 10000
    assert dialog.threads() == dialog.threads_box.maximum()  # clamped to this machine's cores


def test_runs_menu_says_when_the_test_loss_is_on_a_subset(qtbot) -> None:  # noqa: ANN001
    runs = default_runs_dir()
    make_fake_run(runs / "full", epochs=1, n=10_000)  # the whole test set
    make_run(runs / "subset", n=400, epochs=1)  # max_test_images=400
    lines = {s.name: describe(s) for s in list_runs(runs)}
    assert "on 400 test images" in lines["subset"]
    assert "test images" not in lines["full"]
    menu = RunsMenu(runs)
    qtbot.addWidget(menu)
    assert any("on 400 test images" in a.text() for a in menu.run_actions())


def test_train_dialog_defaults_are_one_click_away(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    """Issue 25: the dialog offered the last quick run's 6000/2000 images; the model's defaults are one click."""
    from latent3d.config.train import TrainConfig

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    for key, value in {"epochs": 2, "train_images": 6000, "test_images": 2000, "seed": 5, "threads": 1}.items():
        settings.setValue(f"train_dialog/{key}", value)
    dialog = TrainDialog(tmp_path, settings=settings)
    qtbot.addWidget(dialog)
    assert dialog.config().max_train_images == 6000  # the last Start, offered again
    name = dialog.name.text()
    qtbot.mouseClick(dialog.defaults_button, Qt.MouseButton.LeftButton)
    assert dialog.config() == TrainConfig() and dialog.threads() is None
    assert dialog.name.text() == name


@pytest.mark.parametrize("field", ["dataset_box", "epochs", "lr", "name", "threads_box"])
def test_return_in_the_train_dialog_starts_whatever_has_the_focus(qtbot, tmp_path: Path, field: str) -> None:  # noqa: ANN001
    """Return left the dialog open when the Dataset box (the first field, so the focus) took the key."""
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    d = TrainDialog(tmp_path / "runs", settings=settings)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    widget = getattr(d, field)
    d.activateWindow()
    widget.setFocus()
    with qtbot.waitSignal(d.accepted, timeout=2000):
        qtbot.keyClick(widget, Qt.Key.Key_Return)
    assert d.result() == d.DialogCode.Accepted and not d.isVisible()


def test_the_group_csv_dialog_starts_in_the_runs_folder_then_the_last_export(window, dialogs, tmp_path: Path) -> None:  # noqa: ANN001
    """Issue 32 defect 10: the group panel's CSV… dialog opened in the working directory."""
    panel = window.parts["groups"]["panel"]
    window.model.groups.select_class(2)
    panel.csv_button.click()  # cancelled
    assert Path(dialogs["start"][-1]).parent == default_runs_dir()
    out = tmp_path / "exports"
    out.mkdir()
    dialogs["replies"].append(str(out / "coats.csv"))
    panel.csv_button.click()
    assert (out / "coats.csv").is_file()
    panel.npy_button.click()
    assert Path(dialogs["start"][-1]).parent == out
