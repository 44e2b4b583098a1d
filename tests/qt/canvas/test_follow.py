"""Follow the snapshot in the window: the action, the easing camera, Fit, and a live training's 'frame the cloud'."""

from __future__ import annotations

import math

import pytest

from latent3d.qt.training.live import LiveTraining


def _near(a, b, rel: float = 2e-2) -> bool:  # noqa: ANN001
    span = math.dist(b.position, b.focal_point)
    return math.dist(a.position, b.position) < rel * span and math.dist(a.focal_point, b.focal_point) < rel * span


def test_follow_action_and_state_agree(window) -> None:  # noqa: ANN001
    assert window.follow_action.isChecked() and window.model.time.follow  # on by default (issue 32)
    window.follow_action.trigger()
    assert not window.model.time.follow
    window.model.time.follow = True
    assert window.follow_action.isChecked()


def test_following_eases_the_camera_to_frame_the_snapshot(qtbot, window) -> None:  # noqa: ANN001
    window.model.time.follow = False  # on by default (issue 32): start from the whole-run framing
    window.presenter.reset_camera()  # the whole run framed, as a window opened with follow off shows it
    window.model.time.position = 0.0
    qtbot.wait(50)
    before = window.model.camera.camera
    window.model.time.follow = True
    target = window.presenter.framing()
    assert not _near(before, target)  # the untrained cloud was framed with all the snapshots
    assert window.easer.moving  # eased, not a jump
    qtbot.waitUntil(lambda: not window.easer.moving, timeout=5000)
    assert _near(window.model.camera.camera, target)
    window.model.time.position = 3.0  # scrubbing: the camera glides to the next framing
    qtbot.waitUntil(lambda: _near(window.model.camera.camera, window.presenter.framing()), timeout=5000)


def test_fit_frames_the_snapshot_shown(qtbot, window) -> None:  # noqa: ANN001
    window.model.time.position = 0.0
    window.fit_action.trigger()
    assert _near(window.model.camera.camera, window.presenter.framing(), rel=1e-6)
    cam = window.view.camera
    assert math.dist(cam.GetFocalPoint(), window.model.camera.camera.focal_point) < 1e-6  # VTK follows the state


def test_grabbing_the_camera_stops_the_easing(qtbot, window) -> None:  # noqa: ANN001
    window.model.time.position = 0.0
    window.model.time.follow = True
    assert window.easer.moving
    window.view.signals.interacting.emit(True)
    assert not window.easer.moving


def test_a_moved_camera_stops_a_training_framing_until_asked(qtbot, window, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(LiveTraining, "running", property(lambda self: True))
    window.model.time.follow = True  # as a training starts: each snapshot framed as it comes
    strip = window.parts["training"]["training"].progress
    window.view.signals.interacting.emit(True)
    assert strip.frame_button.isVisibleTo(strip)
    assert not window.model.time.follow and not strip.follow.isChecked() and not window.follow_action.isChecked()
    strip.frame_button.click()
    assert window.model.time.follow and not strip.frame_button.isVisibleTo(strip)
    qtbot.waitUntil(lambda: _near(window.model.camera.camera, window.presenter.framing()), timeout=5000)  # framed again
    monkeypatch.undo()  # before the window closes: a running training would ask whether to stop it


@pytest.mark.parametrize("follow", [True, False])
def test_saved_view_keeps_follow(window, tmp_path, follow) -> None:  # noqa: ANN001
    window.model.time.follow = follow
    assert window.files.save_view(tmp_path / "v.json")
    window.model.time.follow = not follow
    assert window.files.open_view(tmp_path / "v.json")
    assert window.model.time.follow is follow


def test_a_movie_frame_follows_at_once(qtbot, window) -> None:  # noqa: ANN001
    window.model.time.position = float(window.model.time.time.last)
    window.model.time.follow = True
    window.easer.finish()
    window.exports.movie.frame_at(0.0)  # no time to ease between two frames of a movie
    target = window.presenter.framing()
    assert math.dist(window.view.camera.GetFocalPoint(), target.focal_point) < 1e-3 * math.dist(
        target.position, target.focal_point)
