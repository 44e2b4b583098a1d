"""Issue 32 item 6: the decoder map in 3-D is seen in ``render --decoder-map``, not hidden behind the points."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pyvista")

from latent3d.runs import load_run  # noqa: E402
from latent3d.scene.groups.region import inside_polygon  # noqa: E402
from latent3d.scene.offscreen.render import OffscreenRenderer  # noqa: E402
from latent3d.state.own_values import DecoderMapState  # noqa: E402

BUNDLED = Path(__file__).resolve().parents[2] / "checkpoints" / "fashion-mnist-default"


def _map_area(r: OffscreenRenderer, shape: tuple[int, ...]) -> np.ndarray:
    """The pixels ``[H, W]`` (row 0 at the top) inside the drawn map's quad."""
    ren = r.plotter.renderer
    corners = []
    for p in np.asarray(r.layers.decoder_map._quad.points, np.float64):
        ren.SetWorldPoint(*p, 1.0)
        ren.WorldToDisplay()
        x, y, _ = ren.GetDisplayPoint()
        corners.append((x, shape[0] - 1 - y))
    rows, cols = np.mgrid[0:shape[0], 0:shape[1]]
    xy = np.stack([cols.ravel(), rows.ravel()], axis=1).astype(np.float64)
    return inside_polygon(xy, np.asarray(corners)).reshape(shape[:2])


@pytest.mark.parametrize("snapshot", ["first", "last"])
def test_the_decoder_map_shows_in_the_render_at_every_step(snapshot: str) -> None:
    """Behind the points the map changed the render by 1.4 grey levels on average; in front of them, by tens."""
    if not (BUNDLED / "run.json").is_file():
        pytest.skip("the bundled run is not present")
    run = load_run(BUNDLED)
    u = 0.0 if snapshot == "first" else float(len(run.steps) - 1)
    images, area = [], None
    for decoder_map in (None, DecoderMapState("camera", 12, 0.6)):
        r = OffscreenRenderer(run, size=(400, 300), decoder_map=decoder_map)
        try:
            r.fit(u)
            images.append(r.frame(u).astype(np.float64))
            if decoder_map is not None:
                assert r.layers.decoder_map.visible
                area = _map_area(r, images[-1].shape)
        finally:
            r.close()
    assert area is not None and area.sum() > 0.1 * area.size  # the map covers a good part of the view
    diff = np.abs(images[1] - images[0]).mean(axis=-1)
    mean_in_map = float(diff[area].mean())
    assert mean_in_map > 15.0, mean_in_map  # seen over the points (23 here), not a shade behind them (1.8, 6.6)
