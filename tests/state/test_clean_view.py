"""The clean view turns every overlay off and puts exactly those back."""

from __future__ import annotations

import numpy as np
import pytest

from latent3d.runs import Run, load_run
from latent3d.state.clean import clean_view, overlays, restore_view
from latent3d.state.groups import TrailsState
from latent3d.state.own_values import OwnImage
from latent3d.state.values import PathState
from latent3d.state.viewer_model import ViewerModel
from tests.support.scene_fixtures import make_run


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return load_run(make_run(tmp_path_factory.mktemp("clean") / "r", n=300, epochs=3))


def busy(run: Run) -> ViewerModel:
    """A model with every overlay on: selection, path, probe, a group shown with trails, an own image."""
    model = ViewerModel()
    model.set_run(run)
    model.groups.set_group("mine", [1, 2, 3])
    model.groups.shown = "mine"
    model.groups.trails = TrailsState("mine", 6)
    model.layers.own_images = (OwnImage.from_array("seven", np.zeros((28, 28), np.uint8)),)
    model.pick.selected = 5
    model.pick.path = PathState(5, 9)
    model.pick.probe = (0.1, 0.2, 0.3)
    return model


def test_clean_view_turns_every_overlay_off(run: Run) -> None:
    model = busy(run)
    before = overlays(model)
    assert len(before) == 6
    cleared = clean_view(model)
    assert cleared == before and overlays(model) == {}
    assert model.pick.selected is None and model.pick.path is None and model.pick.probe is None
    assert model.groups.shown is None and model.groups.trails is None and model.layers.own_images == ()
    assert "mine" in model.groups.groups  # the group itself is kept: only its highlight is off


def test_restore_puts_back_what_was_cleared(run: Run) -> None:
    model = busy(run)
    cleared = clean_view(model)
    restore_view(model, cleared)
    assert overlays(model) == cleared
    assert model.groups.trails == TrailsState("mine", 6) and model.pick.path == PathState(5, 9)


def test_a_clean_view_clears_nothing_more(run: Run) -> None:
    model = ViewerModel()
    model.set_run(run)
    assert clean_view(model) == {}
