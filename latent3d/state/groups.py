"""The groups model: named groups of test images, the group shown, highlight or isolate, and its trails.

The rules: a selection never takes a point of a hidden class; removing a group stops showing it and
its trails (those fields change first, so no listener sees a dangling name); a run of other test
images drops every group (the viewer model's rule).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from psygnal import SignalGroupDescriptor

from latent3d.analysis.groups import SELECT_OPS, as_group, combine, worst
from latent3d.state.model import Model

if TYPE_CHECKING:
    from latent3d.runs import Run

__all__ = ["DEFAULT_GROUP", "GROUP_MODES", "MAX_GROUPS", "MAX_GROUP_NAME", "MAX_TRAIL_LENGTH", "MAX_TRAIL_POINTS",
           "GroupsModel", "TrailsState", "check_group_name"]

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


def _same_groups(a: Mapping[str, np.ndarray], b: Mapping[str, np.ndarray]) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


@dataclass(eq=False)
class GroupsModel(Model):
    """Named groups and the one shown.

    Attributes
    ----------
    groups : mapping of str to ndarray
        Name -> sorted, unique, read-only int64 test indices (a read-only mapping; at most 100 groups).
    shown : str or None
        The name of the group highlighted (or isolated).
    mode : {"highlight", "isolate"}
        The rest dimmed (the default) or not drawn.
    trails : TrailsState or None
        The trails drawn.
    """

    events: ClassVar[SignalGroupDescriptor] = SignalGroupDescriptor(equality_operators={"groups": _same_groups})

    groups: Mapping[str, np.ndarray] = field(default_factory=lambda: MappingProxyType({}))
    shown: str | None = None
    mode: str = "highlight"
    trails: TrailsState | None = None

    def __post_init__(self) -> None:
        self._run: Run | None = None
        self._hidden: frozenset[int] = frozenset()
        super().__post_init__()

    def limit_to(self, run: Run | None, hidden: frozenset[int]) -> None:
        """The test images groups may hold (``run``'s) and the classes a selection skips (``hidden``)."""
        self._run, self._hidden = run, hidden

    def _n_points(self) -> int:
        return 0 if self._run is None else len(self._run.labels)

    def _check_groups(self, groups: Mapping[str, Iterable[int] | np.ndarray]) -> Mapping[str, np.ndarray]:
        if len(groups) > MAX_GROUPS:
            raise ValueError(f"At most {MAX_GROUPS} groups can be kept, not {len(groups)}.")
        n = self._n_points()
        checked = {check_group_name(k): as_group(np.fromiter(v, np.int64) if not isinstance(v, np.ndarray) else v, n)
                   for k, v in groups.items()}
        # The fields that name a removed group change first: no listener sees a dangling name.
        if self.shown is not None and self.shown not in checked:
            self.shown = None
        if self.trails is not None and self.trails.group not in checked:
            self.trails = None
        return MappingProxyType(checked)

    def _check_shown(self, name: str | None) -> str | None:
        if name is not None and name not in self.groups:
            raise ValueError(f"There is no group named {name!r}.")
        return name

    def _check_mode(self, mode: str) -> str:
        if mode not in GROUP_MODES:
            raise ValueError(f"Unknown group mode {mode!r}; use highlight or isolate.")
        return mode

    def _check_trails(self, trails: TrailsState | None) -> TrailsState | None:
        if trails is None:
            return None
        if trails.group not in self.groups:
            raise ValueError(f"Trails need a group; there is no group named {trails.group!r}.")
        length = int(trails.length) if not isinstance(trails.length, bool) else 1
        return TrailsState(trails.group, min(max(length, 1), MAX_TRAIL_LENGTH))

    # -- editing -----------------------------------------------------------------------------------

    @property
    def group(self) -> np.ndarray | None:
        """The indices of the group shown, or None."""
        return None if self.shown is None else self.groups[self.shown]

    def set_group(self, name: str, indices: Iterable[int] | np.ndarray) -> None:
        """Keep ``indices`` as the group ``name`` (a new group, or replacing the one of that name)."""
        self.groups = {**self.groups, check_group_name(name): np.asarray(
            list(indices) if not isinstance(indices, np.ndarray) else indices)}

    def remove_group(self, name: str) -> None:
        """Forget the group ``name`` (it stops being shown, and so do its trails)."""
        if name in self.groups:
            self.groups = {k: v for k, v in self.groups.items() if k != name}

    def toggle_mode(self) -> None:
        """Switch between highlight and isolate (the I key)."""
        self.mode = "isolate" if self.mode == "highlight" else "highlight"

    def select_points(self, indices: Iterable[int] | np.ndarray, op: str = "replace") -> None:
        """Select ``indices``: ``replace`` makes them ``DEFAULT_GROUP`` and shows it; ``add`` and ``remove`` edit the
        group shown (``DEFAULT_GROUP`` when none is), so a named group is changed only by Shift or Ctrl.

        Points of hidden classes are never selected, whatever ``indices`` holds.
        """
        if op not in SELECT_OPS:
            raise ValueError(f"Unknown selection operation {op!r}; use one of {', '.join(SELECT_OPS)}.")
        new = as_group(np.unique(np.asarray(list(indices) if not isinstance(indices, np.ndarray) else indices,
                                            np.int64)), self._n_points())
        if self._hidden and self._run is not None and new.size:
            new = new[~np.isin(self._run.labels[new], list(self._hidden))]
        name = (self.shown if op != "replace" else None) or DEFAULT_GROUP
        current = self.groups.get(name, np.zeros(0, np.int64))
        self.groups = {**self.groups, name: combine(current, new, op)}
        self.shown = name

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

    def values(self) -> dict[str, Any]:
        """The group fields as plain values (for view files)."""
        return {"groups": {k: tuple(int(i) for i in v) for k, v in self.groups.items()},
                "group_shown": self.shown, "group_mode": self.mode, "trails": self.trails}
