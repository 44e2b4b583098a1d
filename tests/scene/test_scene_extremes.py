"""Legal extreme codes are drawn (issue 19, item 16): one point at 3e38 used to blank the other 299, and a
cloud scaled by 1e-38 drew nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from latent3d.runs import load_run
from latent3d.scene.offscreen.render import OffscreenRenderer
from tests.support.scene_fixtures import coloured_pixels, run_with_codes


def _coloured_pixels(run_dir: Path) -> int:
    """Class-coloured pixels in the middle of a 200x150 render of the last snapshot."""
    run = load_run(run_dir)
    r = OffscreenRenderer(run, size=(200, 150))
    try:
        last = float(run.n_snapshots - 1)
        r.fit(last)
        return coloured_pixels(r.frame(last))
    finally:
        r.close()


@pytest.fixture(scope="module")
def normal(tmp_path_factory: pytest.TempPathFactory) -> int:
    return _coloured_pixels(run_with_codes(tmp_path_factory.mktemp("x") / "normal", lambda c: c))


def test_one_point_at_3e38_leaves_the_others_drawn(tmp_path: Path, normal: int) -> None:
    def far(c: np.ndarray) -> np.ndarray:
        c = c.copy()
        c[:, 7] = 3e38
        return c

    assert _coloured_pixels(run_with_codes(tmp_path / "far", far)) > 0.5 * normal


def test_a_cloud_scaled_by_1e_38_is_drawn_as_a_dot(tmp_path: Path) -> None:
    assert _coloured_pixels(run_with_codes(tmp_path / "tiny", lambda c: c * np.float32(1e-38))) > 10
