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
    from types import SimpleNamespace

    from latent3d.qt.learning.event_ticks import EventTicks
    from latent3d.qt.learning.views import LearningViews
    from latent3d.state.viewer_state import ViewerState

    learning = model.learning
    views = LearningViews(learning, model.time, model.display, model.pick, model.groups, services.images.get,
                          services.message)
    # TRANSITIONAL (h28a moves the event ticks onto the timeline's tick layers): the ticks still take the old
    # facade and a service with `ready`/`analysis`, here the learning model's event and result.
    source = SimpleNamespace(ready=learning.events.result, analysis=learning.result)
    ticks = views.ticks = EventTicks(ViewerState(model), source, services.timeline.slider,
                                     host=services.timeline.ticks)

    def close() -> None:
        ticks.close_ticks()
        views.close()

    return Parts(
        panels=[Panel(views.purity, "loss-tab", order=20, stretch=3),
                Panel(views.histogram, "loss-tab", order=30, stretch=2),
                Panel(views.map_tab(), "bottom-tab", "Data map", order=50)],
        close=close, handles={"views": views, "service": views.service})


FEATURE = Feature("learning", build, frozenset({"labels"}))
