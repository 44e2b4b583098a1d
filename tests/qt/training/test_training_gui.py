"""Retraining from the window: Train… → dialog → live epochs → saved run; Stop; errors; close; Runs menu."""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox, QToolBar
from qt.conftest import dispose, open_window

from latent3d.analysis.decoder import NumpyDecoder
from latent3d.cli.parser import main as cli_main
from latent3d.config.train import TrainConfig
from latent3d.job.process import Snapshot
from latent3d.qt.widgets.image_view import to_uint8
from latent3d.runs import default_runs_dir
from tests.conftest import make_fake_run


def _training(window: Any) -> Any:
    """The window's training feature (its LiveTraining)."""
    return window.parts["training"]["training"]



@pytest.fixture(autouse=True)
def nothing_left_running() -> Iterator[None]:
    """Fail a test that leaves a training process or a thread behind."""
    threads = set(threading.enumerate())
    yield
    deadline = time.perf_counter() + 3
    while (mp.active_children() or set(threading.enumerate()) - threads) and time.perf_counter() < deadline:
        time.sleep(0.05)
    assert mp.active_children() == [], "a training process was left running"
    assert set(threading.enumerate()) - threads == set(), "a thread was left running"


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Messages of error dialogs, captured instead of shown."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[2]))
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()))  # latent3d.qt.widgets.dialogs' boxes
    return shown


def _start_from_toolbar(qtbot, w, name: str, *, epochs: int, train: int, test: int) -> None:  # noqa: ANN001
    toolbar = w.findChild(QToolBar, "main-toolbar")
    assert _training(w).action in toolbar.actions()
    _training(w).action.trigger()
    dialog = _training(w).dialog
    assert dialog is not None and dialog.isVisible()
    defaults = (dialog.epochs.value(), dialog.batch_size.value(), dialog.lr.value(), dialog.seed.value())
    assert defaults == (20, 64, 1e-3, 0)
    dialog.epochs.setValue(epochs)
    dialog.train_images.setValue(train)
    dialog.test_images.setValue(test)
    dialog.name.setText(name)
    with qtbot.waitSignal(_training(w).controller.running_changed, timeout=5000):
        dialog.start_button.click()


def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()


