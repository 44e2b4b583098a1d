"""The training progress strip: Stop stays put, *Close when finished* is announced, time left from the step rate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget
from qt.conftest import dispose, open_window

from latent3d.config.train import TrainConfig
from latent3d.job.process import Progress, Started
from latent3d.qt.training.progress import TrainingProgress
from latent3d.state.viewer_model import ViewerModel


def _training(window: Any) -> Any:
    """The window's training feature (its LiveTraining)."""
    return window.parts["training"]["training"]



def _strip_in_status_row(qtbot) -> tuple[QWidget, TrainingProgress]:  # noqa: ANN001
    row = QWidget()
    layout = QHBoxLayout(row)
    strip = TrainingProgress(ViewerModel().time)
    layout.addWidget(strip, 1)
    layout.addWidget(QLabel("run fashion-mnist-default · 10,000 test codes"))
    qtbot.addWidget(row)
    row.resize(1100, 30)
    row.show()
    qtbot.waitExposed(row)
    return row, strip


def _x(w: QWidget, row: QWidget) -> int:
    return w.mapTo(row, QPoint(0, 0)).x()


def test_stop_and_follow_stay_put_as_the_text_changes(qtbot) -> None:  # noqa: ANN001
    row, strip = _strip_in_status_row(qtbot)
    strip.begin("starting training of run-1…")
    qtbot.wait(10)
    where = (_x(strip.stop_button, row), _x(strip.follow, row))
    texts = []
    for show in (
        lambda: strip.begin("training run-20261125-083012-with-a-long-name on 60,000 images (cpu)…"),
        lambda: strip.show_progress(3, 20, 400, 938, 0.3012, 15.0, force=True),
        lambda: strip.show_progress(13, 200, 40000, 93800, 0.30121, 3 * 3600 + 125.0, force=True),
        lambda: strip.set_closing(True),
        strip.set_stopping,
    ):
        show()
        qtbot.wait(10)
        texts.append(strip.label.text())
        assert strip.label.toolTip() == texts[-1] and strip.label.text_shown().rstrip("…") in texts[-1]
        assert (_x(strip.stop_button, row), _x(strip.follow, row)) == where, texts[-1]
    assert texts[2].startswith("epoch 13/200 · 3:02:05 left")  # elided on screen if need be, whole in the tooltip
    assert strip.minimumSizeHint().width() < 700  # a long text does not widen the status bar


def test_close_when_finished_is_announced(qtbot, settings, synthetic_run: Path, monkeypatch) -> None:  # noqa: ANN001
    w = open_window(qtbot, settings, None, synthetic_run)
    try:
        training = _training(w)
        training.progress.begin("training…")
        assert not training.progress.closing.isVisible()
        monkeypatch.setattr(type(training.controller), "running", property(lambda _self: True))
        monkeypatch.setattr(training, "ask_on_close", lambda: "wait")
        assert training.confirm_close() is False
        assert training.progress.closing.isVisible()
        assert training.progress.closing.text() == "closes when done"
        assert "the window will close when the training ends" in training.progress.closing.toolTip()
        monkeypatch.setattr(training, "ask_on_close", lambda: "cancel")
        training.confirm_close()  # Keep working: no longer closing
        assert not training.progress.closing.isVisible()
    finally:
        monkeypatch.undo()
        dispose(w)


def test_time_left_comes_from_the_measured_step_rate(qtbot, settings, synthetic_run: Path) -> None:  # noqa: ANN001
    """A fake clock: a 3 s first 50 batches, then 12 ms a batch; the strip shows the steady rate's estimate."""
    w = open_window(qtbot, settings, None, synthetic_run)
    try:
        training = _training(w)
        now = [100.0]
        training.clock = lambda: now[0]
        training._config = TrainConfig(epochs=10, batch_size=64)
        training._on_started(Started(Path("x"), training._config, np.zeros(10, np.uint8), 100, 6400, "cpu"))
        training._eta.add(now[0], 0)  # as the epoch-0 update does
        shown = []
        for batch, seconds in ((50, 3.0), (100, 0.6), (150, 0.6)):
            now[0] += seconds
            epoch, b = divmod(batch - 1, 100)
            training._on_progress(Progress(epoch + 1, b + 1, 100, 0.3))
            training.progress._shown_at = -1e9  # the strip repaints at most twice a second of real time
            shown.append(training.progress.label.toolTip())
        # 850 batches left at 12 ms each: 0:10 (the old formula said 0:24 = 4.2 s / 150 * 850).
        assert shown[-1].startswith("epoch 2/10 · 0:10 left"), shown
    finally:
        dispose(w)
