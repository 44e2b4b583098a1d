"""TRANSITIONAL: the old one-object ``ViewerState`` API over the small models, while features move to their models.

Every name here reads or writes one field of one model of :class:`ViewerModel`; ``state.events.<name>``
is that model's signal. Nothing new may use it: each feature takes its own models. It is deleted when
the last feature has moved (issue 28).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import numpy as np

from latent3d.state.compare import align_transform, drawn_codes, to_snapshot_codes
from latent3d.state.display import N_CLASSES, colour_values
from latent3d.state.groups import TrailsState
from latent3d.state.time import timebase_of
from latent3d.state.values import Camera, PathState
from latent3d.state.viewer_model import ViewerModel

if TYPE_CHECKING:
    from latent3d.runs import Run

__all__ = ["N_CLASSES", "Camera", "PathState", "TrailsState", "ViewerState", "connect_handlers", "timebase_of"]

# old name -> (model, field)
FIELDS = {
    "position": ("time", "position"), "time_axis": ("time", "time_axis"), "follow": ("time", "follow"),
    "camera": ("camera", "camera"),
    "selected": ("pick", "selected"), "path": ("pick", "path"), "probe": ("pick", "probe"),
    "color": ("display", "color"), "hidden_classes": ("display", "hidden_classes"),
    "train_overlay": ("display", "train_overlay"), "highlight_class": ("display", "highlight_class"),
    "groups": ("groups", "groups"), "group_shown": ("groups", "shown"), "group_mode": ("groups", "mode"),
    "trails": ("groups", "trails"),
    "decoder_map": ("layers", "decoder_map"), "own_images": ("layers", "own_images"),
    "align": ("compare", "align"), "compare_overlay": ("compare", "overlay"),
}
READ_ONLY = {"run": ("time", "run"), "compare": ("compare", "other"), "time": ("time", "time"),
             "run_grew": ("time", "run_grew"), "snapshot": ("time", "snapshot"), "step": ("time", "step"),
             "epoch": ("time", "epoch"), "planned_epochs": ("time", "planned_epochs"), "group": ("groups", "group"),
             "comparison": ("compare", "comparison"), "n_classes": ("display", "n_classes")}
EVENTS = ("run", "position", "selected", "path", "probe", "color", "hidden_classes", "train_overlay", "camera",
          "time_axis", "follow", "groups", "group_shown", "group_mode", "trails", "decoder_map", "own_images",
          "align", "compare", "compare_overlay", "highlight_class")
METHODS = {
    "seek_step": ("time", "seek_step"), "step_snapshot": ("time", "step_snapshot"),
    "clear_selection": ("pick", "clear_selection"), "set_path_t": ("pick", "set_path_t"),
    "set_path_samples": ("pick", "set_path_samples"), "set_class_visible": ("display", "set_class_visible"),
    "set_group": ("groups", "set_group"), "remove_group": ("groups", "remove_group"),
    "select_points": ("groups", "select_points"), "select_class": ("groups", "select_class"),
    "select_worst": ("groups", "select_worst"), "toggle_group_mode": ("groups", "toggle_mode"),
    "group_values": ("groups", "values"), "toggle_decoder_map": ("layers", "toggle_decoder_map"),
    "add_own_image": ("layers", "add_own_image"), "remove_own_image": ("layers", "remove_own_image"),
}


class _NewValueOnly:
    """A model's signal as the old events were: slots get the new value only, never ``(new, old)``."""

    def __init__(self, signal: Any) -> None:
        self._signal = signal

    def connect(self, slot: Any = None, **kwargs: Any) -> Any:
        if not inspect.isbuiltin(slot):  # list.append and the like take one argument anyway
            kwargs.setdefault("max_args", 1)
        return self._signal.connect(slot, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._signal, name)

    def __len__(self) -> int:
        return len(self._signal)


def _field(model: str, name: str, writable: bool = True) -> property:
    def get(self: ViewerState) -> Any:
        return getattr(getattr(self.model, model), name)

    def put(self: ViewerState, value: Any) -> None:
        setattr(getattr(self.model, model), name, value)

    return property(get, put if writable else None)


def _method(model: str, name: str) -> Callable[..., Any]:
    def call(self: ViewerState, *args: Any, **kwargs: Any) -> Any:
        return getattr(getattr(self.model, model), name)(*args, **kwargs)

    call.__name__ = name
    return call


class ViewerState:
    """The models of a :class:`ViewerModel` behind the old single-object names (transitional)."""

    def __init__(self, model: ViewerModel | None = None) -> None:
        self.model = model if model is not None else ViewerModel()
        names = {**FIELDS, **READ_ONLY}
        self.events = SimpleNamespace(**{
            name: _NewValueOnly(getattr(getattr(self.model, names[name][0]).events, names[name][1]))
            for name in EVENTS})

    if TYPE_CHECKING:  # the old names are properties set below, from the tables
        def __getattr__(self, name: str) -> Any: ...

        def __setattr__(self, name: str, value: Any) -> None: ...

    def set_run(self, run: Run | None, *, position: float | None = None, fresh: bool = False) -> None:
        """Show ``run`` (see :meth:`ViewerModel.set_run`)."""
        self.model.set_run(run, position=position, fresh=fresh)

    def set_compare(self, run: Run | None) -> None:
        """Compare with ``run`` (or stop comparing); ValueError in one sentence when it cannot be."""
        self.model.compare.other = run

    @property
    def drawn_codes(self) -> np.ndarray | None:
        """The codes as drawn (own or aligned)."""
        return drawn_codes(self.model.time, self.model.compare)

    @property
    def align_transform(self) -> Any:
        """The shown snapshot's alignment, or None."""
        return align_transform(self.model.time, self.model.compare)

    def to_snapshot_codes(self, points: Any) -> np.ndarray:
        """Drawn points in the shown snapshot's own code space."""
        return to_snapshot_codes(self.model.time, self.model.compare, points)

    def colour_values(self) -> np.ndarray | None:
        """The scalar each point is coloured by, or None for class colours."""
        return colour_values(self.model.time, self.model.display, self.model.compare)


for _name, (_model, _attr) in FIELDS.items():
    setattr(ViewerState, _name, _field(_model, _attr))
for _name, (_model, _attr) in READ_ONLY.items():
    setattr(ViewerState, _name, _field(_model, _attr, writable=False))
for _name, (_model, _attr) in METHODS.items():
    setattr(ViewerState, _name, _method(_model, _attr))


def connect_handlers(events: Any, target: object) -> Callable[[], None]:
    """Connect each ``target._on_<event>`` method to ``events.<event>`` (the old names)."""
    pairs = []
    for name in EVENTS:
        slot = getattr(target, f"_on_{name}", None)
        if slot is not None:
            signal = getattr(events, name)
            signal.connect(slot)
            pairs.append((signal, slot))

    def disconnect() -> None:
        for signal, slot in pairs:
            signal.disconnect(slot)

    return disconnect
