"""The window's training controller kills a paused training when Stop is pressed, and says so (issue 19, item 3)."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

import pytest

from latent3d.config.train import TrainConfig
from latent3d.job.process import TrainingProcess
from latent3d.job.train_job import TrainJob
from latent3d.qt.training import controller as tc
from tests.support.paused_children import started_then_paused


class _Paused(TrainingProcess):
    """A training process whose child says it started, then pauses itself in the middle of a message."""

    def start(self) -> None:
        self._proc = mp.get_context("spawn").Process(target=started_then_paused, args=(self._queue,), daemon=True)
        super().start()


def test_stop_kills_a_paused_training_and_says_so(qtbot, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
                                                  tmp_path: Path) -> None:
    monkeypatch.setattr(tc, "TrainingProcess", _Paused)
    controller = tc.TrainingController()
    notes: list[str] = []
    controller.stopped.connect(lambda: notes.append("stopped"))
    controller.killed.connect(notes.append)
    controller.start(TrainJob(TrainConfig(epochs=1), tmp_path / "run"))
    qtbot.waitUntil(lambda: controller._process is not None and controller._process._started, timeout=30000)
    qtbot.wait(1000)  # the child is paused now, half a message in the pipe
    controller.stop()
    qtbot.waitUntil(lambda: not controller.running, timeout=30000)
    assert notes == ["stopped", tc.KILLED_SENTENCE]
    assert "killed" in tc.KILLED_SENTENCE and "discarded" in tc.KILLED_SENTENCE
