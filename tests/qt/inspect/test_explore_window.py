"""The exploring tools in the real window: Shift+click path, filmstrip, neighbours, colour modes, overlay, export."""

from __future__ import annotations

from pathlib import Path

import imageio.v2 as imageio
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from qt.conftest import REPO, dispose, open_window

from latent3d.analysis.explore import colour_range, map_colours
from latent3d.qt.canvas.export import save_screenshot
from latent3d.qt.widgets.image_view import to_uint8

BUNDLED = REPO / "checkpoints" / "fashion-mnist-default"


def _front_two(w) -> tuple[int, int]:  # noqa: ANN001
    """Two points in the view, nearest to the camera and far apart on screen (clicks hit them)."""
    disp = np.array([w.scene.display_position(i) for i in range(w.scene.n_points)])
    width, height = w.view.ren_win.GetSize()
    inside = (disp[:, 0] > 10) & (disp[:, 0] < width - 10) & (disp[:, 1] > 10) & (disp[:, 1] < height - 10)
    order = np.argsort(np.where(inside, disp[:, 2], np.inf))
    a = int(order[0])
    for j in order[1:200]:
        if np.hypot(*(disp[j, :2] - disp[a, :2])) > 40:
            return a, int(j)
    raise AssertionError("no second point found")


def _qt_pos(w, i: int) -> QPoint:  # noqa: ANN001
    x, y, _ = w.scene.display_position(i)
    dpr = w.view.devicePixelRatioF()
    h = w.view.ren_win.GetSize()[1]
    return QPoint(int(round(x / dpr)), int(round((h - 1 - y) / dpr)))


def _expected_strip(w, a: int, b: int, n: int) -> np.ndarray:  # noqa: ANN001
    e = w.model.time.snapshot
    za, zb = w.run.codes[e, a], w.run.codes[e, b]
    t = np.linspace(0, 1, n)[:, None]
    return np.stack([to_uint8(im) for im in w.run.decoder(e)(za + t * (zb - za))])


