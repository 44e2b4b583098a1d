"""The viewer model: the small evented models of what the window shows, and the rules that cross them.

Each model is the single source of truth for its part (napari's ``ViewerModel`` holding ``Dims``,
``Camera``, layers); a widget or presenter takes only the models it shows. The rules that need two
models live here, once, as handlers connected first (priority) so that they run before any view:
hiding a class drops the pick of it; stopping a comparison takes back a comparison colour; a new
alignment keeps the probe on the same code; a new run keeps or clears picks and groups.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from latent3d.config.choices import COMPARE_COLOUR_MODES
from latent3d.state.camera import CameraModel
from latent3d.state.compare import CompareModel, align_transform, to_snapshot_codes
from latent3d.state.display import DisplayModel
from latent3d.state.groups import GroupsModel
from latent3d.state.layers import LayersModel
from latent3d.state.learning import LearningModel
from latent3d.state.model import quietly_set
from latent3d.state.pick import PickModel
from latent3d.state.time import TimeModel
from latent3d.state.values import as_vec3

if TYPE_CHECKING:
    from latent3d.runs import Run

__all__ = ["ViewerModel"]

RULE = 100  # the priority of the rules' handlers: before every view's


def _emit_changes(model: Any, old: dict[str, Any]) -> None:
    for name, value in old.items():
        new = getattr(model, name)
        if new != value:
            getattr(model.events, name).emit(new, value)


def _same_points(old: Run | None, new: Run) -> bool:
    """Whether ``new`` shows the same test images as ``old`` (a run that grew, or the same run again)."""
    return (old is not None and old.path == new.path and old.labels.shape == new.labels.shape
            and bool(np.array_equal(old.labels, new.labels)))


@dataclass(eq=False)
class ViewerModel:
    """Everything the window shows, as small models; :meth:`set_run` changes the run for all of them."""

    time: TimeModel = field(default_factory=TimeModel)
    camera: CameraModel = field(default_factory=CameraModel)
    pick: PickModel = field(default_factory=PickModel)
    groups: GroupsModel = field(default_factory=GroupsModel)
    display: DisplayModel = field(default_factory=DisplayModel)
    compare: CompareModel = field(default_factory=CompareModel)
    layers: LayersModel = field(default_factory=LayersModel)
    learning: LearningModel = field(default_factory=LearningModel)

    def __post_init__(self) -> None:
        self.display.events.hidden_classes.connect(self._on_hidden_classes, priority=RULE)
        self.compare.events.other.connect(self._on_other, priority=RULE)
        self.compare.events.align.connect(self._on_align, priority=RULE)

    def set_run(self, run: Run | None, *, position: float | None = None, fresh: bool = False) -> None:
        """Show ``run``.

        The same test images as before (a live training added snapshots) keep selection and path;
        otherwise, or with ``fresh`` (the user opened the run again), they are cleared. The probe (free
        roam) stays either way. The position moves to ``position`` (a snapshot index), else stays where
        it was when the points are kept, else goes to the last snapshot; it is clamped either way.
        Every model is consistent with the new run before the run's event.
        """
        old = self.time.run
        keep = run is not None and not fresh and _same_points(old, run)
        same_images = run is not None and not fresh and old is not None and np.array_equal(old.labels, run.labels)
        hidden = self.display.hidden_classes
        dropped = {} if keep else quietly_set(self.pick, selected=None, path=None)  # their events after the run's
        self.pick.limit_to(None if run is None else run.labels, hidden)
        self.display.allow(train_codes=run is not None and run.train_codes is not None)
        self.display.train_overlay = self.display.train_overlay  # dropped when the new run has no training codes
        self.compare.rebase(run, grown=keep)
        if not same_images:
            self.groups.groups = {}  # their indices meant other images; before the run event
        self.groups.limit_to(run, hidden)
        self.time.set_run(run, position, keep, between=lambda: _emit_changes(self.pick, dropped))

    # -- the rules ---------------------------------------------------------------------------------

    def _on_hidden_classes(self, hidden: frozenset[int]) -> None:
        run = self.time.run
        self.pick.limit_to(None if run is None else run.labels, hidden)
        self.groups.limit_to(run, hidden)
        selected = self.pick.selected
        if selected is not None and run is not None and int(run.labels[selected]) in hidden:
            self.pick.selected = None  # a hidden point is neither drawn nor selected

    def _on_other(self, other: Run | None) -> None:
        self.display.allow(comparing=other is not None)
        if other is None and self.display.color in COMPARE_COLOUR_MODES:
            self.display.color = "class"  # a comparison colour needs a comparison

    def _on_align(self, mode: str, old: str) -> None:
        probe = self.pick.probe
        if probe is not None and self.time.run is not None:  # the probe stays on the same code: it decodes the same
            raw = to_snapshot_codes(self.time, self.compare, probe, mode=old)
            t = align_transform(self.time, self.compare, mode)
            self.pick.probe = as_vec3(raw if t is None else t.apply(raw))
