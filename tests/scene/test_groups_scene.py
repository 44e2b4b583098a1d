"""Groups in the off-screen scene: box and lasso at known pixels, points behind, isolate, highlight, trails, render."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

pv = pytest.importorskip("pyvista")

from latent3d.runs import Run, load_run  # noqa: E402
from latent3d.scene.core.cloud import LatentScene  # noqa: E402
from latent3d.scene.core.look import CLASS_COLORS  # noqa: E402
from latent3d.scene.core.presenter import ScenePresenter  # noqa: E402
from latent3d.scene.groups.presenter import GroupPresenter  # noqa: E402
from latent3d.scene.groups.region import inside_polygon, select_region  # noqa: E402
from latent3d.scene.offscreen.render import grab, render_image  # noqa: E402
from latent3d.state.groups import TrailsState  # noqa: E402
from latent3d.state.viewer_model import ViewerModel  # noqa: E402
from tests.support.scene_fixtures import make_run  # noqa: E402

BACKGROUND = (0x1E, 0x21, 0x27)


@pytest.fixture
def plotter() -> Iterator[pv.Plotter]:
    p = pv.Plotter(off_screen=True, window_size=(400, 300))
    yield p
    p.close()


def _placed(plotter: pv.Plotter) -> LatentScene:
    """A 5 x 3 grid of points in the z = 0 plane seen from +z, and point 15 right behind point 0."""
    grid = np.array([[x, y, 0.0] for y in (-1.0, 0.0, 1.0) for x in (-2.0, -1.0, 0.0, 1.0, 2.0)], np.float32)
    codes = np.concatenate([grid, [[-2.3, -1.15, -1.5]]]).astype(np.float32)[None]
    s = LatentScene(plotter, point_size=12)
    s.set_data(codes, (np.arange(16) % 10).astype(np.uint8))
    plotter.camera_position = [(0, 0, 10), (0, 0, 0), (0, 1, 0)]
    plotter.renderer.ResetCameraClippingRange()
    plotter.show(auto_close=False)
    return s


def _xy(s: LatentScene, i: int) -> np.ndarray:
    return np.array(s.display_position(i)[:2])


def _box_around(s: LatentScene, ids: list[int], pad: float = 14.0) -> np.ndarray:
    xy = np.array([_xy(s, i) for i in ids])
    return np.array([xy.min(0) - pad, xy.max(0) + pad])


def test_box_selects_exactly_the_visible_points_there(plotter: pv.Plotter) -> None:
    s = _placed(plotter)
    assert np.allclose(_xy(s, 15), _xy(s, 0), atol=1)  # 15 hides behind 0
    box = _box_around(s, [0, 1, 5, 6])  # the bottom-left 2 x 2 (row y=-1 is 0..4, y=0 is 5..9)
    assert select_region(s, box).tolist() == [0, 1, 5, 6]
    assert select_region(s, box, behind=True).tolist() == [0, 1, 5, 6, 15]
    assert select_region(s, np.array([[2, 2], [20, 20]])).size == 0  # empty space


def test_lasso_selects_inside_its_outline_only(plotter: pv.Plotter) -> None:
    s = _placed(plotter)
    a, b, c = _xy(s, 0), _xy(s, 4), _xy(s, 12)  # a triangle through three corners, widened a little
    centre = (a + b + c) / 3
    tri = np.array([centre + 1.25 * (p - centre) for p in (a, b, c)])
    inside = [i for i in range(15) if inside_polygon(_xy(s, i)[None], tri)[0]]
    assert select_region(s, tri).tolist() == inside
    assert inside == [0, 1, 2, 3, 4, 6, 7, 8, 12]  # the bottom row, the middle three of the next, the apex


def test_hidden_classes_are_never_selected(plotter: pv.Plotter) -> None:
    s = _placed(plotter)
    s.set_class_visible(1, False)  # point 1 and point 11 (labels are i % 10)
    plotter.render()
    box = _box_around(s, list(range(15)))
    for behind in (False, True):
        got = select_region(s, box, behind=behind).tolist()
        assert 1 not in got and 11 not in got and 0 in got


def test_isolate_draws_exactly_the_group(plotter: pv.Plotter) -> None:
    s = _placed(plotter)
    s.set_only(np.isin(np.arange(16), [2, 7, 15]))
    drawn = s._cloud.GetVerts().GetConnectivityArray()
    assert sorted(drawn.GetValue(k) for k in range(drawn.GetNumberOfValues())) == [2, 7, 15]
    img = grab(plotter.ren_win)
    h = img.shape[0]
    for i, seen in ((2, True), (7, True), (3, False), (1, False)):
        x, y = _xy(s, i)
        assert (tuple(img[h - 1 - int(round(y)), int(round(x))]) != BACKGROUND) == seen, i
    # behind the isolated 15 there is nothing now: 15 is seen where 0 was
    assert select_region(s, _box_around(s, [0])).tolist() == [15]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return load_run(make_run(tmp_path_factory.mktemp("gscene") / "r", n=300, epochs=3))


@pytest.fixture
def shown(plotter: pv.Plotter, run: Run) -> Iterator[tuple[ViewerModel, LatentScene, GroupPresenter]]:
    model = ViewerModel()
    scene = LatentScene(plotter)
    m = model
    presenter = ScenePresenter(m.time, m.camera, m.pick, m.display, m.compare, scene)
    groups = GroupPresenter(model.groups, model.time, model.display, model.compare, scene, presenter.colours)
    model.set_run(run)
    yield model, scene, groups
    groups.close()
    presenter.close()


def test_highlight_dims_the_rest_and_keeps_the_group_coloured(shown: tuple, run: Run) -> None:
    model, scene, _groups = shown
    model.groups.select_points([0, 1, 2])
    rgb = np.asarray(scene._cloud.point_data["rgb"])
    classes = np.asarray(CLASS_COLORS, np.uint8)[run.labels]
    np.testing.assert_array_equal(rgb[:3], classes[:3])
    assert (np.abs(rgb[3:].astype(int) - BACKGROUND).sum(1) < np.abs(classes[3:].astype(int) - BACKGROUND).sum(1)).all()
    assert scene.drawn_mask().all()  # highlight keeps everything drawn
    model.display.color = "error"  # another colour mode keeps the dimming
    rgb = np.asarray(scene._cloud.point_data["rgb"])
    assert np.abs(rgb[3:].astype(int) - BACKGROUND).sum(1).max() < np.abs(rgb[:3].astype(int) - BACKGROUND).sum(1).min()
    model.groups.shown = None
    np.testing.assert_array_equal(np.asarray(scene._cloud.point_data["rgb"]), _groups.colours._base)


def test_isolate_mode_draws_the_group_only_and_says_so(shown: tuple) -> None:
    model, scene, groups = shown
    model.groups.select_points([4, 5, 6, 7])
    model.groups.toggle_mode()
    assert np.flatnonzero(scene.drawn_mask()).tolist() == [4, 5, 6, 7]
    assert groups.note.GetVisibility() and "4 of 300" in groups.note.GetInput()
    model.groups.toggle_mode()
    assert scene.drawn_mask().all() and not groups.note.GetVisibility()


def test_trail_vertices_are_the_snapshots_codes_and_the_head_is_interpolated(shown: tuple, run: Run) -> None:
    model, _scene, groups = shown
    model.groups.set_group("g", [3, 8, 40])
    model.groups.trails = TrailsState("g", 2)
    model.time.position = 2.25
    v = groups.trails.vertices
    assert v.shape == (3, 3, 3)
    np.testing.assert_allclose(v[:, 0], run.codes[1, [3, 8, 40]])
    np.testing.assert_allclose(v[:, 1], run.codes[2, [3, 8, 40]])
    np.testing.assert_allclose(v[:, 2], 0.75 * run.codes[2, [3, 8, 40]] + 0.25 * run.codes[3, [3, 8, 40]], atol=1e-6)
    np.testing.assert_allclose(groups.trails.centroid_vertices[1], run.codes[2, [3, 8, 40]].mean(0), atol=1e-6)
    actor = groups.trails.actor
    model.time.position = 0.5  # at the start the oldest vertices repeat; the actor is the same, updated in place
    assert groups.trails.actor is actor
    np.testing.assert_allclose(groups.trails.vertices[:, 0], run.codes[0, [3, 8, 40]])
    model.groups.trails = None
    assert not groups.trails.visible


def test_trails_thin_out_while_the_camera_moves(shown: tuple) -> None:
    from latent3d.scene.groups.trails import LOD_TRAILS

    model, scene, groups = shown
    model.groups.select_points(range(300))
    model.groups.trails = TrailsState(model.groups.shown, 3)
    scene.set_fast(True)
    scene.plotter.ren_win.Render()  # the level of detail is followed before each frame
    assert groups.trails.lod_actor.GetVisibility() and not groups.trails.actor.GetVisibility()
    assert groups.trails.lod_mesh.GetNumberOfLines() == LOD_TRAILS < groups.trails.mesh.GetNumberOfLines() == 300
    assert groups.trails.lod_mesh.GetPoints() is groups.trails.mesh.GetPoints()  # moved in place together
    scene.set_fast(False)
    scene.plotter.ren_win.Render()
    assert groups.trails.actor.GetVisibility() and not groups.trails.lod_actor.GetVisibility()


def test_render_view_honours_groups_and_trails(run: Run, tmp_path: Path) -> None:
    view = {"format_version": 1, "run": str(run.path), "step": int(run.steps[-1]),
            "camera": {"position": [0, 0, 30], "focal_point": [0, 0, 0], "view_up": [0, 1, 0]},
            "color": "class", "hidden_classes": [], "selected": None,
            "groups": {"few": [1, 2, 3]}, "group_shown": "few", "group_mode": "isolate",
            "trails": {"group": "few", "length": 3}}
    path = tmp_path / "v.json"
    path.write_text(json.dumps(view))
    from latent3d.cli.parser import main

    assert main(["render", "--view", str(path), "--out", str(tmp_path / "g.png"), "--size", "320x240"]) == 0
    import imageio.v2 as imageio

    isolated = imageio.imread(tmp_path / "g.png")[..., :3]
    full = imageio.imread(render_image(run, tmp_path / "all.png", size=(320, 240), camera="xy"))[..., :3]
    def drawn(img: np.ndarray) -> float:  # between the captions at the top and the note at the bottom
        return float(np.any(img[30:-30] != BACKGROUND, axis=-1).mean())

    assert drawn(isolated) < drawn(full) / 3  # 3 points and their trails, not 300 points
    assert np.all(np.abs(isolated.astype(int) - (255, 204, 51)) <= 30, axis=-1).sum() > 20  # the isolate note


def test_trails_and_isolate_follow_a_live_training(shown: tuple, run: Run) -> None:
    from tests.support.scene_fixtures import grown

    model, scene, groups = shown
    model.groups.select_points([3, 8, 40])
    model.groups.mode = "isolate"
    model.groups.trails = TrailsState(model.groups.shown, 2)
    longer = grown(run)  # one more snapshot, as a live training sends it
    model.set_run(longer, position=float(len(longer.codes) - 1))
    assert model.groups.group.tolist() == [3, 8, 40] and np.flatnonzero(scene.drawn_mask()).tolist() == [3, 8, 40]
    np.testing.assert_allclose(groups.trails.vertices[:, -1], longer.codes[-1, [3, 8, 40]])
    np.testing.assert_allclose(groups.trails.vertices[:, 0], longer.codes[-2, [3, 8, 40]])


def test_a_screenshot_of_the_state_shows_the_group(run: Run) -> None:
    from latent3d.scene.offscreen.render import render_model

    state = ViewerModel()
    state.set_run(run)
    full = render_model(state, (240, 180))
    state.groups.select_points([1, 2, 3])
    state.groups.mode = "isolate"
    isolated = render_model(state, (240, 180))
    drawn = [float(np.any(img[20:-25] != BACKGROUND, axis=-1).mean()) for img in (full, isolated)]
    assert drawn[1] < drawn[0] / 3


def test_a_highlighted_group_is_drawn_on_top_and_not_when_isolated(tmp_path: Path) -> None:
    """Issue 32: *Select this class* dimmed the rest, whose points in front hid most of the group."""
    from latent3d.state.viewer_model import ViewerModel
    from tests.support.scene_fixtures import make_run

    plotter = pv.Plotter(off_screen=True, window_size=(200, 150))
    m = ViewerModel()
    scene = LatentScene(plotter)
    presenter = ScenePresenter(m.time, m.camera, m.pick, m.display, m.compare, scene)
    groups = GroupPresenter(m.groups, m.time, m.display, m.compare, scene, presenter.colours)
    try:
        m.set_run(load_run(make_run(tmp_path / "r", n=300, epochs=2)))
        labels = np.asarray(m.time.run.labels)
        m.groups.select_class(3)
        assert groups.on_top.visible and groups.on_top.count == int((labels == 3).sum())
        m.groups.toggle_mode()  # isolate: the rest is not drawn, nothing to draw on top
        assert m.groups.mode == "isolate" and not groups.on_top.visible
        m.groups.toggle_mode()
        m.groups.remove_group(m.groups.shown)
        assert not groups.on_top.visible
    finally:
        groups.close()
        presenter.close()
        plotter.close()
