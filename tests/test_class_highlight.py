"""The highlighted class in the scene: the other classes fade over any colour mode, and come back after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

pv = pytest.importorskip("pyvista")

from scene_fixtures import make_run  # noqa: E402

from latent3d.runs import load_run  # noqa: E402
from latent3d.scene.class_highlight import ClassHighlight  # noqa: E402
from latent3d.scene.cloud import CLASS_COLORS, LatentScene  # noqa: E402
from latent3d.scene.presenter import ScenePresenter  # noqa: E402
from latent3d.state.viewer_state import ViewerState  # noqa: E402


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[ViewerState, LatentScene, ClassHighlight]]:
    plotter = pv.Plotter(off_screen=True, window_size=(300, 200))
    state = ViewerState()
    scene = LatentScene(plotter)
    presenter = ScenePresenter(state, scene)
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
