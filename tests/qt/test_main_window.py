"""The main window under Xvfb: bundled run, picking by click, empty clicks, timeline, probe, classes, errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from qt.conftest import REPO, dispose, open_window

from latent3d.qt.widgets.image_view import to_uint8

BUNDLED = REPO / "checkpoints" / "fashion-mnist-default"


def _qt_pos(w, x: float, y: float) -> QPoint:  # noqa: ANN001
    """VTK display pixel (origin bottom-left, device pixels) -> widget position (top-left, logical)."""
    dpr = w.view.devicePixelRatioF()
    h = w.view.ren_win.GetSize()[1]
    return QPoint(int(round(x / dpr)), int(round((h - 1 - y) / dpr)))


def _front_most(w) -> int:  # noqa: ANN001
    depth = np.array([w.scene.display_position(i)[2] for i in range(w.scene.n_points)])
    visible = np.array([w.scene.class_visible(int(c)) for c in w.run.labels])
    depth[~visible] = np.inf
    return int(np.argmin(depth))


def _click(qtbot, w, x: float, y: float) -> None:  # noqa: ANN001
    qtbot.mouseClick(w.view, Qt.MouseButton.LeftButton, pos=_qt_pos(w, x, y))


def test_window_opens_on_bundled_run(qtbot, settings, data_dir_or_none) -> None:  # noqa: ANN001
    if not (BUNDLED / "run.json").is_file():
        pytest.skip("the bundled run checkpoints/fashion-mnist-default/ is not present")
    w = open_window(qtbot, settings, data_dir_or_none, BUNDLED)
    try:
        img = w.view.grab().toImage()
        bg = img.pixelColor(2, 2)
        samples = [img.pixelColor(x, y) for x in range(0, img.width(), 7) for y in range(0, img.height(), 7)]
        assert sum(c != bg for c in samples) > 50  # points were drawn
        assert w.run.epochs == w.timeline.epochs
    finally:
        dispose(w)


def test_click_selects_exact_point_and_shows_both_images(qtbot, window) -> None:  # noqa: ANN001
    i = _front_most(window)
    x, y, _ = window.scene.display_position(i)
    _click(qtbot, window, x, y)
    assert window.scene.selected == i
    sel = window.parts["inspect"]["panel"].selection
    e = window.model.time.snapshot
    expected = to_uint8(window.run.decoder(e)(window.run.codes[e, i])[0])
    np.testing.assert_array_equal(sel.right.image, expected)
    if window.images.pixels is not None:
        np.testing.assert_array_equal(sel.left.image, window.images.pixels[i])
    assert f"{i}" in sel.details.text()


def test_click_on_empty_space_changes_nothing(qtbot, window) -> None:  # noqa: ANN001
    window.model.pick.selected = 7
    before = window.parts["inspect"]["panel"].selection.details.text()
    _click(qtbot, window, 3, 3)
    assert window.scene.selected == 7
    assert window.parts["inspect"]["panel"].selection.details.text() == before


@pytest.mark.parametrize("axis", ["linear", "log"])
def test_slider_moves_points_to_that_snapshot_and_camera_stays(window, axis: str) -> None:  # noqa: ANN001
    from latent3d.qt.timeline.widget import SLIDER_MAX

    window.model.time.time_axis = axis
    time = window.model.time.time
    cam = window.view.camera_position
    rendered = window.scene._cloud_actor.GetMapper().GetInput()
    window.timeline.slider.setValue(round(time.fraction(1.0, axis) * SLIDER_MAX))  # snapshot 1 (epoch 1)
    assert window.model.time.position == pytest.approx(1.0, abs=1e-3)
    np.testing.assert_allclose(np.asarray(rendered.points), window.run.codes[1], atol=1e-2)
    window.timeline.set_position(1.5)
    np.testing.assert_allclose(np.asarray(rendered.points), (window.run.codes[1] + window.run.codes[2]) / 2, atol=1e-6)
    window.view.ren_win.Render()
    assert window.view.camera_position == cam
    assert f"epoch {time.epoch_at(1.5):.2f}" in window.status.position_label.text()


def test_selection_follows_epoch(window) -> None:  # noqa: ANN001
    window.model.pick.selected = 11
    window.timeline.set_position(1)
    expected = to_uint8(window.run.decoder(1)(window.run.codes[1, 11])[0])
    np.testing.assert_array_equal(window.parts["inspect"]["panel"].selection.right.image, expected)


def test_probe_decode_matches_decoder(window) -> None:  # noqa: ANN001
    window.parts["inspect"]["gestures"].set_free_roam(True)
    assert window.parts["inspect"]["panel"].probe.isVisible()
    p = np.array([0.5, -1.0, 2.0], np.float32)
    window.scene.set_probe_position(p)
    e = window.model.time.snapshot
    probe = window.parts["inspect"]["panel"].probe
    np.testing.assert_array_equal(probe.left.image, to_uint8(window.run.decoder(e)(p)[0]))
    d = np.linalg.norm(window.scene.positions - p, axis=1)
    assert f"#{int(np.argmin(d))}" in window.parts["inspect"]["panel"].probe.details.text()
    window.parts["inspect"]["gestures"].set_free_roam(False)
    assert window.scene.probe_position is None


def test_double_click_on_empty_space_moves_probe(window) -> None:  # noqa: ANN001
    window.parts["inspect"]["gestures"].set_free_roam(True)
    window.view.click(5, 5, double=True)
    np.testing.assert_allclose(window.scene.probe_position, window.scene.focal_plane_point(5, 5), atol=1e-4)


def test_class_toggle_hides_class(qtbot, window) -> None:  # noqa: ANN001
    i = _front_most(window)
    cls = int(window.run.labels[i])
    window.parts["display"]["legend"].set_checked(cls, False)
    assert not window.scene.class_visible(cls)
    window.view.ren_win.Render()
    x, y, _ = window.scene.display_position(i)
    picked = window.view.click(int(round(x)), int(round(y)))
    assert picked is None or int(window.run.labels[picked]) != cls


def test_keys_step_and_play(qtbot, window) -> None:  # noqa: ANN001
    keys = {a.shortcut().toString(): a for a in window.actions()}
    assert {"Space", "Left", "Right", "R"} <= set(keys)

    def press(key: str, qt_key: Qt.Key) -> None:
        # A window shortcut fires only in the active window; a bare Xvfb without a window manager
        # may never activate it, so fall back to the action the key is bound to.
        if window.isActiveWindow():
            qtbot.keyClick(window, qt_key)
        else:
            keys[key].trigger()

    window.activateWindow()
    window.timeline.set_position(1)
    press("Right", Qt.Key.Key_Right)
    assert window.timeline.position == 2
    press("Left", Qt.Key.Key_Left)
    assert window.timeline.position == 1
    press("Space", Qt.Key.Key_Space)
    assert window.timeline.playing
    with qtbot.waitSignal(window.timeline.position_changed, timeout=2000):
        pass
    press("Space", Qt.Key.Key_Space)
    assert not window.timeline.playing
    window.view.camera.Azimuth(40)
    moved = window.view.camera_position
    press("R", Qt.Key.Key_R)
    assert window.view.camera_position != moved


def test_broken_run_shows_error_and_keeps_view(window, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[2]))
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()))  # latent3d.qt.widgets.dialogs' boxes
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "run.json").write_text("{not json")
    name = window.run.name
    assert not window.files.open_run(broken)
    assert shown and "JSON" in shown[0]
    assert window.run.name == name


def test_without_dataset_original_slot_says_how(qtbot, settings, synthetic_run, tmp_path) -> None:  # noqa: ANN001
    w = open_window(qtbot, settings, tmp_path / "no-data", synthetic_run)
    try:
        w.model.pick.selected = 3
        assert "see below" in w.parts["inspect"]["panel"].selection.left.text()
        text = w.parts["inspect"]["panel"].selection.details.text()
        assert "not found" in text and "--data-dir" in text
        assert w.parts["inspect"]["panel"].selection.right.image is not None
    finally:
        dispose(w)


def test_settings_remember_geometry_and_run(window, settings) -> None:  # noqa: ANN001
    window.close()
    settings.sync()
    assert settings.value("geometry") is not None
    assert Path(str(settings.value("last_run"))).name == "synthetic"


def test_run_viewer_broken_path_exits_2(qapp, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QMessageBox

    from latent3d.qt.app import run_viewer

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[2]))
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()))  # latent3d.qt.widgets.dialogs' boxes
    assert run_viewer(tmp_path / "nope", None) == 2
    assert shown and "does not exist" in shown[0]


def test_playback_of_a_large_cloud_uses_the_cheap_points(qtbot, settings, tmp_path) -> None:  # noqa: ANN001
    from latent3d.qt.canvas.gestures import PLAY_LOD_POINTS
    from tests.support.scene_fixtures import make_run

    w = open_window(qtbot, settings, None, make_run(tmp_path / "big", n=PLAY_LOD_POINTS + 1000, epochs=1))
    try:
        w.timeline.set_position(0.0)
        w.timeline.play()
        assert w.scene.fast
        w.timeline.pause()
        assert not w.scene.fast
    finally:
        dispose(w)


def test_update_run_renders_once(window, qtbot, monkeypatch) -> None:  # noqa: ANN001
    """A live training's new epoch rebuilds the scene and restores camera, selection and probe:
    all of it becomes one render (each is ~30 ms of CPU in software GL, taken from the training)."""
    from tests.support.scene_fixtures import grown

    run = window.run
    e = len(run.codes) - 1
    longer = grown(run)  # the same run with one more snapshot, as a live training delivers it
    from pyvista.plotting.plotter import BasePlotter

    window.model.pick.selected = 7
    window.parts["inspect"]["path_view"].start(7, 9)
    qtbot.wait(50)
    renders = []
    original = BasePlotter.render

    def counting(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if self is window.view:
            renders.append(1)
        return original(self, *args, **kwargs)

    # Counted: the renders the window asks for (Qt's own repaints of the widget are not ours to batch).
    monkeypatch.setattr(BasePlotter, "render", counting)
    window.model.set_run(longer, position=float(len(longer.codes) - 1))  # what a live training does
    window.presenter.fit_camera()
    qtbot.wait(50)  # renders are requested, then done once when the event loop is idle
    assert len(renders) == 1
    assert window.model.pick.path is not None and (window.model.pick.path.a, window.model.pick.path.b) == (7, 9)
    assert window.run is longer and window.timeline.last == e + 1 and window.scene.selected == 7


@pytest.mark.parametrize("size", [(1400, 900), (1280, 800)])
def test_the_3d_view_gets_most_of_the_window(qtbot, settings, synthetic_run, size) -> None:  # noqa: ANN001
    from qt.conftest import dispose, open_window

    w = open_window(qtbot, settings, None, synthetic_run)
    try:
        w.resize(*size)
        qtbot.wait(100)
        view, win = w.view.size(), w.size()
        # Half the height at least: the docks under it give each plot a 300x150 px data area (issue 32).
        assert view.width() >= 0.7 * win.width() and view.height() >= 0.5 * win.height()
        legend = w.parts["display"]["legend"]
        top_left = legend.mapTo(w, legend.rect().topLeft())
        assert legend.isVisible() and top_left.y() + legend.height() <= win.height()  # the legend is on screen
        w.parts["inspect"]["gestures"].set_free_roam(True)  # the probe panel opens: the legend stays in sight
        qtbot.wait(50)
        assert legend.mapTo(w, legend.rect().bottomLeft()).y() <= win.height()
    finally:
        dispose(w)
