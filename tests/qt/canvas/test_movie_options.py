"""Movie export options (issue 25): duration, fps and size set in one dialog; a step caption; the overlay left out."""

from __future__ import annotations

from pathlib import Path

import imageio.v2 as imageio
import numpy as np

from latent3d.qt.canvas.movie_dialog import MovieOptions, MovieOptionsDialog, frames_per_snapshot


def test_a_duration_becomes_frames_between_snapshots() -> None:
    assert frames_per_snapshot(39, 10.0, 20) == 5  # 196 frames: 9.8 s (the old fixed 10: 391 frames, 19.6 s)
    assert frames_per_snapshot(39, 1.0, 5) == 1  # never fewer than one
    assert frames_per_snapshot(0, 10.0, 20) == 199  # a one-snapshot run: a still


def test_the_dialog_says_the_frame_count_and_offers_to_leave_the_overlay_out(qtbot) -> None:  # noqa: ANN001
    plain = MovieOptionsDialog(39, (1000, 700), overlay_on=False)
    qtbot.addWidget(plain)
    assert plain.options() == MovieOptions(leave_out_overlay=False)
    assert not plain.overlay.isVisibleTo(plain)
    dialog = MovieOptionsDialog(39, (1000, 700), overlay_on=True)
    qtbot.addWidget(dialog)
    assert dialog.overlay.isVisibleTo(dialog) and dialog.options().leave_out_overlay
    dialog.seconds.setValue(4.0)
    dialog.fps.setValue(10)
    dialog.frame_size.setCurrentIndex(1)
    assert dialog.frame_count() == 39 * 1 + 1 and "40 frames" in dialog.summary.text()
    assert dialog.options().shrink == 2 and "500×350" in dialog.frame_size.currentText()


def test_frames_carry_the_step_caption_at_half_size_without_the_overlay(window, tmp_path: Path) -> None:  # noqa: ANN001
    movie = window.exports.movie
    w, h = window.view.window_size
    n = movie.write(tmp_path / "plain.gif", fps=10, frames_per_snapshot=1, parent=window)
    captioned = movie.write(tmp_path / "cap.gif", fps=10, frames_per_snapshot=1, parent=window, caption=True,
                            shrink=2)
    assert n == captioned
    plain, cap = imageio.mimread(tmp_path / "plain.gif"), imageio.mimread(tmp_path / "cap.gif")
    assert cap[0].shape[:2] == ((h // 2) // 2 * 2, (w // 2) // 2 * 2)
    corner = lambda f: f[: f.shape[0] // 8, : f.shape[1] // 3, :3].astype(int)  # noqa: E731 - top left
    bright = lambda f: int((corner(f).min(axis=-1) > 110).sum())  # noqa: E731 - the caption's light text
    assert bright(cap[0]) > 20 and bright(plain[0][::2, ::2]) < bright(cap[0]) / 2
    assert not movie._caption.actor.GetVisibility()  # the live view shows no caption afterwards


def test_the_overlay_is_left_out_of_the_movie_and_comes_back(window, tmp_path: Path) -> None:  # noqa: ANN001
    state = window.model
    seen: list[bool] = []
    frame_at = window.exports.movie.frame_at
    window.exports.movie.frame_at = lambda u, *a: seen.append(state.display.train_overlay) or frame_at(u, *a)
    state.display.train_overlay = True
    on = state.display.train_overlay  # the synthetic run may store no training codes: then it stays off
    window.exports.movie.write(tmp_path / "o.gif", fps=10, frames_per_snapshot=1, parent=window,
                               leave_out_overlay=True)
    assert not any(seen) and state.display.train_overlay == on
    assert np.all(np.array(seen) == False)  # noqa: E712


def test_a_screenshot_can_carry_the_step_caption(window, tmp_path: Path) -> None:  # noqa: ANN001
    """Issue 25: exported PNGs can carry the step caption, at the view's size and off screen at 2x."""
    from latent3d.qt.canvas.export import save_screenshot

    top_left = lambda f: int((f[: f.shape[0] // 8, : f.shape[1] // 3, :3].min(axis=-1) > 200).sum())  # noqa: E731
    for scale in (1, 2):
        save_screenshot(window.view, tmp_path / "cap.png", scale, window.exports.shown, caption=True)
        save_screenshot(window.view, tmp_path / "plain.png", scale, window.exports.shown)  # after: the caption is gone
        plain, cap = imageio.imread(tmp_path / "plain.png"), imageio.imread(tmp_path / "cap.png")
        assert top_left(cap) > 20 * scale and top_left(plain) < top_left(cap) / 2, scale
        assert cap.shape[0] == scale * window.view.window_size[1]


def test_with_follow_on_the_camera_choice_says_the_movie_follows(qtbot, window, monkeypatch) -> None:  # noqa: ANN001
    """Issue 32 defect 7: "Keep my camera (the cloud grows from a speck)" was offered while Follow framed each frame."""
    following = MovieOptionsDialog(39, (1000, 700), overlay_on=False, follow=True)
    qtbot.addWidget(following)
    texts = [following.camera.itemText(i) for i in range(following.camera.count())]
    assert texts and all("Keep my camera" not in t for t in texts) and "Follow the snapshot" in texts[0]
    assert following.options().fit_each and not following.camera.isEnabled()
    plain = MovieOptionsDialog(39, (1000, 700), overlay_on=False)
    qtbot.addWidget(plain)
    assert "Keep my camera" in plain.camera.itemText(0) and plain.camera.isEnabled()
    seen: list[bool] = []  # the window's export asks with the time model's follow
    monkeypatch.setattr("latent3d.qt.canvas.export.save_file_name",
                        lambda *a: (str(window.run.path.parent / "m.gif"), "gif"))
    monkeypatch.setattr(MovieOptionsDialog, "exec", lambda self: seen.append(self.camera.count() == 1) or 0)
    for on in (True, False):
        window.model.time.follow = on
        assert window.exports.movie.ask(window) is None  # the dialog "cancelled"; nothing written
    assert seen == [True, False]
