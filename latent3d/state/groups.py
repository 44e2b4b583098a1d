"""Named groups of test images in the viewer state: the group shown, highlight or isolate, and its trails.

:class:`GroupFields` is mixed into :class:`~latent3d.state.viewer_state.ViewerState`: the fields
``groups``, ``group_shown``, ``group_mode`` and ``trails`` with their rules, kept here so the state
module stays small. The rules: a selection never takes a point of a hidden class; removing a group
stops showing it and its trails; a run of other test images drops every group.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from latent3d.analysis.groups import SELECT_OPS, as_group, combine, worst

if TYPE_CHECKING:
    from latent3d.runs import Run

__all__ = ["DEFAULT_GROUP", "GROUP_MODES", "MAX_GROUPS", "MAX_GROUP_NAME", "MAX_TRAIL_LENGTH", "MAX_TRAIL_POINTS",
           "GroupFields", "TrailsState", "check_group_name"]

GROUP_MODES = ("highlight", "isolate")
DEFAULT_GROUP = "selection"  # the group a box or lasso fills when no named group is shown
MAX_GROUPS = 100
MAX_GROUP_NAME = 64
MAX_TRAIL_LENGTH = 10_000  # snapshots; a run has ~40, a long schedule a few hundred
MAX_TRAIL_POINTS = 2000  # trails are drawn for an even sample of at most this many of the group's points


@dataclass(frozen=True)
class TrailsState:
    """Trails of the group ``group``: each point's path through the last ``length`` snapshots up to the position."""

    group: str
    length: int = 10


def check_group_name(name: object) -> str:
    """``name`` if it can name a group (1-64 printable characters), else ValueError in one sentence."""
    if not isinstance(name, str) or not 0 < len(name) <= MAX_GROUP_NAME or not name.isprintable():
        raise ValueError(f"A group name must be 1 to {MAX_GROUP_NAME} printable characters, not {name!r}.")
    return name


