"""The group keys of a view file (``groups``, ``group_shown``, ``group_mode``, ``trails``): read as untrusted, written.

Every failure is one :class:`~latent3d.state.view.checker.ViewFileError` sentence naming the file and
the key. The format is in ``docs/view-format.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from latent3d.state.groups import GROUP_MODES, MAX_GROUP_NAME, MAX_GROUPS, MAX_TRAIL_LENGTH, TrailsState
from latent3d.state.view.checker import MAX_INT, Checker, describe, one_line

__all__ = ["GROUP_KEYS", "MAX_GROUP_ENTRIES", "GroupSpec", "parse_groups"]

GROUP_KEYS = ("groups", "group_shown", "group_mode", "trails")
MAX_GROUP_ENTRIES = 1 << 20  # indices over all groups; a 1 MB file holds fewer, a run of 10,000 images needs 10,000


@dataclass(frozen=True)
class GroupSpec:
    """The group keys of one view file (defaults: no groups, nothing shown, highlight, no trails)."""

    groups: dict[str, tuple[int, ...]] = field(default_factory=dict)
    group_shown: str | None = None
    group_mode: str = "highlight"
    trails: TrailsState | None = None

    def to_dict(self) -> dict[str, Any]:
        """The keys to write; none at all when every value is the default (older readers stay happy)."""
        if self == GroupSpec():
            return {}
        t = self.trails
        return {"groups": {k: [int(i) for i in v] for k, v in self.groups.items()}, "group_shown": self.group_shown,
                "group_mode": self.group_mode, "trails": None if t is None else {"group": t.group, "length": t.length}}

    def check_against(self, n_points: int, c: Checker) -> None:
        """Refuse indices that are not test images of a run with ``n_points`` images."""
        for name, indices in self.groups.items():
            bad = next((i for i in indices if i >= n_points), None)
            if bad is not None:
                raise c.error(f"groups.{name}", f"holds {bad} but the run has {n_points} test images "
                                                f"(0 to {n_points - 1})")


def _indices(c: Checker, key: str, v: object) -> tuple[int, ...]:
    if not isinstance(v, list):
        raise c.error(key, f"must be a list of test-image indices, not {describe(v)}")
    if len(v) > MAX_GROUP_ENTRIES:
        raise c.error(key, f"lists {len(v)} indices; a group holds at most {MAX_GROUP_ENTRIES}")
    # One pass in C-speed builtins for the common case; the slow path only finds the first bad entry to name it.
    if not all(type(i) is int and 0 <= i <= MAX_INT for i in v):
        k, bad = next((k, i) for k, i in enumerate(v) if not (type(i) is int and 0 <= i <= MAX_INT))
        raise c.error(f"{key}[{k}]", f"must be a test-image index (an integer from 0), not {describe(bad)}")
    if len(set(v)) != len(v):
        seen: set[int] = set()
        twice = next(i for i in v if i in seen or seen.add(i))  # type: ignore[func-returns-value]
        raise c.error(key, f"lists test image {twice} twice; list each index once")
    return tuple(sorted(v))


def parse_groups(c: Checker, d: dict[str, Any]) -> GroupSpec:
    """The group keys of the top-level object ``d`` (each optional; null means absent), checked."""
    raw = d.get("groups")
    groups: dict[str, tuple[int, ...]] = {}
    if raw is not None:
        raw = c.obj("groups", raw)
        if len(raw) > MAX_GROUPS:
            raise c.error("groups", f"holds {len(raw)} groups; at most {MAX_GROUPS} are kept")
        total = 0
        for name, indices in raw.items():
            if not 0 < len(name) <= MAX_GROUP_NAME or not name.isprintable():
                raise c.error("groups", f"has the name {one_line(repr(name), 40)}; a group name is 1 to "
                                        f"{MAX_GROUP_NAME} printable characters")
            groups[name] = _indices(c, f"groups.{name}", indices)
            total += len(groups[name])
            if total > MAX_GROUP_ENTRIES:
                raise c.error("groups", f"lists more than {MAX_GROUP_ENTRIES} indices in all")
    shown = d.get("group_shown")
    if shown is not None:
        if not isinstance(shown, str):
            raise c.error("group_shown", f"must be a group name or null, not {describe(shown)}")
        if shown not in groups:
            raise c.error("group_shown", f"names {describe(shown)}, which is not a group in 'groups'")
    mode = c.choice("group_mode", d.get("group_mode", "highlight"), GROUP_MODES)
    trails = None
    if d.get("trails") is not None:
        t = c.obj("trails", d["trails"])
        c.keys(t, "trails", ("group",), ("length",))
        if not isinstance(t["group"], str) or t["group"] not in groups:
            raise c.error("trails.group", f"names {describe(t['group'])}, which is not a group in 'groups'")
        trails = TrailsState(t["group"], c.integer("trails.length", t.get("length", 10), 1, MAX_TRAIL_LENGTH))
    return GroupSpec(groups, shown, mode, trails)
