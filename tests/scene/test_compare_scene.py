"""The compared run in VTK, off screen: aligned in its linked view, picks shared by both views, rings, alignment."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

pv = pytest.importorskip("pyvista")

from latent3d.analysis.compare import interpolate_codes  # noqa: E402
from latent3d.runs import Run, load_run  # noqa: E402
from latent3d.scene.compare.presenter import ComparePresenter, CompareRings, residual_text  # noqa: E402
from latent3d.scene.core.cloud import LatentScene  # noqa: E402
from latent3d.scene.core.presenter import ScenePresenter  # noqa: E402
from latent3d.state.compare import drawn_codes, to_snapshot_codes  # noqa: E402
from latent3d.state.values import PathState  # noqa: E402
from latent3d.state.viewer_model import ViewerModel  # noqa: E402
from tests.support.scene_fixtures import make_run  # noqa: E402


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Run]:
    root = tmp_path_factory.mktemp("cmp-scene")
    return load_run(make_run(root / "a", n=800, epochs=3, seed=0)), load_run(make_run(root / "b", n=800, epochs=3,
                                                                                     seed=0))


def _plotter() -> pv.Plotter:
    return pv.Plotter(off_screen=True, window_size=(300, 240))


@pytest.fixture
def views(runs: tuple[Run, Run]) -> Iterator[tuple[ViewerModel, LatentScene, LatentScene, ComparePresenter]]:
    a, b = runs
    model = ViewerModel()
    first, second = _plotter(), _plotter()
    scene_a, scene_b = LatentScene(first), LatentScene(second)
    m = model
    presenter = ScenePresenter(m.time, m.camera, m.pick, m.display, m.compare, scene_a)
    model.set_run(a)
    model.compare.other = b
    linked = ComparePresenter(model.time, model.compare, model.display, model.pick, model.camera, scene_b)
    first.render()
    second.render()
    yield model, scene_a, scene_b, linked
    linked.close()
    presenter.close()
    for s, p in ((scene_a, first), (scene_b, second)):
        s.close()
        p.close()


def _front_most(scene: LatentScene) -> int:
    depth = [scene.display_position(i)[2] for i in range(scene.n_points)]
    return int(np.argmin(depth))


def test_the_linked_view_draws_the_second_run_aligned_with_its_residual(views) -> None:  # type: ignore[no-untyped-def]
    model, scene_a, scene_b, linked = views
    assert scene_b.n_points == 800
    # both runs hold the same codes here: aligned, the second lies on the first
    np.testing.assert_allclose(scene_b.positions, scene_a.positions, atol=1e-4)
    assert linked.residual == pytest.approx(0.0, abs=1e-5)
    assert residual_text(0.043) == "aligned: 4.3 % residual" and "residual" in linked.caption
    model.time.position = 1.5
    drawn = drawn_codes(model.time, model.compare)
    np.testing.assert_allclose(scene_b.positions, interpolate_codes(drawn, 1.5), atol=1e-4)
    assert scene_b.plotter.camera.GetPosition() == pytest.approx(model.camera.camera.position)


def test_a_pick_in_one_view_marks_the_same_test_image_in_the_other(views) -> None:  # type: ignore[no-untyped-def]
    model, scene_a, scene_b, _ = views
    scene_b.plotter.render()
    i = _front_most(scene_b)
    x, y, _ = scene_b.display_position(i)
    picked = scene_b.pick(int(round(x)), int(round(y)))
    assert picked == i
    model.pick.selected = picked  # what the linked view's click does
    assert scene_a.selected == i and scene_b.selected == i
    model.pick.selected = 3
    assert scene_b.selected == 3


def test_alignment_moves_everything_drawn_and_the_probe_keeps_its_code(views) -> None:  # type: ignore[no-untyped-def]
    model, scene_a, _, _ = views
    time, compare, pick, run = model.time, model.compare, model.pick, model.time.run
    time.position = 1.0
    pick.path = PathState(1, 2, 0.5, 10)
    pick.probe = tuple(float(v) for v in run.codes[1, 5])
    compare.align = "final"
    drawn = drawn_codes(time, compare)
    np.testing.assert_allclose(scene_a.positions, drawn[1], atol=1e-5)
    np.testing.assert_allclose(pick.probe, drawn[1, 5], atol=1e-4)  # the probe moved with the point
    np.testing.assert_allclose(to_snapshot_codes(time, compare, pick.probe), run.codes[1, 5], atol=1e-4)
    compare.align = "none"
    np.testing.assert_allclose(scene_a.positions, run.codes[1], atol=1e-6)
    np.testing.assert_allclose(pick.probe, run.codes[1, 5], atol=1e-4)


def test_rings_overlay_follows_the_switch(views) -> None:  # type: ignore[no-untyped-def]
    model, scene_a, _, _ = views
    rings = CompareRings(model.time, model.compare, scene_a)
    layer = scene_a.markers.layers[0]  # the rings' layer is drawn only while it shows something
    assert not rings.visible and not layer.GetDraw()
    model.compare.overlay = True
    assert rings.visible and rings.mesh is not None and rings.mesh.n_points == 800
    assert layer.GetDraw()
    model.time.position = 2.0
    np.testing.assert_allclose(np.asarray(rings.mesh.points), scene_a.positions, atol=1e-4)
    scene_a.plotter.render()
    model.compare.other = None
    assert not rings.visible and not layer.GetDraw()
    rings.close()


def test_colours_of_a_comparison_mode_reach_both_views(views) -> None:  # type: ignore[no-untyped-def]
    model, _, scene_b, linked = views
    display = model.display
    display.color = "agreement"
    assert linked.colours.values is not None and np.allclose(linked.colours.values, 1.0)
    display.color = "error"
    assert linked.colours.values is not None and linked.colours.values.shape == (800,)
    display.color = "class"
    assert linked.colours.values is None


