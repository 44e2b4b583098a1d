"""The window's training makes the checks `train` makes before it starts (issue 19, item 13)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from latent3d.config.train import TrainConfig
from latent3d.qt.training.live import LiveTraining
from latent3d.runs.writer import RunWriter
from latent3d.state.viewer_model import ViewerModel


@pytest.fixture
def training(qtbot, settings, monkeypatch: pytest.MonkeyPatch) -> tuple[LiveTraining, list[str]]:  # noqa: ANN001
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()))
    parent = QWidget()
    qtbot.addWidget(parent)
    model = ViewerModel()
    return LiveTraining(model.time, model.camera, model.pick, settings, parent, data_dir=None,
                        show_run=lambda run: None, set_run=model.set_run), shown


def test_a_name_another_training_writes_is_refused_before_starting(training, tmp_path: Path) -> None:  # noqa: ANN001
    live, shown = training
    other = RunWriter(tmp_path / "busy", TrainConfig(epochs=1), steps_per_epoch=1)
    try:
        live.start(TrainConfig(epochs=1), tmp_path / "busy")
        assert not live.running and len(shown) == 1 and "another training is writing" in shown[0]
    finally:
        other.abort()


def test_a_disk_too_small_is_refused_before_starting(training, tmp_path: Path,  # noqa: ANN001
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from latent3d.job import preflight

    live, shown = training
    monkeypatch.setattr(preflight, "free_disk", lambda path: 14_000_000)  # the round-three case: 14 MB free
    live.start(TrainConfig(epochs=20), tmp_path / "big")
    assert not live.running and len(shown) == 1 and "would take about" in shown[0]
