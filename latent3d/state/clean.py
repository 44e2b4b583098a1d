"""The clean view: every overlay on the cloud off at once (selection, group, trails, own images, path, probe).

:func:`clean_view` returns what it cleared so that :func:`restore_view` puts exactly that back (the
window's Edit → Undo). Fields are written in an order the models' rules accept on the way back: the
group shown before its trails, the path before the selection that starts it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from latent3d.state.viewer_model import ViewerModel

__all__ = ["CLEARED", "clean_view", "overlays", "restore_view"]

#: (model, field, value when clean), in the order they are put back.
CLEARED: tuple[tuple[str, str, Any], ...] = (
    ("groups", "shown", None), ("groups", "trails", None), ("layers", "own_images", ()),
    ("pick", "selected", None), ("pick", "path", None), ("pick", "probe", None))


def overlays(model: ViewerModel) -> dict[str, Any]:
    """The overlays on now: ``{"pick.selected": 5, ...}`` (empty when the view is clean)."""
    on = {}
    for part, name, clean in CLEARED:
        value = getattr(getattr(model, part), name)
        if value is not clean and value != clean:
            on[f"{part}.{name}"] = value
    return on


def clean_view(model: ViewerModel) -> dict[str, Any]:
    """Turn every overlay off; returns the values it cleared, for :func:`restore_view`.

    Parameters
    ----------
    model : ViewerModel

    Returns
    -------
    dict
        ``"model.field"`` → the value it had, for the overlays that were on.
    """
    on = overlays(model)
    for part, name, clean in reversed(CLEARED):  # trails before their group, the path before the selection
        if f"{part}.{name}" in on:
            setattr(getattr(model, part), name, clean)
    return on


def restore_view(model: ViewerModel, cleared: dict[str, Any]) -> None:
    """Put back the overlays :func:`clean_view` cleared (values no longer valid for the run are skipped)."""
    for part, name, _clean in CLEARED:
        key = f"{part}.{name}"
        if key in cleared:
            try:
                setattr(getattr(model, part), name, cleared[key])
            except ValueError:  # the run changed meanwhile (another size, a class hidden): that one stays off
                continue
