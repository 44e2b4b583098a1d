"""LatentScene on an off-screen pyvista.Plotter, without Qt: in-place epochs, hardware picking, classes, LOD."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

pv = pytest.importorskip("pyvista")

from latent3d.scene.core.cloud import LatentScene  # noqa: E402
from tests.support.scene_fixtures import synthetic_codes  # noqa: E402


@pytest.fixture
def plotter() -> Iterator[pv.Plotter]:
    p = pv.Plotter(off_screen=True, window_size=(400, 300))
    yield p
    p.close()


@pytest.fixture
def scene(plotter: pv.Plotter) -> LatentScene:
    codes, labels = synthetic_codes(2000, 3, seed=0)
    s = LatentScene(plotter)
    s.set_data(codes, labels)
    plotter.show(auto_close=False)
    return s


def _pixel(scene: LatentScene, i: int) -> tuple[int, int]:
    x, y, _ = scene.display_position(i)
    return int(round(x)), int(round(y))


def _front_most(scene: LatentScene) -> int:
    """The point nearest the camera: nothing can hide its centre pixel."""
    depth = [scene.display_position(i)[2] for i in range(scene.n_points)]
    return int(np.argmin(depth))


def _rendered_points(scene: LatentScene) -> np.ndarray:
    return np.asarray(scene._cloud_actor.GetMapper().GetInput().points)  # what VTK draws


def test_set_position_updates_points_in_place_and_keeps_camera(scene: LatentScene) -> None:
    cam = scene.plotter.camera_position
    actor = scene._cloud_actor
    scene.set_position(1)
    np.testing.assert_allclose(_rendered_points(scene), scene._codes[1])
    scene.set_position(1.25)
    np.testing.assert_allclose(_rendered_points(scene), 0.75 * scene._codes[1] + 0.25 * scene._codes[2], atol=1e-6)
    scene.plotter.render()
    assert scene._cloud_actor is actor
    assert scene.plotter.camera_position == cam


def test_pick_returns_the_point_drawn_at_the_pixel(scene: LatentScene) -> None:
    i = _front_most(scene)
    assert scene.pick(*_pixel(scene, i), radius=0) == i


def test_pick_empty_space_is_none(scene: LatentScene) -> None:
    assert scene.pick(2, 2) is None


def test_pick_never_returns_a_hidden_point_behind(plotter: pv.Plotter) -> None:
    # Point 1 sits exactly behind point 0 along the line of sight; a ray-distance picker may return
    # either, the hardware selector only the one drawn.
    codes = np.array([[[0, 0, 0], [0, 0, -1], [3, 3, 0], [-3, -3, 0]]], np.float32)
    s = LatentScene(plotter, point_size=20)
    s.set_data(codes, np.array([0, 1, 2, 3], np.uint8))
    plotter.camera_position = [(0, 0, 10), (0, 0, 0), (0, 1, 0)]
    plotter.show(auto_close=False)
    xy = _pixel(s, 0)
    assert _pixel(s, 1) == xy
    assert s.pick(*xy, radius=0) == 0
    s.set_class_visible(0, False)
    plotter.render()
    assert s.pick(*xy, radius=0) == 1


def test_hidden_class_is_not_drawn(scene: LatentScene) -> None:
    scene.set_class_visible(3, False)
    drawn = scene._cloud.GetVerts().GetConnectivityArray()
    ids = np.asarray([drawn.GetValue(k) for k in range(drawn.GetNumberOfValues())])
    assert not np.any(scene._labels[ids] == 3)
    assert len(ids) == int(np.sum(scene._labels != 3))
    scene.set_class_visible(3, True)
    assert scene._cloud.GetVerts().GetNumberOfCells() == scene.n_points


def test_level_of_detail_shares_points(scene: LatentScene) -> None:
    scene.set_fast(True)
    assert scene._lod_actor.GetVisibility() and not scene._cloud_actor.GetVisibility()
    scene.set_position(0)
    lod_points = np.asarray(scene._lod_actor.GetMapper().GetInput().points)
    np.testing.assert_allclose(lod_points, scene._codes[0])
    scene.set_fast(False)
    assert scene._cloud_actor.GetVisibility() and not scene._lod_actor.GetVisibility()


def test_highlight_follows_epoch(scene: LatentScene) -> None:
    scene.set_highlight(5)
    scene.set_position(2)
    np.testing.assert_allclose(scene.markers.selection.mesh.points[0], scene._codes[2][5])
    scene.set_highlight(None)
    assert not scene.markers.selection.visible


def _pixels_near(img: np.ndarray, rgb: tuple[int, int, int], tol: int = 12) -> int:
    return int(np.all(np.abs(img[..., :3].astype(int) - np.array(rgb)) <= tol, axis=-1).sum())


def test_selection_and_probe_are_drawn_on_top_of_the_points(scene: LatentScene) -> None:
    """The marker of a point deep inside the cloud, and the probe placed there, are both seen."""
    from latent3d.scene.offscreen.render import grab

    pts = scene.positions
    centre = int(np.argmin(np.linalg.norm(pts - np.median(pts, axis=0), axis=1)))  # buried in the middle
    scene.plotter.renderer.camera_set = True
    before = grab(scene.plotter.ren_win)
    assert _pixels_near(before, (255, 255, 255)) < 5 and _pixels_near(before, (255, 204, 51)) < 5
    scene.set_highlight(centre)
    after = grab(scene.plotter.ren_win)
    assert _pixels_near(after, (255, 255, 255)) > 30
    scene.enable_probe(lambda _p: None, center=pts[centre])
    with_probe = grab(scene.plotter.ren_win)
    assert _pixels_near(with_probe, (255, 204, 51)) > 30  # the probe's yellow, where the points are densest
    scene.disable_probe()
    assert _pixels_near(grab(scene.plotter.ren_win), (255, 204, 51)) < 5


def test_focal_plane_point_under_focal_pixel_is_focal_point(scene: LatentScene) -> None:
    ren = scene.plotter.renderer
    fp = np.array(scene.plotter.camera.GetFocalPoint())
    ren.SetWorldPoint(*fp, 1.0)
    ren.WorldToDisplay()
    x, y, _ = ren.GetDisplayPoint()
    np.testing.assert_allclose(scene.focal_plane_point(x, y), fp, atol=1e-3)
    p = scene.focal_plane_point(x + 50, y)
    view = np.array(scene.plotter.camera.GetDirectionOfProjection())
    assert abs(np.dot(p - fp, view)) < 1e-3  # on the plane facing the camera


def test_probe_reports_moves(scene: LatentScene) -> None:
    seen: list[np.ndarray] = []
    scene.enable_probe(seen.append)
    scene.set_probe_position((1.0, 2.0, 3.0))
    np.testing.assert_allclose(seen[-1], (1, 2, 3))
    np.testing.assert_allclose(scene.probe_position, (1, 2, 3))
    scene.disable_probe()
    assert scene.probe_position is None


def test_set_position_never_writes_into_the_callers_codes(plotter: pv.Plotter) -> None:
    codes, labels = synthetic_codes(300, 3, seed=1)
    before = codes.copy()
    s = LatentScene(plotter)
    s.set_data(codes, labels)
    for t in (0.0, 1.5, 2.0, 3.0):
        s.set_position(t)
    np.testing.assert_array_equal(codes, before)
    np.testing.assert_array_equal(s.positions, before[3])
