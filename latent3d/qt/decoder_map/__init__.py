"""The decoder map: a grid of images decoded over a plane through the latent space, in 3-D and flat."""

from __future__ import annotations

from typing import TYPE_CHECKING

from latent3d.qt.features import Feature, Panel, Parts

if TYPE_CHECKING:
    from latent3d.qt.features import Services
    from latent3d.state.viewer_model import ViewerModel

__all__ = ["FEATURE"]


def build(model: ViewerModel, services: Services) -> Parts:
    """The map's quad in the scene, its flat panel (a side tab), and the M action."""
    from latent3d.qt.decoder_map.panel import DecoderMapPanel
    from latent3d.qt.style import follow_checked, window_action
    from latent3d.qt.widgets.while_shown import while_on, while_shown
    from latent3d.scene.decoder_map.layer import DecoderMapLayer

    shown = (model.time, model.camera, model.pick, model.layers)
    layer = DecoderMapLayer(*shown, services.view.scene, services.view.request_render)
    panel = DecoderMapPanel(*shown)
    panel_moves = while_shown(panel, (panel, shown[:3]))  # the flat map is drawn only while its tab is shown
    # ... and the map in 3-D follows moves, picks and the camera only while it is on
    layer_moves = while_on(model.layers, "decoder_map", lambda m: m is not None, (layer, shown[:3]))
    services.view.signals.interacting.connect(layer.hold)
    action = window_action("Decoder map", services.window, "M", checkable=True,
                           tip="Images decoded on a grid over a plane through the latent space (M)")

    def set_map(on: bool) -> None:
        if on != (model.layers.decoder_map is not None):
            model.layers.toggle_decoder_map()

    action.toggled.connect(set_map)
    follow_checked(action, model.layers.events.decoder_map, lambda m: m is not None)

    def close() -> None:
        services.view.signals.interacting.disconnect(layer.hold)
        layer_moves.close()
        layer.close()
        panel.detach()

    return Parts(panels=[Panel(panel, "right", "Decoder map", order=30, group="inspect", scroll=True,
                                      shown=panel_moves.shown)],
                 actions={"View": [action]},
                 toolbar=[(70, action)], close=close, handles={"layer": layer, "panel": panel, "action": action})


FEATURE = Feature("decoder map", build, frozenset({"decoder"}))
