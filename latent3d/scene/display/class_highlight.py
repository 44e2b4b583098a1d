"""The class brought out in the scene: while the display model's ``highlight_class`` is set, the others fade
and its points are drawn over them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from latent3d.analysis.explore import map_colours
from latent3d.scene.core.cloud import LatentScene
from latent3d.scene.core.look import BACKGROUND, CLASS_COLORS
from latent3d.scene.core.on_top import OnTopPoints
from latent3d.scene.core.overlays import ColourModes
from latent3d.state.model import connect_handlers

if TYPE_CHECKING:
    from latent3d.state.display import DisplayModel
    from latent3d.state.time import TimeModel

__all__ = ["FADE", "ClassHighlight"]

FADE = 0.15  # how much of their own colour the other classes keep (the rest is the background)


def _background() -> np.ndarray:
    return np.array([int(BACKGROUND[i:i + 2], 16) for i in (1, 3, 5)], np.float32)


class ClassHighlight:
    """Fades every class but the highlighted one, over whatever colour mode the presenter drew, and draws it on top.

    Parameters
    ----------
    display : DisplayModel
        Its ``highlight_class`` (and colour mode, which the fade follows).
    time : TimeModel
        The run and the position (a recolour at another snapshot is faded again).
    scene : LatentScene
    colours : ColourModes
        The presenter's colour modes: the colours to fade are recomputed from them, so fading twice
        never darkens further and a recolour (another snapshot, another mode) is faded again.
    request_render : callable
        Asks the view for one render.

    Notes
    -----
    Create it after the :class:`~latent3d.scene.core.presenter.ScenePresenter`: psygnal calls handlers in
    the order they were connected, so the fade is applied after the presenter's recolour.
    """

    def __init__(self, display: DisplayModel, time: TimeModel, scene: LatentScene, colours: ColourModes,
                 request_render: Callable[[], None] = lambda: None) -> None:
        self.display, self.time = display, time
        self.scene, self.colours, self.request_render = scene, colours, request_render
        self._faded = False
        self.on_top = OnTopPoints(scene)  # the faded points in front of the class no longer hide it
        self._disconnects = [connect_handlers(m, self) for m in (time, display)]

    def _on_highlight_class(self, _cls: int | None) -> None:
        self.apply()
        self.request_render()

    def _on_run(self, _run: object) -> None:
        self.apply()

    def _on_position(self, _u: float) -> None:
        if self._faded:
            self.apply()

    def _on_color(self, _mode: str) -> None:
        self.apply()

    def _on_hidden_classes(self, _hidden: object) -> None:
        if self._faded:
            self.apply()
            self.request_render()

    def _base(self, labels: np.ndarray) -> np.ndarray:
        if self.colours.values is None:
            return np.asarray(CLASS_COLORS, np.float32)[labels]
        return map_colours(self.colours.values, *self.colours.range).astype(np.float32)

    def apply(self) -> None:
        """Write the cloud's colours: faded but for the highlighted class, or the colour mode's own."""
        run, cloud, cls = self.time.run, self.scene._cloud, self.display.highlight_class
        if run is None or cloud is None or (cls is None and not self._faded):
            self.on_top.show(None)
            return
        rgb = np.asarray(cloud.point_data["rgb"])
        labels = np.asarray(run.labels)
        if len(labels) != len(rgb):
            self.on_top.show(None)
            return
        base = self._base(labels)
        if cls is not None:
            other = labels != cls
            base[other] = FADE * base[other] + (1 - FADE) * _background()
        rgb[:] = np.rint(base).astype(np.uint8)
        cloud.point_data["rgb"].Modified()
        self._faded = cls is not None
        self.on_top.show(labels == cls if cls is not None else None)

    def close(self) -> None:
        """Disconnect from the models and remove the layer on top."""
        for disconnect in self._disconnects:
            disconnect()
        self.on_top.close()
