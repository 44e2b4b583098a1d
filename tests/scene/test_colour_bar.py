"""The colour bar of the scalar colour modes: its title stands clear of the top tick label."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
import pyvista as pv

from latent3d.scene.core.cloud import LatentScene
from latent3d.scene.core.overlays import ColourModes
from tests.support.scene_fixtures import synthetic_codes


@pytest.fixture(params=[((400, 300), 12), ((1036, 514), 12), ((2072, 1028), 24)], ids=["small", "window", "2x"])
def plotter_and_font(request: pytest.FixtureRequest) -> Iterator[tuple[pv.Plotter, int]]:
    """An off-screen plotter and the font size of its overlays (scaled screenshots scale the fonts)."""
    size, font_size = request.param
    p = pv.Plotter(off_screen=True, window_size=size)
    yield p, font_size
    p.close()


def _text_bands(img: np.ndarray, left: int) -> list[tuple[int, int]]:
    """Top-to-bottom row ranges holding grey text pixels right of column ``left`` (the bar is coloured)."""
    region = img[:, left:].astype(int)
    grey = (region.max(2) - region.min(2) < 40) & (region.max(2) > 110)
    rows = np.flatnonzero(grey.any(1))
    return [(int(b[0]), int(b[-1])) for b in np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)]


def test_title_is_separated_from_the_top_label(plotter_and_font: tuple[pv.Plotter, int]) -> None:
    plotter, font_size = plotter_and_font
    codes, labels = synthetic_codes(500, 1)
    scene = LatentScene(plotter)
    scene.set_data(codes, labels)
    colours = ColourModes(scene, font_size=font_size)
    colours.show_values(np.linspace(0.146, 0.52, 500, dtype=np.float32), 0.146, 0.52, "BCE, epoch 1")
    img = plotter.screenshot(None, return_img=True)
    bands = _text_bands(img, int(0.85 * plotter.window_size[0]))
    (title_top, title_bottom), (label_top, _) = bands[0], bands[1]
    line = colours.bar.GetTitleTextProperty().GetFontSize()
    assert title_bottom - title_top <= line + 2, "title and top label run together"
    assert label_top - title_bottom - 1 >= 4 * line // 12
