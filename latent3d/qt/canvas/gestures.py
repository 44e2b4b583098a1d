"""The 3-D view's level of detail while it draws continuously (camera moving, playback), and that busy state."""

from __future__ import annotations

from psygnal import Signal

from latent3d.qt.canvas.view import LatentView

__all__ = ["PLAY_LOD_POINTS", "SceneController"]

PLAY_LOD_POINTS = 30_000  # full-quality spheres take ~80 ms a frame at 70k points on software GL


class SceneController:
    """Switches the view to flat points while it plays a large cloud, and says when the view draws continuously.

    Signals
    -------
    busy(bool)
        True while the view draws continuously (camera moving or playback), False after: a training
        leaves a core to the window only then.
    """

    busy = Signal(bool)

    def __init__(self, view: LatentView) -> None:
        self.view = view
        self._playing = False
        view.signals.interacting.connect(self._on_interacting)

    def set_playing(self, playing: bool) -> None:
        """Playback redraws every frame: above PLAY_LOD_POINTS it uses the moving camera's level of detail."""
        self._playing = playing
        scene = self.view.scene
        if scene.n_points > PLAY_LOD_POINTS:
            scene.set_fast(playing)
            self.view.request_render()
        self._on_interacting(playing)

    def _on_interacting(self, _busy: bool) -> None:
        self.busy.emit(self.view.scene.fast or self._playing)
