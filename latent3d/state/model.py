"""The base of the small evented models: dataclass fields whose writes are checked, then emitted once if changed.

Each model is a psygnal evented dataclass (as ndv's models and napari's components): a write
``model.field = value`` runs the model's ``_check_<field>(value)`` (which validates, clamps or
raises ``ValueError`` in one sentence), stores the result and emits ``model.events.<field>(new, old)``
only when it differs from what was there. No hand-written setters, no list of event names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["Model", "connect_all", "connect_handlers", "identical", "quietly_set"]


class Model:
    """Mixed into each evented dataclass of the viewer: routes every public field write through its check."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_checked", True)  # the dataclass's own __init__ wrote the defaults unchecked

    def __setattr__(self, name: str, value: Any) -> None:
        if not name.startswith("_") and self.__dict__.get("_checked", False):
            check = getattr(self, f"_check_{name}", None)
            if check is not None:
                value = check(value)
        object.__setattr__(self, name, value)


def identical(a: object, b: object) -> bool:
    """The equality of fields that hold a big object (a run, an analysis): the same object, never compared by value."""
    return a is b


def quietly_set(model: object, **values: Any) -> dict[str, Any]:
    """Store ``values`` on ``model`` without checks or events; returns the old values (emit them yourself).

    For the few writes that must change several fields before any listener runs (a new run moves the
    position with it), so that no listener sees one field new and the other old.
    """
    old = {name: getattr(model, name) for name in values}
    for name, value in values.items():
        object.__setattr__(model, name, value)
    return old


def connect_handlers(model: Any, target: object) -> Callable[[], None]:
    """Connect each ``target._on_<field>`` method to ``model.events.<field>`` (napari's naming rule).

    Returns
    -------
    callable
        Disconnects every handler it connected (call it when the view closes or is hidden).
    """
    pairs = []
    for name, signal in model.events.signals.items():
        slot = getattr(target, f"_on_{name}", None)
        if slot is not None:
            signal.connect(slot)
            pairs.append((signal, slot))

    def disconnect() -> None:
        for signal, slot in pairs:
            signal.disconnect(slot)

    return disconnect


def connect_all(models: Iterable[Any], target: object) -> Callable[[], None]:
    """:func:`connect_handlers` for each of ``models`` (a view of several models); returns one disconnect for all."""
    disconnects = [connect_handlers(model, target) for model in models]

    def disconnect() -> None:
        for d in disconnects:
            d()

    return disconnect
