"""The learning analysis: class separation, learning events, learned-at, the data map, the hardest images."""

from __future__ import annotations

from typing import TYPE_CHECKING

from latent3d.qt.features import Feature, Panel, Parts

if TYPE_CHECKING:
    from latent3d.qt.features import Services
    from latent3d.state.viewer_model import ViewerModel

__all__ = ["FEATURE"]


def build(model: ViewerModel, services: Services) -> Parts:
    """The background analysis and its panels: purity and learned-at beside the loss, events on the timeline, map."""
    from latent3d.qt.learning.views import LearningViews

    learning = model.learning
    views = LearningViews(learning, model.time, model.display, model.pick, model.groups, services.images.get,
                          services.message)
    services.timeline.add_tick_layer(views.ticks)  # the events under the slider, beside the epoch ticks
    return Parts(
        panels=[Panel(views.purity, "bottom", "Class separation", order=20, group="learning", stretch=9),
                Panel(views.histogram, "bottom", "Learned at", order=25, group="learning"),
                Panel(views.events, "bottom", "Events", order=27, group="learning",
                      tooltip="What happened when: each class's separation and the loss's half drop; click to go"),
                Panel(views.map_tab(), "bottom", "Data map", order=50, group="loss")],
        close=views.close, handles={"views": views, "service": views.service})


FEATURE = Feature("learning", build, frozenset({"labels"}))
