"""The scene presenter with alignment and comparison colours: everything drawn follows ``state.drawn_codes``.

A thin layer over :class:`~latent3d.scene.presenter.ScenePresenter`: the cloud, the selection marker
and the path are drawn from the aligned codes when ``state.align`` is on, and the colour modes added
with the comparison (movement beyond alignment, distance, neighbour agreement) come from
``state.colour_values()``.
"""

from __future__ import annotations

from collections.abc import Callable

from latent3d.analysis.explore import colour_range
from latent3d.scene.cloud import LatentScene
from latent3d.scene.presenter import ScenePresenter, colour_title
from latent3d.state.viewer_state import ViewerState

__all__ = ["AlignedPresenter", "shown_colour_title"]


def shown_colour_title(state: ViewerState) -> str:
    """The colour bar's title for the state's colour mode at its snapshot."""
    mode, time, s = state.color, state.time, state.snapshot
    if mode == "aligned-movement" and time is not None:
        return f"moved beyond alignment since step {time.steps[s - 1]:,.0f}" if s else "moved (step 0)"
    if mode == "distance":
        return "distance"
    if mode == "agreement":
        return "agreement"
    return colour_title(mode, state)


class AlignedPresenter(ScenePresenter):
    """A :class:`ScenePresenter` that draws the state's drawn (aligned) codes and every colour mode.

    Parameters
    ----------
    state, scene, request_render, scale
        As :class:`ScenePresenter`.
    """

    def __init__(self, state: ViewerState, scene: LatentScene,
                 request_render: Callable[[], None] = lambda: None, scale: float = 1.0) -> None:
        super().__init__(state, scene, request_render, scale)

    def _on_run(self, run: object) -> None:
        super()._on_run(run)
        if self.state.run is not None and self.state.align != "none":
            self._draw_aligned()

    def _on_align(self, _mode: str) -> None:
        if self.state.run is not None:
            self._draw_aligned()
            self._coloured = None
            self._apply_colours()
            self.request_render()

    def _draw_aligned(self) -> None:
        drawn = self.state.drawn_codes
        if drawn is not None and self.scene.update_codes(drawn, self.state.position):
            if self.state.path is not None:
                self._place_path(self.state.path)

    def _on_compare(self, _run: object) -> None:
        self._coloured = None
        self._apply_colours()
        self.request_render()

    def _apply_colours(self) -> None:
        state, run = self.state, self.state.run
        if run is None:
            return
        key = (state.color, state.snapshot, id(run), id(self.scene._cloud), state.align, id(state.compare))
        if key == self._coloured:
            return
        self._coloured = key
        values = state.colour_values()
        if values is None:
            self.colours.show_classes(run.labels)
        else:
            self.colours.show_values(values, *colour_range(values), title=shown_colour_title(state))
