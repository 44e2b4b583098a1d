"""Headless side-by-side rendering of a comparison: the compared run's linked view, off screen (EGL)."""

from __future__ import annotations

import numpy as np

from latent3d.scene.compare.presenter import ComparePresenter
from latent3d.scene.core.cloud import LatentScene
from latent3d.scene.offscreen.pixels import grab
from latent3d.scene.offscreen.window import offscreen_plotter
from latent3d.state.viewer_model import ViewerModel

__all__ = ["SecondView", "side_by_side"]


class SecondView:
    """The model's compared run in an off-screen plotter of its own, following the model's camera.

    Parameters
    ----------
    model : ViewerModel
        Its ``compare.other`` is set.
    size : (int, int)
        This view's width and height in pixels.
    scale : float
        Point sizes and text times this.
    """

    def __init__(self, model: ViewerModel, size: tuple[int, int], scale: float = 1.0) -> None:
        self.plotter = offscreen_plotter(size)
        self.scene = LatentScene(self.plotter, point_size=7.0 * scale, axes_line_width=2.0 * scale)
        m = model
        self.presenter = ComparePresenter(m.time, m.compare, m.display, m.pick, m.camera, self.scene, scale=scale)

    def grab(self) -> np.ndarray:
        """This view rendered now, uint8 ``[H, W, 3]``."""
        return grab(self.plotter.ren_win)

    def close(self) -> None:
        """Release the plotter."""
        self.presenter.close()
        self.scene.close()
        self.plotter.close()


def side_by_side(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Two views in one image, with a 2-pixel dark rule between them (uint8 ``[H, W1 + 2 + W2, 3]``)."""
    h = min(left.shape[0], right.shape[0])
    rule = np.full((h, 2, 3), 12, np.uint8)
    return np.ascontiguousarray(np.concatenate([left[:h], rule, right[:h]], axis=1))
