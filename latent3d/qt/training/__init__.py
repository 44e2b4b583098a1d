"""Training from the window: the Train dialog, the training process's controller, the live run as it grows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from latent3d.qt.features import Feature, Panel, Parts

if TYPE_CHECKING:
    from latent3d.qt.features import Services
    from latent3d.state.viewer_model import ViewerModel

__all__ = ["FEATURE"]


def build(model: ViewerModel, services: Services) -> Parts:
    """The Train… action, the progress strip (status bar) and the live run; the window asks it before closing."""
    from latent3d.qt.training.live import LiveTraining

    window = services.window
    training = LiveTraining(model.time, model.camera, model.pick, services.settings, window,
                            data_dir=services.data_dir, show_run=services.show_run, set_run=model.set_run)
    training.message.connect(services.message)
    training.title.connect(window.setWindowTitle)
    training.close_requested.connect(window.close)
    services.canvas_busy.connect(training.controller.set_window_busy)

    def on_interacting(busy: bool) -> None:
        if busy:  # the user took the camera: a live training stops following the snapshots
            training.user_moved_camera()

    services.view.signals.interacting.connect(on_interacting)

    def close() -> None:
        services.canvas_busy.disconnect(training.controller.set_window_busy)
        services.view.signals.interacting.disconnect(on_interacting)
        training.detach()

    return Parts(panels=[Panel(training.progress, "status", order=90, stretch=1)],
                 actions={"Runs": [training.action]}, toolbar=[(20, training.action)],
                 confirm_close=training.confirm_close, close=close, handles={"training": training})


FEATURE = Feature("training", build)
