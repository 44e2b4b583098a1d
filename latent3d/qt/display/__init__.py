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
    from latent3d.scene.core.look import CLASS_COLORS
    from latent3d.scene.display.class_highlight import ClassHighlight

    display, time = model.display, model.time
    legend = ClassLegend(CLASS_NAMES, CLASS_COLORS, display=display, time=time)  # a view of the hidden classes
    legend.class_selected.connect(model.groups.select_class)
    highlight = ClassHighlight(display, time, services.view.scene, services.presenter.colours,
                               services.view.request_render)
    actions = DisplayActions(display, time, model.compare, services.window, services.message)

    def close() -> None:
        legend.close_legend()
        highlight.close()
        actions.close()

    return Parts(panels=[Panel(legend, "right", "Classes", order=10, tooltip="Uncheck a class to hide it",
                                      stretch=0)], actions={"View": actions.actions},
                 toolbar=[(100, actions.add_to_toolbar)], close=close,
                 handles={"legend": legend, "actions": actions, "highlight": highlight})


FEATURE = Feature("display", build, frozenset({"labels"}))
