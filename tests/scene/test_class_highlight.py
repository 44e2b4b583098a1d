"""The scene: the highlighted class fades the others over any colour mode; the path ends show over the selection."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

pv = pytest.importorskip("pyvista")

from latent3d.runs import load_run  # noqa: E402
from latent3d.scene.core.cloud import CLASS_COLORS, LatentScene  # noqa: E402
from latent3d.scene.core.presenter import ScenePresenter  # noqa: E402
from latent3d.scene.display.class_highlight import ClassHighlight  # noqa: E402
from latent3d.state.viewer_state import ViewerState  # noqa: E402
from tests.support.scene_fixtures import make_run  # noqa: E402


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[ViewerState, LatentScene, ClassHighlight]]:
    plotter = pv.Plotter(off_screen=True, window_size=(300, 200))
    state = ViewerState()
    scene = LatentScene(plotter)
    m = state.model
    presenter = ScenePresenter(m.time, m.camera, m.pick, m.display, m.compare, scene)
    highlight = ClassHighlight(state, scene, presenter.colours)  # after the presenter, as the window builds it
    state.set_run(load_run(make_run(tmp_path / "r", n=400, epochs=2)))
    yield state, scene, highlight
    highlight.close()
    presenter.close()
    plotter.close()


def _rgb(scene: LatentScene) -> np.ndarray:
    return np.asarray(scene._cloud.point_data["rgb"]).astype(int)  # type: ignore[union-attr]


def test_the_other_classes_fade_and_come_back(setup: tuple[ViewerState, LatentScene, ClassHighlight]) -> None:
    state, scene, _ = setup
    labels = np.asarray(state.run.labels)
    own = np.asarray(CLASS_COLORS)[labels]
    np.testing.assert_array_equal(_rgb(scene), own)
    state.highlight_class = 2
    rgb = _rgb(scene)
    np.testing.assert_array_equal(rgb[labels == 2], own[labels == 2])
    assert (np.abs(rgb[labels != 2] - own[labels != 2]).sum(axis=1) > 60).all()
    state.position = 0.5  # moving on keeps the fade, never darker
    np.testing.assert_array_equal(_rgb(scene), rgb)
    state.highlight_class = None
    np.testing.assert_array_equal(_rgb(scene), own)


def test_the_fade_follows_a_colour_mode(setup: tuple[ViewerState, LatentScene, ClassHighlight]) -> None:
    state, scene, _ = setup
    state.color = "error"
    errors = _rgb(scene)
    labels = np.asarray(state.run.labels)
    state.highlight_class = 5
    np.testing.assert_array_equal(_rgb(scene)[labels == 5], errors[labels == 5])
    state.color = "class"
    assert (_rgb(scene)[labels == 5] == np.asarray(CLASS_COLORS)[5]).all()
    assert (_rgb(scene)[labels != 5] != np.asarray(CLASS_COLORS)[labels[labels != 5]]).any(axis=1).all()


def test_path_end_a_shows_inside_the_selection_disc(setup: tuple[ViewerState, LatentScene, ClassHighlight]) -> None:
    """Issue 25: A's cyan marker was hidden under the selection's disc; now a cyan dot inside the white disc."""
    from latent3d.scene.offscreen.render import grab
    from latent3d.state.values import PathState

    state, scene, _ = setup
    pts = scene.positions
    a = int(np.argmin(np.linalg.norm(pts - np.median(pts, axis=0), axis=1)))
    b = int(np.argmax(np.linalg.norm(pts - pts[a], axis=1)))
    state.selected = a
    state.path = PathState(a, b, 0.5, 10)
    img = grab(scene.plotter.ren_win)
    x, y, _ = scene.display_position(a)
    h = img.shape[0]
    patch = img[int(h - y) - 12:int(h - y) + 12, int(x) - 12:int(x) + 12, :3].astype(int)
    cyan = np.all(np.abs(patch - np.array([64, 224, 255])) <= 25, axis=-1).sum()
    white = np.all(patch >= 235, axis=-1).sum()
    assert cyan > 10 and white > 10  # both A and the selection are seen at A


def test_the_halo_scales_with_the_markers() -> None:
    """A 4x export scales the point sizes by 4: the halo's ring too (a fixed 6 px became a hairline)."""
    from latent3d.scene.core.markers import MarkerLayer

    sizes = []
    for point_size in (7.0, 28.0):
        plotter = pv.Plotter(off_screen=True, window_size=(50, 50))
        halo, core = (a.GetProperty().GetPointSize() for a in MarkerLayer(plotter, point_size).selection.actors)
        sizes.append(halo - core)
        plotter.close()
    assert sizes[1] == pytest.approx(4 * sizes[0]) and sizes[0] >= 5
