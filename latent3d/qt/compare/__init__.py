"""Aligned playback and a second run compared: the switch, the linked view or rings, the agreement curve."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from latent3d.qt.features import Feature, Panel, Parts

if TYPE_CHECKING:
    from latent3d.qt.features import Services
    from latent3d.state.viewer_model import ViewerModel

__all__ = ["FEATURE"]


def build(model: ViewerModel, services: Services) -> Parts:
    """The linked view beside the 3-D view, the rings in it, the align switch, the Runs menu's actions, the curve."""
    from latent3d.qt.compare.controls import AgreementPlot, AlignSwitch, CompareActions, ResidualLabel
    from latent3d.qt.compare.view import CompareView
    from latent3d.qt.widgets.while_shown import while_on, while_shown
    from latent3d.scene.compare.presenter import CompareRings

    time, compare = model.time, model.compare
    # the compared run, linked, beside the view (hidden until then) ...
    view = CompareView(time, compare, model.display, model.pick, model.camera)
    rings = CompareRings(time, compare, services.view.scene, services.view.request_render)  # ... or as rings in it
    switch = AlignSwitch(compare)
    last_run = lambda: str(Path(str(services.settings.value("last_run", "") or ".")).parent)  # noqa: E731
    actions = CompareActions(compare, time, services.window, start_dir=last_run)
    agreement = AgreementPlot(compare, time)
    agreement_moves = while_shown(agreement, (agreement, (time,)))  # a hidden plot doesn't move its cursor
    # No second run: neither the linked view nor the rings follow moves and picks.
    moves = while_on(compare, "other", lambda run: run is not None, (view.presenter, (time, model.pick)),
                     (rings, (time,)))
    residual = ResidualLabel(compare, time)

    def close() -> None:
        moves.close()
        for part in (rings, residual, view):
            part.close()

    return Parts(
        panels=[Panel(view, "beside-view"), Panel(switch, "timeline-row"),
                Panel(agreement, "bottom", "Agreement", order=30, group="learning", shown=agreement_moves.shown),
                Panel(residual, "status", order=10)],
        actions={"Runs": actions.actions()}, close=close,
        handles={"view": view, "rings": rings, "align_switch": switch, "actions": actions, "agreement": agreement,
                 "residual": residual})


FEATURE = Feature("compare", build, frozenset({"labels"}))
