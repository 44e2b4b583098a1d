"""A live training and the one follow: the strip's toggle is the time model's, on while training, given back after."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QWidget

from latent3d.config.train import TrainConfig
from latent3d.job.process import Snapshot, Started
from latent3d.qt.training.controller import TrainingController
from latent3d.qt.training.live import LiveTraining
from latent3d.qt.training.progress import TrainingProgress
from latent3d.runs import load_run
from latent3d.state.values import Camera
from latent3d.state.viewer_model import ViewerModel
from tests.conftest import make_fake_run

N = 40  # test images of the run trained
SPE = 10  # steps per epoch
DECODER = {f"decoder.{i}.{k}": np.zeros((2,), np.float32) for i in (0, 2, 4, 6) for k in ("weight", "bias")}


def _snapshot(step: int, prev: int) -> Snapshot:
    end = step > 0 and step % SPE == 0
    return Snapshot(step, step / SPE, SPE, np.full((N, 3), step, np.float32), np.full(N, 0.5, np.float32),
                    0.5, DECODER, np.zeros(step - prev, np.float32), 0.4 if end else None, end, 0.01)


@pytest.fixture
def live(qtbot, settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[LiveTraining, ViewerModel]:  # noqa: ANN001
    """A LiveTraining on a bare ViewerModel showing a run; its training process is never started."""
    model = ViewerModel()
    model.set_run(load_run(make_fake_run(tmp_path / "before", epochs=1, n=N)))
    model.time.follow = False  # the whole-run framing: a training turns follow on and gives it back
    parent = QWidget()
    qtbot.addWidget(parent)
    training = LiveTraining(model.time, model.camera, model.pick, settings, parent, data_dir=None,
                            show_run=lambda run: model.set_run(run, fresh=True), set_run=model.set_run)
    qtbot.addWidget(training.progress)  # the window puts it in its status bar
    monkeypatch.setattr(training.controller, "start", lambda job: None)
    return training, model


def _start(training: LiveTraining, config: TrainConfig, target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    training.start(config, target)
    monkeypatch.setattr(TrainingController, "running", property(lambda self: True))  # as if its process ran
    training._on_started(Started(target, config, np.zeros(N, np.uint8), SPE, 640, "cpu"))


def test_the_strip_toggle_shows_and_sets_the_time_models_follow(qtbot) -> None:  # noqa: ANN001
    model = ViewerModel()
    model.time.follow = False  # the user turned follow off
    strip = TrainingProgress(model.time)
    qtbot.addWidget(strip)
    seen: list[bool] = []
    model.time.events.follow.connect(seen.append)
    assert not strip.follow.isChecked()
    strip.follow.setChecked(True)
    assert model.time.follow and seen == [True]
    model.time.follow = False
    assert not strip.follow.isChecked() and seen == [True, False]  # one event a write, no echo from the box
    strip.offer_framing()
    strip.frame_button.click()
    assert model.time.follow and strip.follow.isChecked() and strip.frame_button.isHidden()
    strip.detach()
    model.time.follow = False
    assert strip.follow.isChecked()  # detached: it no longer shows the model


def test_a_training_follows_until_the_camera_is_taken_and_gives_follow_back(live, tmp_path: Path,  # noqa: ANN001
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    training, model = live
    model.camera.camera = Camera((4.0, 1.0, 2.0), (0.0, 0.0, 0.0), (0.0, 0.0, 1.0))
    before, pose = model.time.run, model.camera.camera
    config = TrainConfig(epochs=2, max_train_images=640, max_test_images=N)
    _start(training, config, tmp_path / "new", monkeypatch)
    assert model.time.follow and training.progress.follow.isChecked()  # each snapshot shown and framed
    steps = [0, 2, 5, 10]
    for prev, step in zip([0, *steps], steps):
        training._on_snapshot(_snapshot(step, prev))
        assert model.time.run is not None and model.time.run.last_step == step
        assert model.time.position == model.time.run.n_snapshots - 1  # following: at the newest snapshot
    training.user_moved_camera()
    assert not model.time.follow and not training.progress.follow.isChecked()
    assert not training.progress.frame_button.isHidden()
    model.time.position = 1.0
    training._on_snapshot(_snapshot(12, 10))
    assert model.time.run.last_step == 12 and model.time.position == 1.0  # not following: it stays
    training.progress.frame_button.click()
    assert model.time.follow and training.progress.frame_button.isHidden()
    assert model.time.position == model.time.run.n_snapshots - 1  # back at the newest snapshot at once
    training._on_snapshot(_snapshot(20, 12))
    assert model.time.position == model.time.run.n_snapshots - 1
    training._on_stopped()
    assert model.time.run is before and not model.time.follow  # follow as before the training
    assert model.camera.camera == pose  # and the camera as the user left it


def test_a_finished_training_shows_its_last_snapshot_then_gives_follow_back(live, tmp_path: Path,  # noqa: ANN001
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    training, model = live
    model.time.follow = True  # the user's own choice before the training: kept after it
    config = TrainConfig(epochs=1, max_train_images=640, max_test_images=N)
    _start(training, config, tmp_path / "done", monkeypatch)
    training._on_snapshot(_snapshot(0, 0))
    training.user_moved_camera()
    assert not model.time.follow
    final = make_fake_run(tmp_path / "done", epochs=1, n=N)
    training._on_finished(final)
    assert model.time.run is not None and model.time.run.path == final
    assert model.time.follow and training.progress.frame_button.isHidden()
