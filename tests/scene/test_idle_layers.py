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


def test_the_markers_layers_are_drawn_only_with_a_marker(scene: LatentScene) -> None:
    for layer in scene.markers.layers:  # the halos' layer and the cores' layer above it
        assert not layer.GetDraw()
        scene.markers.set_selection(np.zeros(3, np.float32))
        assert layer.GetDraw()
        scene.markers.set_probe(np.ones(3, np.float32))
        scene.markers.set_selection(None)
        assert layer.GetDraw()  # the probe still shows
        scene.markers.set_probe(None)
        assert not layer.GetDraw()


def test_a_selected_point_is_still_drawn_with_its_halo(scene: LatentScene) -> None:
    from latent3d.scene.offscreen.pixels import grab

    x, y, _ = scene.display_position(0)
    scene.markers.set_selection(scene.positions[0].copy())
    img = grab(scene.plotter.ren_win)
    h = img.shape[0]
    row, col = h - 1 - int(round(y)), int(round(x))
    assert (img[row, col] > 240).all()  # the selection's white core
    ring = img[row - 12: row + 13, col - 12: col + 13].reshape(-1, 3)
    assert (ring.max(axis=1) < 30).sum() > 20  # and its dark halo around it, drawn by the lower layer


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
    scene.markers.refresh()
    assert top.GetDraw()  # no selection, no probe: the name is still drawn
    label.SetVisibility(False)
    scene.markers.refresh()
    assert not top.GetDraw()
