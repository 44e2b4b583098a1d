"""Displays the group shown in the scene: the rest dimmed (highlight) or not drawn (isolate, said on screen), trails.

Created after the :class:`~latent3d.scene.core.presenter.ScenePresenter` of the same scene (its handlers
run after that one's, so a new run's cloud is in place before the group is drawn on it). The window
and the off-screen renderer both use it, so screenshots, movies and ``render --view`` show groups too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from vtkmodules.vtkRenderingCore import vtkTextActor

from latent3d.analysis.groups import centroid_path, trail_sample
from latent3d.scene.core.cloud import LatentScene
from latent3d.scene.core.on_top import OnTopPoints
from latent3d.scene.core.overlays import ColourModes
from latent3d.scene.groups.trails import TrailLayer
from latent3d.state.compare import drawn_codes
from latent3d.state.groups import MAX_TRAIL_POINTS
from latent3d.state.model import connect_handlers

if TYPE_CHECKING:
    from latent3d.state.compare import CompareModel
    from latent3d.state.display import DisplayModel
    from latent3d.state.groups import GroupsModel
    from latent3d.state.time import TimeModel

__all__ = ["GroupPresenter", "isolate_caption"]


def isolate_caption(name: str, count: int, total: int) -> str:
    """The on-screen note of isolate mode: a filter is never hidden."""
    return f"Isolated: '{name}', {count:,} of {total:,} points (I: show all)"


class GroupPresenter:
    """Keeps ``scene`` showing the group shown: dims or isolates through ``colours`` and the scene, draws trails.

    Parameters
    ----------
    groups : GroupsModel
    time : TimeModel
        The run, and the position the trails end at.
    display : DisplayModel
        Points of hidden classes get no trail and are not counted in the isolate note.
    compare : CompareModel
        The alignment: trails run through the codes as the cloud draws them.
    scene : LatentScene
    colours : ColourModes
        The scene's colour modes (the presenter's), which dim the points outside a highlighted group.
    request_render : callable
        Called after every change that needs a new frame.
    scale : float
        Line widths and text sizes times this (a 4x screenshot looks like the view).
    """

    def __init__(self, groups: GroupsModel, time: TimeModel, display: DisplayModel, compare: CompareModel,
                 scene: LatentScene, colours: ColourModes, request_render: Callable[[], None] = lambda: None,
                 scale: float = 1.0) -> None:
        self.groups, self.time, self.display, self.compare = groups, time, display, compare
        self.scene, self.colours, self.request_render = scene, colours, request_render
        # 1-pixel lines are native GL lines; wider ones take a geometry shader, 30x slower on software GL
        self.trails = TrailLayer(scene.plotter, line_width=1.0 * scale)
        self.on_top = OnTopPoints(scene)  # a highlighted group over the dimmed points (issue 32)
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
        self._frame_tag: int | None = None  # an observer before each frame, only while trails are drawn
        self._disconnects = [connect_handlers(m, self) for m in (time, groups, display, compare)]
        self.refresh()

    def _ready(self) -> bool:
        run = self.time.run
        return run is not None and self.scene.n_points == len(run.labels)  # the scene may still hold the last run

    # -- handlers -------------------------------------------------------------------------------

    def _refresh(self, _value: object = None) -> None:
        self.refresh()

    # hidden classes too: the isolate note's count and the trails leave them out
    _on_run = _on_groups = _on_hidden_classes = _refresh

    def _redraw_group(self, _value: object = None) -> None:
        self._show_group()
        self.request_render()

    _on_shown = _on_mode = _redraw_group

    def _redraw_trails(self, _value: object = None) -> None:
        self._build_trails()
        self.request_render()

    _on_trails = _on_align = _redraw_trails

    def _on_position(self, u: float) -> None:
        if self.trails.visible:
            self.trails.set_position(u)
            self.request_render()

    def _before_frame(self, _obj: object, _event: str) -> None:
        if self.trails.fast != self.scene.fast:
            self.trails.set_fast(self.scene.fast)

    def _watch_frames(self, on: bool) -> None:
        """Follow the scene's level of detail (switched while the camera moves) before each frame, with trails only."""
        ren_win = self.scene.plotter.ren_win
        if on and self._frame_tag is None and ren_win is not None:
            self._frame_tag = ren_win.AddObserver("StartEvent", self._before_frame)
        elif not on and self._frame_tag is not None:
            if ren_win is not None:
                ren_win.RemoveObserver(self._frame_tag)
            self._frame_tag = None

    def refresh(self) -> None:
        """Redraw group, note and trails from the models."""
        self._show_group()
        self._build_trails()
        self.request_render()

    # -- drawing --------------------------------------------------------------------------------

    def _members(self, indices: np.ndarray) -> np.ndarray:
        mask = np.zeros(self.scene.n_points, bool)
        mask[indices] = True
        return mask

    def _show_group(self) -> None:
        groups, group = self.groups, self.groups.group
        key = (self.time.run, self.scene._cloud, group, groups.mode, self.display.hidden_classes)
        if self._shown_key is not None and all(a is b or (isinstance(a, (str, frozenset)) and a == b)
                                               for a, b in zip(key, self._shown_key)):
            return  # one selection emits groups and group_shown: the cloud is dimmed once
        self._shown_key = key
        if not self._ready() or group is None:
            if self._ready():
                self.scene.set_only(None)
            self.colours.set_dim(None)
            self.on_top.show(None)
            self.note.SetVisibility(False)
            return
        members = self._members(group)
        isolate = groups.mode == "isolate"
        self.scene.set_only(members if isolate else None)
        self.colours.set_dim(None if isolate or not group.size else ~members)
        self.on_top.show(None if isolate or not group.size else members)
        if isolate:
            shown = int(self.scene.drawn_mask().sum())
            self.note.SetInput(isolate_caption(groups.shown or "", shown, self.scene.n_points))
        self.note.SetVisibility(isolate)

    def _build_trails(self) -> None:
        run, trails, hidden = self.time.run, self.groups.trails, self.display.hidden_classes
        if not self._ready() or trails is None or run is None:
            self.trails.set_visible(False)
            self._watch_frames(False)
            return
        members = np.asarray(self.groups.groups[trails.group], np.int64)
        if hidden and members.size:
            members = members[~np.isin(run.labels[members], list(hidden))]
        sample = trail_sample(members, MAX_TRAIL_POINTS)
        drawn = drawn_codes(self.time, self.compare)  # what the cloud draws (aligned or the run's own codes)
        codes = run.codes if drawn is None else drawn
        self.trails.set_data(codes[:, sample], run.labels[sample], centroid_path(codes, members), trails.length)
        self.trails.set_position(self.time.position)
        self.trails.set_visible(True)
        self._watch_frames(self.trails.visible)

    def close(self) -> None:
        """Disconnect from the models and remove the trails and the note."""
        for disconnect in self._disconnects:
            disconnect()
        self._watch_frames(False)
        self.trails.close()
        self.on_top.close()
        self.scene.plotter.renderer.RemoveViewProp(self.note)
