"""The first frame's plain-VTK scene draws what the real scene draws, extreme codes included, and picks as it does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import pyvista as pv

from latent3d.runs import load_run
from latent3d.scene.core.preview import PreviewScene
from latent3d.scene.offscreen.pixels import grab
from tests.conftest import make_fake_run
from tests.support.scene_fixtures import coloured_pixels, run_with_codes


def _preview(run_dir: Path, size: tuple[int, int] = (200, 150)) -> tuple[pv.Plotter, PreviewScene]:
    run = load_run(run_dir)
    plotter = pv.Plotter(off_screen=True, window_size=list(size))
    plotter.ren_win.RemoveRenderer(plotter.renderer)  # the plain-VTK scene alone in an off-screen window
    return plotter, PreviewScene(plotter.ren_win, run.codes, run.labels)


def _coloured_pixels(run_dir: Path) -> int:
    plotter, _scene = _preview(run_dir)
    try:
        return coloured_pixels(grab(plotter.ren_win))  # the note sits in the bottom-left corner, outside
    finally:
        plotter.close()


@pytest.fixture(scope="module")
def normal(tmp_path_factory: pytest.TempPathFactory) -> int:
    return _coloured_pixels(run_with_codes(tmp_path_factory.mktemp("x") / "normal", lambda c: c))


def test_the_cloud_is_drawn(normal: int) -> None:
    assert normal > 500


def test_one_point_at_3e38_leaves_the_others_drawn(tmp_path: Path, normal: int) -> None:
    def far(c: np.ndarray) -> np.ndarray:
        c = c.copy()
        c[:, 7] = 3e38
        return c

    assert _coloured_pixels(run_with_codes(tmp_path / "far", far)) > 0.5 * normal


def test_a_cloud_scaled_by_1e_38_is_drawn_as_a_dot(tmp_path: Path) -> None:
    assert _coloured_pixels(run_with_codes(tmp_path / "tiny", lambda c: c * np.float32(1e-38))) > 10


def test_pick_returns_the_point_nearest_the_camera_at_its_pixel(tmp_path: Path) -> None:
    plotter, scene = _preview(make_fake_run(tmp_path / "r", epochs=1, n=300), size=(300, 240))
    try:
        grab(plotter.ren_win)
        points = scene.actor.GetMapper().GetInput().GetPoints()
        ren = scene.renderer
        seen = []
        for i in range(points.GetNumberOfPoints()):
            x, y, z = points.GetPoint(i)
            ren.SetWorldPoint(x, y, z, 1.0)
            ren.WorldToDisplay()
            dx, dy, depth = ren.GetDisplayPoint()
            if 5 < dx < 295 and 5 < dy < 235:
                seen.append((depth, i, round(dx), round(dy)))
        _depth, nearest, x, y = min(seen)
        assert scene.pick(x, y) == nearest
        assert scene.pick(1, 1) is None  # the corner: empty space (the note is not pickable)
    finally:
        plotter.close()
