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
from latent3d.state.viewer_state import PathState, ViewerState  # noqa: E402
from tests.support.scene_fixtures import make_run  # noqa: E402


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Run]:
    root = tmp_path_factory.mktemp("cmp-scene")
    return load_run(make_run(root / "a", n=800, epochs=3, seed=0)), load_run(make_run(root / "b", n=800, epochs=3,
                                                                                     seed=0))


def _plotter() -> pv.Plotter:
    return pv.Plotter(off_screen=True, window_size=(300, 240))


@pytest.fixture
def views(runs: tuple[Run, Run]) -> Iterator[tuple[ViewerState, LatentScene, LatentScene, ComparePresenter]]:
    a, b = runs
    state = ViewerState()
    first, second = _plotter(), _plotter()
    scene_a, scene_b = LatentScene(first), LatentScene(second)
    m = state.model
    presenter = ScenePresenter(m.time, m.camera, m.pick, m.display, m.compare, scene_a)
    state.set_run(a)
    state.set_compare(b)
    linked = ComparePresenter(state, scene_b)
    first.render()
    second.render()
    yield state, scene_a, scene_b, linked
    linked.close()
    presenter.close()
    for s, p in ((scene_a, first), (scene_b, second)):
        s.close()
        p.close()


def _front_most(scene: LatentScene) -> int:
    depth = [scene.display_position(i)[2] for i in range(scene.n_points)]
    return int(np.argmin(depth))


def test_the_linked_view_draws_the_second_run_aligned_with_its_residual(views) -> None:  # type: ignore[no-untyped-def]
    state, scene_a, scene_b, linked = views
    assert scene_b.n_points == 800
    # both runs hold the same codes here: aligned, the second lies on the first
    np.testing.assert_allclose(scene_b.positions, scene_a.positions, atol=1e-4)
    assert linked.residual == pytest.approx(0.0, abs=1e-5)
    assert residual_text(0.043) == "aligned: 4.3 % residual" and "residual" in linked.caption
    state.position = 1.5
    np.testing.assert_allclose(scene_b.positions, interpolate_codes(state.drawn_codes, 1.5), atol=1e-4)
    assert scene_b.plotter.camera.GetPosition() == pytest.approx(state.camera.position)


def test_a_pick_in_one_view_marks_the_same_test_image_in_the_other(views) -> None:  # type: ignore[no-untyped-def]
    state, scene_a, scene_b, _ = views
    scene_b.plotter.render()
    i = _front_most(scene_b)
    x, y, _ = scene_b.display_position(i)
    picked = scene_b.pick(int(round(x)), int(round(y)))
    assert picked == i
    state.selected = picked  # what the linked view's click does
    assert scene_a.selected == i and scene_b.selected == i
    state.selected = 3
    assert scene_b.selected == 3


def test_alignment_moves_everything_drawn_and_the_probe_keeps_its_code(views) -> None:  # type: ignore[no-untyped-def]
    state, scene_a, _, _ = views
    state.position = 1.0
    state.path = PathState(1, 2, 0.5, 10)
    state.probe = tuple(float(v) for v in state.run.codes[1, 5])
    state.align = "final"
    np.testing.assert_allclose(scene_a.positions, state.drawn_codes[1], atol=1e-5)
    np.testing.assert_allclose(state.probe, state.drawn_codes[1, 5], atol=1e-4)  # the probe moved with the point
    np.testing.assert_allclose(state.to_snapshot_codes(state.probe), state.run.codes[1, 5], atol=1e-4)
    state.align = "none"
    np.testing.assert_allclose(scene_a.positions, state.run.codes[1], atol=1e-6)
    np.testing.assert_allclose(state.probe, state.run.codes[1, 5], atol=1e-4)


def test_rings_overlay_follows_the_switch(views) -> None:  # type: ignore[no-untyped-def]
    state, scene_a, _, _ = views
    rings = CompareRings(state, scene_a)
    assert not rings.visible
    state.compare_overlay = True
    assert rings.visible and rings.mesh is not None and rings.mesh.n_points == 800
    state.position = 2.0
    np.testing.assert_allclose(np.asarray(rings.mesh.points), scene_a.positions, atol=1e-4)
    scene_a.plotter.render()
    state.set_compare(None)
    assert not rings.visible
    rings.close()


def test_colours_of_a_comparison_mode_reach_both_views(views) -> None:  # type: ignore[no-untyped-def]
    state, _, scene_b, linked = views
    state.color = "agreement"
    assert linked.colours.values is not None and np.allclose(linked.colours.values, 1.0)
    state.color = "error"
    assert linked.colours.values is not None and linked.colours.values.shape == (800,)
    state.color = "class"
    assert linked.colours.values is None