def test_toolbar_training_streams_snapshots_and_becomes_the_run(qtbot, window, data_dir, capsys) -> None:  # noqa: ANN001
    """The default schedule: the window shows step 0, then steps inside epoch 1, then each epoch end."""
    _training(window).data_dir = data_dir
    seen: list[tuple[int, int, int]] = []

    def on_epoch(update: Snapshot) -> None:  # runs after the window has shown the snapshot
        assert _training(window).action.isEnabled() is False and _training(window).show_dialog() is None
        seen.append((update.step, update.steps_per_epoch, window.timeline.last))
        assert window.model.time.position == window.timeline.last  # following the newest snapshot
        assert window.run.steps[-1] == update.step
        i = int(np.argmin(update.test_bce))
        window.model.pick.selected = i  # picking during training decodes with the newest decoder
        dec = NumpyDecoder([(update.weights[f"decoder.{k}.weight"], update.weights[f"decoder.{k}.bias"])
                            for k in (0, 2, 4, 6)])
        shown = window.parts["inspect"]["panel"].selection.right.image
        np.testing.assert_array_equal(shown, to_uint8(dec(update.codes[i])[0]))

    _training(window).controller.snapshot_received.connect(on_epoch)
    _start_from_toolbar(qtbot, window, "gui-tiny", epochs=2, train=1500, test=400)
    assert _training(window).progress.isVisible()
    with qtbot.waitSignal(_training(window).controller.finished, timeout=60000) as blocker:
        pass
    qtbot.waitUntil(lambda: not _training(window).running, timeout=5000)
    steps = [st for st, _spe, _last in seen]
    spe = seen[0][1]
    assert steps[0] == 0 and steps[-1] == 2 * spe and all(b > a for a, b in zip(steps, steps[1:]))
    assert [last for _s, _spe, last in seen] == list(range(len(seen)))  # one more snapshot on the timeline each time
    assert sum(0 < st < spe for st in steps) >= 10  # the unfolding inside epoch 1, shown live
    assert spe in steps  # every epoch end is a snapshot
    path = blocker.args[0]
    assert path == default_runs_dir() / "gui-tiny"
    assert window.run.path == path and window.run.meta["status"] == "complete" and window.timeline.epochs == 2
    assert _training(window).action.isEnabled() and not _training(window).progress.isVisible()
    capsys.readouterr()
    assert cli_main(["info", str(path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["epochs"] == 2 and info["num_points"] == 400 and info["dataset"]["train_images"] == 1500
    window.runs_menu.refresh()  # as when the menu opens
    assert any(a.data() == str(path) and a.isChecked() for a in window.runs_menu.run_actions())


def test_stop_ends_within_a_second_and_keeps_earlier_runs(qtbot, window, data_dir) -> None:  # noqa: ANN001
    _training(window).data_dir = data_dir
    earlier = make_fake_run(default_runs_dir() / "earlier")
    before = _tree_digest(earlier)
    _start_from_toolbar(qtbot, window, "to-stop", epochs=5, train=20000, test=1000)
    with qtbot.waitSignal(_training(window).controller.progress, timeout=60000):
        pass
    assert window.run.name == "to-stop" and window.run.meta["status"] == "training"
    busy = _training(window).controller._process._busy  # the flag the training's ThreadGovernor reads
    window.view._on_start_interaction(None, "StartInteractionEvent")  # the camera starts moving
    assert busy.is_set()
    window.view._on_settled()
    assert not busy.is_set()
    t = time.perf_counter()
    with qtbot.waitSignal(_training(window).controller.stopped, timeout=5000):
        _training(window).progress.stop_button.click()
    assert time.perf_counter() - t < 1.0
    qtbot.waitUntil(lambda: not _training(window).running, timeout=5000)
    assert window.run.name == "synthetic"  # back on the run shown before
    assert sorted(p.name for p in default_runs_dir().iterdir()) == ["earlier"]
    assert _tree_digest(earlier) == before
    assert _training(window).action.isEnabled()


def test_error_in_worker_shows_dialog_and_keeps_run(qtbot, window, data_dir, tmp_path, errors) -> None:  # noqa: ANN001
    raw = tmp_path / "data" / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    for f in (data_dir / "FashionMNIST" / "raw").iterdir():
        shutil.copy(f, raw / f.name)
    (raw / "train-labels-idx1-ubyte").write_bytes(b"\x00\x00\x08\x01")  # truncated
    _training(window).data_dir = tmp_path / "data"
    _start_from_toolbar(qtbot, window, "broken", epochs=1, train=1000, test=200)
    with qtbot.waitSignal(_training(window).controller.failed, timeout=60000):
        pass
    qtbot.waitUntil(lambda: not _training(window).running, timeout=5000)
    assert len(errors) == 1 and "train-labels-idx1-ubyte is truncated" in errors[0]
    assert window.run.name == "synthetic" and _training(window).action.isEnabled()
    window.model.pick.selected = 5  # the window keeps working
    assert window.scene.selected == 5


def test_close_during_training_asks_then_stops(qtbot, settings, synthetic_run, data_dir, monkeypatch) -> None:  # noqa: ANN001
    w = open_window(qtbot, settings, data_dir, synthetic_run)
    try:
        _training(w).start(TrainConfig(epochs=5, max_train_images=20000, max_test_images=500, snapshots="epochs"),
                         default_runs_dir() / "closing")
        with qtbot.waitSignal(_training(w).controller.snapshot_received, timeout=60000):
            pass
        answers = iter(["cancel", "stop"])
        monkeypatch.setattr(_training(w), "ask_on_close", lambda: next(answers))
        w.close()
        assert w.isVisible() and _training(w).running  # "Keep working"
        w.close()
        assert not w.isVisible() and not _training(w).running
        assert not (default_runs_dir() / "closing").exists()
        assert [p.name for p in default_runs_dir().iterdir()] == []  # no partial folder either
    finally:
        dispose(w)


def test_runs_menu_lists_complete_runs_and_opens_one(qtbot, window) -> None:  # noqa: ANN001
    a = make_fake_run(default_runs_dir() / "alpha", epochs=2)
    make_fake_run(default_runs_dir() / "beta", epochs=3)
    (default_runs_dir() / ".gamma.partial-1234").mkdir()  # a run being written is never listed
    window.runs_menu.refresh()
    texts = [act.text() for act in window.runs_menu.run_actions()]
    assert len(texts) == 3 and texts[0].startswith("beta") and texts[1].startswith("alpha")
    assert texts[2].startswith("fashion-mnist-default")  # the shipped run, listed whatever the runs folder
    assert "2 epochs" in texts[1] and "test loss" in texts[1]
    next(act for act in window.runs_menu.run_actions() if act.data() == str(a)).trigger()
    assert window.run.path == a and window.timeline.epochs == 2


def test_progress_strip_repaints_rarely(qtbot, window) -> None:  # noqa: ANN001
    """Every repaint composites the whole window (the view is an OpenGL widget), so the strip
    must not animate while it waits and must not follow every Progress message (~20 a second)."""
    from PySide6.QtCore import QEvent, QObject

    strip = _training(window).progress
    ticks = {"n": 0}

    class CountAnimationTicks(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
            if obj is strip.bar and event.type() == QEvent.Type.StyleAnimationUpdate:
                ticks["n"] += 1
            return False

    counter = CountAnimationTicks()
    strip.bar.installEventFilter(counter)
    try:
        strip.begin("starting")
        strip.bar.grab()  # paints the bar (exposed or not): a style starts a busy animation there
        qtbot.wait(300)  # a busy bar ticks ~18 times in this time
    finally:
        strip.bar.removeEventFilter(counter)
    assert ticks["n"] == 0

    strip.show_progress(1, 20, 50, 938, 0.4, 100.0)
    assert "batch 50/938" in strip.label.text()
    for batch in range(100, 950, 50):  # arriving back to back: all but the first wait their turn
        strip.show_progress(1, 20, batch, 938, 0.4, 90.0)
    assert "batch 50/938" in strip.label.text()
    strip.show_progress(2, 20, 0, 938, 0.3, 80.0, force=True)  # an epoch end always shows
    assert "epoch 2/20" in strip.label.text() and strip.bar.value() == 938