def test_shift_click_draws_path_and_strip_follows(qtbot, window) -> None:  # noqa: ANN001
    a, b = _front_two(window)
    qtbot.mouseClick(window.view, Qt.MouseButton.LeftButton, pos=_qt_pos(window, a))
    assert window.scene.selected == a
    qtbot.mouseClick(window.view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, _qt_pos(window, b))
    ex = window.presenter
    path = window.model.pick.path
    assert path is not None and (path.a, path.b) == (a, b) and window.scene.selected == a
    assert ex.path_overlay.visible
    np.testing.assert_allclose(ex.path_overlay.ends, window.scene.positions[[a, b]], atol=1e-6)
    strip = np.stack(window.parts["inspect"]["path"].grid.images)
    np.testing.assert_array_equal(strip, _expected_strip(window, a, b, 10))
    # Dragging along the strip moves the marker and shows that decode.
    grid = window.parts["inspect"]["path"].grid
    x0, x1 = grid.cell(0).center(), grid.cell(9).center()
    qtbot.mousePress(grid, Qt.MouseButton.LeftButton, pos=x0)
    qtbot.mouseMove(grid, QPoint(x0.x() + (x1.x() - x0.x()) // 4, x0.y()))
    t = window.model.pick.path.t
    assert 0.15 < t < 0.35
    e = window.model.time.snapshot
    z = window.run.codes[e, a] + t * (window.run.codes[e, b] - window.run.codes[e, a])
    np.testing.assert_array_equal(window.parts["inspect"]["path"].decode.image, to_uint8(window.run.decoder(e)(z)[0]))
    pa, pb = window.scene.positions[a], window.scene.positions[b]
    np.testing.assert_allclose(ex.path_overlay.marker, pa + t * (pb - pa), atol=1e-5)
    qtbot.mouseRelease(grid, Qt.MouseButton.LeftButton, pos=x0)
    # The path follows the epoch shown; N is adjustable.
    window.timeline.set_position(1)
    np.testing.assert_allclose(ex.path_overlay.ends, window.run.codes[1, [a, b]], atol=1e-6)
    window.parts["inspect"]["path"].steps.setValue(4)
    strip = np.stack(window.parts["inspect"]["path"].grid.images)
    np.testing.assert_array_equal(strip, _expected_strip(window, a, b, 4))


def test_filmstrip_frames_and_click_jumps_timeline(qtbot, window) -> None:  # noqa: ANN001
    window.model.pick.selected = 11
    grid = window.parts["inspect"]["filmstrip"].grid
    window.show_panel(window.parts["inspect"]["filmstrip"])  # a hidden tab decodes nothing; shown, it catches up
    expected = [to_uint8(window.run.decoder(e)(window.run.codes[e, 11])[0]) for e in range(window.run.epochs + 1)]
    np.testing.assert_array_equal(np.stack(grid.images), np.stack(expected))
    assert grid.current == window.run.epochs
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=grid.cell(1).center())
    assert window.timeline.position == 1.0 and window.model.time.snapshot == 1
    assert grid.current == 1


def test_neighbours_equal_brute_force_and_click_selects(qtbot, window) -> None:  # noqa: ANN001
    window.show_panel(window.parts["inspect"]["neighbours_box"])  # a dock behind another follows nothing
    window.model.pick.selected = 5
    e = window.model.time.snapshot
    d = np.linalg.norm(window.run.codes[e] - window.run.codes[e, 5], axis=1)
    d[5] = np.inf
    ids = window.parts["inspect"]["neighbours_view"].ids
    np.testing.assert_array_equal(ids, np.argsort(d)[:8])
    grid = window.parts["inspect"]["neighbours_box"].grid
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=grid.cell(2).center())
    assert window.scene.selected == ids[2]
    # In free roam the neighbours follow the probe, with the off-manifold readout.
    window.parts["inspect"]["gestures"].set_free_roam(True)
    window.show_panel(window.parts["inspect"]["neighbours_box"])  # free roam brought the probe's dock forward
    window.scene.set_probe_position(np.array([100.0, 0.0, 0.0], np.float32))
    cue = window.parts["inspect"]["neighbours_box"].cue
    assert cue.isVisibleTo(window) and "far outside" in cue.text()
    window.parts["inspect"]["gestures"].set_free_roam(False)


def test_colour_mode_switch_sets_expected_colours(window) -> None:  # noqa: ANN001
    rgb = lambda: np.asarray(window.scene._cloud_actor.GetMapper().GetInput().point_data["rgb"])  # noqa: E731
    class_rgb = rgb().copy()
    window.parts["display"]["actions"].colour_box.setCurrentIndex(1)  # reconstruction error
    e = window.model.time.snapshot
    bce = window.run.test_bce[e]
    np.testing.assert_array_equal(window.presenter.colours.values, bce)
    np.testing.assert_array_equal(rgb(), map_colours(bce, *colour_range(bce)))
    assert window.presenter.colours.bar.GetVisibility()
    window.timeline.set_position(1)
    np.testing.assert_array_equal(rgb(), map_colours(window.run.test_bce[1], *colour_range(window.run.test_bce[1])))
    window.parts["display"]["actions"].set_colour_mode("movement")
    moved = np.linalg.norm(window.run.codes[1] - window.run.codes[0], axis=1)
    np.testing.assert_array_equal(rgb(), map_colours(moved, *colour_range(moved)))
    window.parts["display"]["actions"].set_colour_mode("class")
    window.timeline.set_position(window.run.epochs)
    np.testing.assert_array_equal(rgb(), class_rgb)
    assert not window.presenter.colours.bar.GetVisibility()


