"""Overlay layers with nothing to show are not drawn (an empty layer costs a pass a frame); picking still works."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

pv = pytest.importorskip("pyvista")

from latent3d.scene.core.cloud import LatentScene  # noqa: E402
from latent3d.scene.core.overlays import PathOverlay  # noqa: E402
from tests.support.scene_fixtures import synthetic_codes  # noqa: E402


@pytest.fixture
def scene() -> Iterator[LatentScene]:
    plotter = pv.Plotter(off_screen=True, window_size=(400, 300))
    codes, labels = synthetic_codes(2000, 3, seed=0)
    s = LatentScene(plotter)
    s.set_data(codes, labels)
    plotter.show(auto_close=False)
    yield s
    plotter.close()


def test_the_markers_top_layer_is_drawn_only_with_a_marker(scene: LatentScene) -> None:
    top = scene.markers.layers[1]
    assert not top.GetDraw()
    scene.markers.set_selection(np.zeros(3, np.float32))
    assert top.GetDraw()
    scene.markers.set_probe(np.ones(3, np.float32))
    scene.markers.set_selection(None)
    assert top.GetDraw()  # the probe still shows
    scene.markers.set_probe(None)
    assert not top.GetDraw()


def test_the_path_layer_is_drawn_only_with_a_path(scene: LatentScene) -> None:
    path = PathOverlay(scene.plotter)
    path.set_visible(False)
    assert not path._layer.GetDraw()
    path.set_visible(True)
    assert path._layer.GetDraw()


def test_picking_leaves_the_layers_as_they_were(scene: LatentScene) -> None:
    scene.markers.set_selection(np.zeros(3, np.float32))
    top = scene.markers.layers[1]
    x, y, _ = scene.display_position(0)
    scene.pick(int(round(x)), int(round(y)))
    assert top.GetDraw()
    scene.markers.set_selection(None)
    scene.pick(int(round(x)), int(round(y)))
    assert not top.GetDraw()  # the pick's own switching off and on of the layers keeps an idle layer off


def test_the_on_top_layer_is_drawn_only_with_points_on_top(scene: LatentScene) -> None:
    from latent3d.scene.core.on_top import OnTopPoints

    top = OnTopPoints(scene)
    assert not top._layer.GetDraw()
    top.show(np.arange(2000) < 50)
    assert top._layer.GetDraw() and top.count == 50
    top.show(None)
    assert not top._layer.GetDraw()
    top.close()


def test_the_markers_top_layer_is_drawn_while_another_feature_shows_something_in_it(scene: LatentScene) -> None:
    from vtkmodules.vtkRenderingCore import vtkBillboardTextActor3D

    top = scene.markers.layers[1]
    label = vtkBillboardTextActor3D()  # as an own image's name
    label.SetInput("mine")
    top.AddActor(label)
    scene.markers.refresh_top()
    assert top.GetDraw()  # no selection, no probe: the name is still drawn
    label.SetVisibility(False)
    scene.markers.refresh_top()
    assert not top.GetDraw()
