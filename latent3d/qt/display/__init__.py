"""What the cloud shows: the class legend, colour modes and the training-set overlay, the class brought out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from latent3d.qt.features import Feature, Panel, Parts

if TYPE_CHECKING:
    from latent3d.qt.features import Services
    from latent3d.state.viewer_model import ViewerModel

__all__ = ["FEATURE"]


def build(model: ViewerModel, services: Services) -> Parts:
    """The legend (first in the side panel), the colour and overlay actions, the highlighted class in 3-D."""
    from latent3d.data.datasets import CLASS_NAMES
    from latent3d.qt.display.actions import DisplayActions
    from latent3d.qt.display.legend import ClassLegend
    from latent3d.scene.core.cloud import CLASS_COLORS
    from latent3d.scene.display.class_highlight import ClassHighlight
    from latent3d.state.viewer_state import ViewerState

    state = ViewerState(model)
    legend = ClassLegend(CLASS_NAMES, CLASS_COLORS, state=state)
    legend.class_toggled.connect(state.set_class_visible)
    legend.class_selected.connect(state.select_class)

    def on_hidden(hidden: frozenset[int]) -> None:
        for cls in range(model.display.n_classes):
            legend.show_checked(cls, cls not in hidden)

    def on_run(run: object) -> None:
        names = getattr(run, "class_names", None)
        if names is not None:
            legend.set_names(names)

    model.display.events.hidden_classes.connect(on_hidden)
    model.time.events.run.connect(on_run)
    highlight = ClassHighlight(state, services.view.scene, services.presenter.colours, services.view.request_render)
    actions = DisplayActions(state, services.window, services.message)

    def close() -> None:
        model.display.events.hidden_classes.disconnect(on_hidden)
        model.time.events.run.disconnect(on_run)
        highlight.close()
        actions.close()

    return Parts(panels=[Panel(legend, "side-top")], actions={"View": actions.actions},
                 toolbar=[(100, actions.add_to_toolbar)], close=close,
                 handles={"legend": legend, "actions": actions, "highlight": highlight})


FEATURE = Feature("display", build, frozenset({"labels"}))
