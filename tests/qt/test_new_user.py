"""Issue 25 in the window: Escape clears, the status bar's train loss in epoch 1, the shortcuts list, the highlight."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from qt.conftest import REPO, dispose, open_window

BUNDLED = REPO / "checkpoints" / "fashion-mnist-default"


def _press(qtbot, window, key: str, qt_key: Qt.Key) -> None:  # noqa: ANN001
    """The key if the window is active (a bare Xvfb may never activate it), else the action bound to it."""
    with qtbot.waitActive(window, timeout=2000) if not window.isActiveWindow() else _null():
        window.activateWindow()
    if window.isActiveWindow():
        qtbot.keyClick(window, qt_key)
    else:
        next(a for a in window.findChildren(type(window.escape_action)) if a.shortcut().toString() == key).trigger()


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_args: object) -> None:
        return None


def test_escape_clears_the_selection_and_leaves_free_roam(qtbot, window) -> None:  # noqa: ANN001
    state = window.model
    state.pick.selected = 7
    _press(qtbot, window, "Esc", Qt.Key.Key_Escape)
    assert state.pick.selected is None and window.scene.selected is None
    window.parts["inspect"]["roam_action"].setChecked(True)
    assert state.pick.probe is not None
    _press(qtbot, window, "Esc", Qt.Key.Key_Escape)
    assert state.pick.probe is None and not window.parts["inspect"]["roam_action"].isChecked()


@pytest.fixture
def bundled_window(qtbot, settings, data_dir_or_none):  # noqa: ANN001, ANN201
    if not (BUNDLED / "run.json").is_file():
        pytest.skip("the bundled run is not present")
    w = open_window(qtbot, settings, data_dir_or_none, BUNDLED)
    yield w
    dispose(w)


def test_the_status_bar_shows_the_train_loss_inside_epoch_1(bundled_window) -> None:  # noqa: ANN001
    """It said "train loss –" through all of epoch 1 (steps 3-239) although every step's loss is stored."""
    from latent3d.analysis.curves import binned_loss_at

    state = bundled_window.model
    for snapshot in (1, 5, 12):
        state.time.position = float(snapshot)
        expected = binned_loss_at(state.time.run.step_loss, state.time.step, state.time.time_axis)
        assert expected is not None
        assert f"train loss {expected:.4f}" in bundled_window.status.loss_label.text()
    state.time.position = 0.0
    assert "train loss –" in bundled_window.status.loss_label.text()  # step 0: nothing trained yet


def test_help_lists_every_shortcut_of_the_window(qtbot, window) -> None:  # noqa: ANN001
    dialog = window.show_shortcuts()
    keys = {k for k, _what in dialog.rows}
    for key in ("Esc", "Space", "Left", "Right", "Home", "End", "PgUp", "PgDown", "F", "R", "Shift+R", "Ctrl+O"):
        assert key in keys, key
    what = dict(dialog.rows)
    assert what["Esc"] == "Clear selection" and what["Home"] == "First snapshot"
    dialog.close()


def test_hovering_a_class_in_the_legend_brings_it_out_in_scene_and_plot(qtbot, window) -> None:  # noqa: ANN001
    labels = np.asarray(window.model.time.run.labels)
    window.parts["display"]["legend"].itemEntered.emit(window.parts["display"]["legend"].item(3))
    assert window.model.display.highlight_class == 3
    from latent3d.scene.core.look import CLASS_COLORS

    rgb = np.asarray(window.scene._cloud.point_data["rgb"]).astype(int)
    own, background = np.asarray(CLASS_COLORS)[labels], np.array([0x1e, 0x21, 0x27])
    assert (rgb[labels == 3] == own[labels == 3]).all()
    faded = np.abs(rgb[labels != 3] - background).sum(axis=1)
    assert (faded < 0.5 * np.abs(own[labels != 3] - background).sum(axis=1)).all()  # the others near the background
    assert window.loss_panel.classes[3].isVisible()
    window.parts["display"]["legend"].leaveEvent(None)
    assert window.model.display.highlight_class is None




def test_save_view_starts_in_the_runs_folder_then_in_the_last_folder(window, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """It started in the working directory (the source tree, from a clone)."""
    from PySide6.QtWidgets import QFileDialog

    from latent3d.runs import default_runs_dir

    starts: list[str] = []
    target = tmp_path / "views" / "mine.json"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda _parent, _caption, start, _filters: starts.append(start) or (str(target), "")))
    window.files.save_view_dialog()
    assert Path(starts[0]).parent == default_runs_dir() and target.is_file()
    window.files.save_view_dialog()
    assert Path(starts[1]).parent == target.parent


def test_the_free_roam_tooltip_says_what_it_does(window) -> None:  # noqa: ANN001
    tip = window.parts["inspect"]["roam_action"].toolTip()
    assert tip.strip().lower() not in ("free roam", "free roam (f)") and "probe" in tip


def test_after_stop_the_run_before_comes_back_with_its_camera_selection_and_position(
        window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """Stop gave the run before back framed as the live run was (the cloud cut off) and without its selection."""
    import dataclasses

    from latent3d.config.train import TrainConfig
    from tests.support.scene_fixtures import grown

    model, training = window.model, window.parts["training"]["training"]
    before = model.time.run
    model.time.follow = False
    model.time.position = 1.0
    model.pick.selected = 7
    camera = dataclasses.replace(model.camera.camera, position=tuple(2 * v for v in model.camera.camera.position))
    model.camera.camera = camera
    monkeypatch.setattr(training.controller, "start", lambda job: None)
    training.start(TrainConfig(epochs=1), tmp_path / "live")
    live = grown(before, 2)  # what a training shows after two snapshots: shown afresh, framed by follow
    training._shown = live
    window.files.show_run(live)
    model.pick.selected = 3
    model.camera.camera = dataclasses.replace(camera, position=tuple(0.2 * v for v in camera.position))
    training._on_stopped()
    assert model.time.run is before and model.time.position == 1.0
    assert model.pick.selected == 7 and window.scene.selected == 7
    assert model.camera.camera.position == pytest.approx(camera.position)  # (VTK orthogonalises the view-up)
    assert model.camera.camera.focal_point == pytest.approx(camera.focal_point)
    assert window.view.camera_position[0] == pytest.approx(camera.position)
