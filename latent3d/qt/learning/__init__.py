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
    from latent3d.qt.widgets.while_shown import while_shown

    learning = model.learning
    views = LearningViews(learning, model.time, model.display, model.pick, model.groups, services.images.get,
                          services.message)
    time, pick = model.time, model.pick
    # hidden plots don't move their cursors; the map and the hardest list follow nothing while unseen
    purity, histogram = (while_shown(plot, (plot, (time,))) for plot in (views.purity, views.histogram))
    data_map = while_shown(views.data_map, (views.data_map, (pick,)))
    hardest = while_shown(views.hardest, (views.hardest, (time, pick)))

    def map_shown(on: bool) -> None:  # one dock holds both
        data_map.shown(on)
        hardest.shown(on)

    services.timeline.add_tick_layer(views.ticks)  # the events under the slider, beside the epoch ticks
    return Parts(
        panels=[Panel(views.purity, "bottom", "Class separation", order=20, group="learning", stretch=9,
                      shown=purity.shown),
                Panel(views.histogram, "bottom", "Learned at", order=25, group="learning", shown=histogram.shown),
                Panel(views.events, "bottom", "Events", order=27, group="learning",
                      tooltip="What happened when: each class's separation and the loss's half drop; click to go"),
                Panel(views.map_tab(), "bottom", "Data map", order=50, group="loss", shown=map_shown)],
        close=views.close, handles={"views": views, "service": views.service})


FEATURE = Feature("learning", build, frozenset({"labels"}))