def test_screenshot_and_movie_export(window, tmp_path: Path) -> None:  # noqa: ANN001
    window.model.time.follow = False  # the whole-run framing: the kept camera makes step 0 a speck
    window.easer.stop()
    window.presenter.reset_camera()
    w, h = window.view.window_size
    assert save_screenshot(window.view, tmp_path / "s.png", 2) == (2 * w, 2 * h)
    img = imageio.imread(tmp_path / "s.png")
    assert img.shape[:2] == (2 * h, 2 * w) and len(np.unique(img.reshape(-1, img.shape[-1]), axis=0)) > 20
    n = window.exports.movie.write(tmp_path / "m.gif", fps=10, frames_per_snapshot=1, parent=window)
    assert n == window.run.epochs + 1 == len(imageio.mimread(tmp_path / "m.gif"))
    assert window.timeline.position == window.run.epochs  # back where it was
    camera = window.view.camera_position
    n_fit = window.exports.movie.write(tmp_path / "f.gif", fps=10, frames_per_snapshot=1, parent=window, fit_each=True)
    assert n_fit == n and window.view.camera_position == camera  # the camera comes back too
    frames = imageio.mimread(tmp_path / "f.gif")
    grown = imageio.mimread(tmp_path / "m.gif")
    drawn = lambda f: int((np.abs(f[..., :3].astype(int) - np.array([30, 33, 39])).sum(-1) > 40).sum())  # noqa: E731
    assert drawn(frames[0]) > 1.5 * drawn(grown[0])  # step 0 fills the frame instead of being a speck


def test_screenshot_at_4x_looks_like_the_view(window, tmp_path: Path) -> None:  # noqa: ANN001
    """Point footprints grow with the scale: the share of the picture covered by points stays the same."""
    window.view.render()
    w, h = window.view.window_size
    save_screenshot(window.view, tmp_path / "x1.png", 1, window.exports.shown)
    assert save_screenshot(window.view, tmp_path / "x4.png", 4, window.exports.shown) == (4 * w, 4 * h)

    def covered(name: str) -> float:
        img = imageio.imread(tmp_path / name)[..., :3].astype(int)
        return float((np.abs(img - np.array([30, 33, 39])).sum(-1) > 40).mean())

    one, four = covered("x1.png"), covered("x4.png")
    assert one > 0.01
    assert 0.6 < four / one < 1.6  # VTK's tiled capture, which keeps pixel sizes, covers about a tenth of that


def test_train_overlay_adds_60k_points(qtbot, settings, data_dir_or_none) -> None:  # noqa: ANN001
    if not (BUNDLED / "run.json").is_file():
        pytest.skip("the bundled run checkpoints/fashion-mnist-default/ is not present")
    w = open_window(qtbot, settings, data_dir_or_none, BUNDLED)
    try:
        assert w.parts["display"]["actions"].train_action.isEnabled() and not w.presenter.train_overlay.visible
        assert w.parts["display"]["actions"].train_action.shortcut().toString() == "T"
        w.activateWindow()
        if w.isActiveWindow():  # a bare Xvfb may never activate the window: then trigger what T is bound to
            qtbot.keyClick(w, Qt.Key.Key_T)
        else:
            w.parts["display"]["actions"].train_action.trigger()
        assert w.presenter.train_overlay.visible
        assert w.scene.n_points + w.presenter.train_overlay.n_points == 70_000
        w.view.ren_win.Render()  # still draws
        w.parts["display"]["actions"].set_train_overlay(False)
        assert not w.presenter.train_overlay.visible
    finally:
        dispose(w)


def test_click_picks_the_front_point_with_overlay_layers(window) -> None:  # noqa: ANN001
    # The explorer draws the path on a second render layer; the selection passes once lost the
    # cloud's depth test with it, so a deeper point drawn later won the click.
    assert window.view.ren_win.GetNumberOfLayers() > 1
    cam = window.view.renderer.GetActiveCamera()
    front = np.asarray(cam.GetFocalPoint(), np.float32)
    behind = front + 0.5 * np.asarray(cam.GetDirectionOfProjection(), np.float32)  # drawn second
    window.scene.set_data(np.stack([front, behind])[None], np.array([0, 1], np.uint8))
    window.view.render()
    x, y, _ = window.scene.display_position(0)
    assert window.view.click(int(round(x)), int(round(y))) == 0
