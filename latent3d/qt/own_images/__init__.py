"""Your own images: drawn or opened, encoded by each snapshot's encoder, shown in the cloud with their trails."""

from __future__ import annotations

from typing import TYPE_CHECKING

from latent3d.qt.features import Feature, Panel, Parts

if TYPE_CHECKING:
    from latent3d.qt.features import Services
    from latent3d.state.viewer_model import ViewerModel

__all__ = ["FEATURE"]


def build(model: ViewerModel, services: Services) -> Parts:
    """The own images' markers and trails in the scene and their panel (a side tab), sharing one codes cache."""
    from latent3d.analysis.encoder import OwnCodesCache
    from latent3d.qt.own_images.panel import OwnImagePanel
    from latent3d.qt.widgets.while_shown import while_on, while_shown
    from latent3d.scene.own_images.layer import OwnImagesLayer

    codes = OwnCodesCache()  # each own image encoded once per run, for the scene and the panel
    layer = OwnImagesLayer(model.time, model.layers, services.view.scene, services.view.request_render, codes=codes)
    panel = OwnImagePanel(model.time, model.pick, model.layers, codes, images=services.images)
    panel_moves = while_shown(panel, (panel, (model.time,)))
    layer_moves = while_on(model.layers, "own_images", bool, (layer, (model.time,)))  # no image, no move followed

    def close() -> None:
        layer_moves.close()
        layer.close()
        panel.detach()

    return Parts(panels=[Panel(panel, "right", "Your images", order=40, group="inspect", scroll=True,
                                shown=panel_moves.shown)], close=close,
                 handles={"layer": layer, "panel": panel, "codes": codes})


FEATURE = Feature("own images", build, frozenset({"encoders", "decoder"}))
