"""Displays the state's group in the scene: the rest dimmed (highlight) or not drawn (isolate, said on screen), trails.

Created after the :class:`~latent3d.scene.core.presenter.ScenePresenter` of the same scene (its handlers
run after that one's, so a new run's cloud is in place before the group is drawn on it). The window
and the off-screen renderer both use it, so screenshots, movies and ``render --view`` show groups too.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from vtkmodules.vtkRenderingCore import vtkTextActor

from latent3d.analysis.groups import centroid_path, trail_sample
from latent3d.scene.core.cloud import LatentScene
from latent3d.scene.core.overlays import ColourModes
from latent3d.scene.groups.trails import TrailLayer
from latent3d.state.groups import MAX_TRAIL_POINTS
from latent3d.state.viewer_state import ViewerState, connect_handlers

__all__ = ["GroupPresenter", "isolate_caption"]


def isolate_caption(name: str, count: int, total: int) -> str:
    """The on-screen note of isolate mode: a filter is never hidden."""
    return f"Isolated: '{name}', {count:,} of {total:,} points (I: show all)"


class GroupPresenter:
    """Keeps ``scene`` showing ``state``'s group: dims or isolates through ``colours`` and the scene, draws trails.

    Parameters
    ----------
    state : ViewerState
    scene : LatentScene
    colours : ColourModes
        The scene's colour modes (the presenter's), which dim the points outside a highlighted group.
    request_render : callable
        Called after every change that needs a new frame.
    scale : float
        Line widths and text sizes times this (a 4x screenshot looks like the view).
    """

    def __init__(self, state: ViewerState, scene: LatentScene, colours: ColourModes,
                 request_render: Callable[[], None] = lambda: None, scale: float = 1.0) -> None:
        self.state, self.scene, self.colours, self.request_render = state, scene, colours, request_render
        # 1-pixel lines are native GL lines; wider ones take a geometry shader, 30x slower on software GL
        self.trails = TrailLayer(scene.plotter, line_width=1.0 * scale)
        self.note = vtkTextActor()
        prop = self.note.GetTextProperty()
        prop.SetFontSize(int(round(13 * scale)))
        prop.SetColor(1.0, 0.8, 0.2)
        prop.SetJustificationToCentered()
        prop.SetVerticalJustificationToBottom()
        self.note.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
        self.note.GetPositionCoordinate().SetValue(0.5, 0.015)  # bottom centre: captions top left, bar right
        self.note.SetVisibility(False)
        self.note.SetPickable(False)
        scene.plotter.renderer.AddViewProp(self.note)
        self._shown_key: tuple[object, ...] | None = None
        # Follow the scene's level of detail (the view switches it while the camera moves) before each frame.
        self._frame_tag = scene.plotter.ren_win.AddObserver("StartEvent", self._before_frame)
        self._disconnect = connect_handlers(state.events, self)
        self.refresh()

    def _ready(self) -> bool:
        run = self.state.run
        return run is not None and self.scene.n_points == len(run.labels)  # the scene may still hold the last run

    # -- handlers -------------------------------------------------------------------------------

    def _on_run(self, _run: object) -> None:
        self.refresh()

    def _on_groups(self, _groups: object) -> None:
        self.refresh()

    def _on_group_shown(self, _name: object) -> None:
        self._show_group()
        self.request_render()

    def _on_group_mode(self, _mode: str) -> None:
        self._show_group()
        self.request_render()

    def _on_hidden_classes(self, _hidden: frozenset[int]) -> None:
        self.refresh()  # the isolate note's count and the trails leave hidden classes out

    def _on_trails(self, _trails: object) -> None:
        self._build_trails()
        self.request_render()

    def _on_align(self, _mode: object) -> None:  # connected once the state has an 'align' event (issue 23)
        self._build_trails()
        self.request_render()

    def _on_position(self, u: float) -> None:
        if self.trails.visible:
            self.trails.set_position(u)
            self.request_render()

    def _before_frame(self, _obj: object, _event: str) -> None:
        if self.trails.fast != self.scene.fast:
            self.trails.set_fast(self.scene.fast)

    def refresh(self) -> None:
        """Redraw group, note and trails from the state."""
        self._show_group()
        self._build_trails()
        self.request_render()

    # -- drawing --------------------------------------------------------------------------------

    def _members(self, indices: np.ndarray) -> np.ndarray:
        mask = np.zeros(self.scene.n_points, bool)
        mask[indices] = True
        return mask

    def _show_group(self) -> None:
        state, group = self.state, self.state.group
        key = (state.run, self.scene._cloud, group, state.group_mode, state.hidden_classes)
        if self._shown_key is not None and all(a is b or (isinstance(a, (str, frozenset)) and a == b)
                                               for a, b in zip(key, self._shown_key)):
            return  # one selection emits groups and group_shown: the cloud is dimmed once
        self._shown_key = key
        if not self._ready() or group is None:
            if self._ready():
                self.scene.set_only(None)
            self.colours.set_dim(None)
            self.note.SetVisibility(False)
            return
        members = self._members(group)
        isolate = state.group_mode == "isolate"
        self.scene.set_only(members if isolate else None)
        self.colours.set_dim(None if isolate or not group.size else ~members)
        if isolate:
            shown = int(self.scene.drawn_mask().sum())
            self.note.SetInput(isolate_caption(state.group_shown or "", shown, self.scene.n_points))
        self.note.SetVisibility(isolate)

    def _build_trails(self) -> None:
        state, run, trails = self.state, self.state.run, self.state.trails
        if not self._ready() or trails is None or run is None:
            self.trails.set_visible(False)
            return
        members = np.asarray(state.groups[trails.group], np.int64)
        if state.hidden_classes and members.size:
            members = members[~np.isin(run.labels[members], list(state.hidden_classes))]
        sample = trail_sample(members, MAX_TRAIL_POINTS)
        drawn = getattr(state, "drawn_codes", None)  # what the cloud draws (aligned, issue 23), else the run's codes
        codes = run.codes if drawn is None else drawn
        self.trails.set_data(codes[:, sample], run.labels[sample], centroid_path(codes, members), trails.length)
        self.trails.set_position(state.position)
        self.trails.set_visible(True)

    def close(self) -> None:
        """Disconnect from the state and remove the trails and the note."""
        self._disconnect()
        if self.scene.plotter.ren_win is not None:
            self.scene.plotter.ren_win.RemoveObserver(self._frame_tag)
        self.trails.close()
        self.scene.plotter.renderer.RemoveViewProp(self.note)