class GroupFields:
    """The group fields of the viewer state (a mixin: it uses the state's ``events``, run and hidden classes)."""

    events: Any  # the state's ViewerEvents (typed there; this mixin only emits)
    _run: Run | None
    _hidden: frozenset[int]

    def _init_groups(self) -> None:
        self._groups: dict[str, np.ndarray] = {}
        self._group_shown: str | None = None
        self._group_mode = "highlight"
        self._trails: TrailsState | None = None

    def _n_points(self) -> int:
        return 0 if self._run is None else len(self._run.labels)

    # -- the groups -----------------------------------------------------------------------------

    @property
    def groups(self) -> Mapping[str, np.ndarray]:
        """Named groups: name -> sorted, unique, read-only int64 test indices."""
        return MappingProxyType(self._groups)

    @groups.setter
    def groups(self, groups: Mapping[str, Iterable[int] | np.ndarray]) -> None:
        if len(groups) > MAX_GROUPS:
            raise ValueError(f"At most {MAX_GROUPS} groups can be kept, not {len(groups)}.")
        n = self._n_points()
        checked = {check_group_name(k): as_group(np.fromiter(v, np.int64) if not isinstance(v, np.ndarray) else v, n)
                   for k, v in groups.items()}
        self._replace_groups(checked)

    def _replace_groups(self, groups: dict[str, np.ndarray]) -> None:
        same = groups.keys() == self._groups.keys() and all(np.array_equal(groups[k], self._groups[k]) for k in groups)
        if same:
            return
        self._groups = groups
        # The fields that name a removed group change before any event: no listener sees a dangling name.
        shown_gone = self._group_shown is not None and self._group_shown not in groups
        trails_gone = self._trails is not None and self._trails.group not in groups
        if shown_gone:
            self._group_shown = None
        if trails_gone:
            self._trails = None
        self.events.groups.emit(self.groups)
        if shown_gone:
            self.events.group_shown.emit(None)
        if trails_gone:
            self.events.trails.emit(None)

    def set_group(self, name: str, indices: Iterable[int] | np.ndarray) -> None:
        """Keep ``indices`` as the group ``name`` (a new group, or replacing the one of that name)."""
        self.groups = {**self._groups, check_group_name(name): np.asarray(list(indices) if not isinstance(
            indices, np.ndarray) else indices)}

    def remove_group(self, name: str) -> None:
        """Forget the group ``name`` (it stops being shown, and so do its trails)."""
        if name in self._groups:
            self._replace_groups({k: v for k, v in self._groups.items() if k != name})

    @property
    def group(self) -> np.ndarray | None:
        """The indices of the group shown, or None."""
        return None if self._group_shown is None else self._groups[self._group_shown]

    @property
    def group_shown(self) -> str | None:
        """The name of the group highlighted (or isolated), or None."""
        return self._group_shown

    @group_shown.setter
    def group_shown(self, name: str | None) -> None:
        if name is not None and name not in self._groups:
            raise ValueError(f"There is no group named {name!r}.")
        if name != self._group_shown:
            self._group_shown = name
            self.events.group_shown.emit(name)

    @property
    def group_mode(self) -> str:
        """``highlight`` (the rest dimmed, the default) or ``isolate`` (only the group drawn)."""
        return self._group_mode

    @group_mode.setter
    def group_mode(self, mode: str) -> None:
        if mode not in GROUP_MODES:
            raise ValueError(f"Unknown group mode {mode!r}; use highlight or isolate.")
        if mode != self._group_mode:
            self._group_mode = mode
            self.events.group_mode.emit(mode)

    def toggle_group_mode(self) -> None:
        """Switch between highlight and isolate (the I key)."""
        self.group_mode = "isolate" if self._group_mode == "highlight" else "highlight"

    @property
    def trails(self) -> TrailsState | None:
        """The trails drawn, or None."""
        return self._trails

    @trails.setter
    def trails(self, trails: TrailsState | None) -> None:
        if trails is not None:
            if trails.group not in self._groups:
                raise ValueError(f"Trails need a group; there is no group named {trails.group!r}.")
            length = int(trails.length) if not isinstance(trails.length, bool) else 1
            trails = TrailsState(trails.group, min(max(length, 1), MAX_TRAIL_LENGTH))
        if trails != self._trails:
            self._trails = trails
            self.events.trails.emit(trails)

    # -- selecting ------------------------------------------------------------------------------

    def select_points(self, indices: Iterable[int] | np.ndarray, op: str = "replace") -> None:
        """Select ``indices``: ``replace`` makes them ``DEFAULT_GROUP`` and shows it; ``add`` and ``remove`` edit the
        group shown (``DEFAULT_GROUP`` when none is), so a named group is changed only by Shift or Ctrl.

        Points of hidden classes are never selected, whatever ``indices`` holds.
        """
        if op not in SELECT_OPS:
            raise ValueError(f"Unknown selection operation {op!r}; use one of {', '.join(SELECT_OPS)}.")
        n = self._n_points()
        new = as_group(np.unique(np.asarray(list(indices) if not isinstance(indices, np.ndarray) else indices,
                                            np.int64)), n)
        if self._hidden and self._run is not None and new.size:
            new = new[~np.isin(self._run.labels[new], list(self._hidden))]
        name = (self._group_shown if op != "replace" else None) or DEFAULT_GROUP
        current = self._groups.get(name, np.zeros(0, np.int64))
        self._replace_groups({**self._groups, name: combine(current, new, op)})
        self.group_shown = name

    def select_class(self, cls: int, op: str = "replace") -> None:
        """Select every test image of class ``cls`` (nothing when the class is hidden)."""
        if self._run is not None:
            self.select_points(np.flatnonzero(self._run.labels == int(cls)), op)

    def select_worst(self, n: int, snapshot: int, op: str = "replace") -> None:
        """Select the ``n`` visible test images of highest BCE at ``snapshot``."""
        run = self._run
        if run is not None:
            shown = ~np.isin(run.labels, list(self._hidden))
            self.select_points(worst(run.test_bce[snapshot], n, shown), op)

    def _groups_for_run(self, keep: bool) -> None:
        """A run of other test images clears the groups (their indices meant other images)."""
        if not keep and self._groups:
            self._replace_groups({})

    def group_values(self) -> dict[str, Any]:
        """The group fields as plain values (for view files)."""
        return {"groups": {k: tuple(int(i) for i in v) for k, v in self._groups.items()},
                "group_shown": self._group_shown, "group_mode": self._group_mode, "trails": self._trails}
