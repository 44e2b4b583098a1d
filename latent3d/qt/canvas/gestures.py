"""Turns what the mouse did in the 3-D view into changes of the state: picks, paths, free roam, level of detail."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from latent3d.qt.canvas.view import LatentView
from latent3d.state.viewer_state import PathState, ViewerState

__all__ = ["PLAY_LOD_POINTS", "SceneController"]

PLAY_LOD_POINTS = 30_000  # full-quality spheres take ~80 ms a frame at 70k points on software GL


class SceneController:
    """Writes the view's gestures to ``state``; it displays nothing (the presenter does).

    Parameters
    ----------
    state : ViewerState
    view : LatentView
    path_samples : callable
        How many images a new path decodes (the path box's setting).
    on_busy : callable
        ``on_busy(True)`` while the view draws continuously (camera moving or playback), ``False`` after:
        a training leaves a core to the window only then.
    """

    def __init__(self, state: ViewerState, view: LatentView, path_samples: Callable[[], int] = lambda: 12,
                 on_busy: Callable[[bool], None] = lambda _b: None) -> None:
        self.state, self.view, self.path_samples, self.on_busy = state, view, path_samples, on_busy
        self._playing = False
        view.signals.picked.connect(self._on_picked)
        view.signals.empty_double_clicked.connect(self._on_empty_double_clicked)
        view.signals.interacting.connect(self._on_interacting)

    def _shift_held(self) -> bool:
        return bool(self.view.iren.interactor.GetShiftKey()) or bool(
            QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier)

    def _on_picked(self, index: int) -> None:
        a = self.state.selected
        if self._shift_held() and a is not None and a != index:  # Shift+click: the end B of a path from A
            self.state.path = PathState(a, index, 0.5, self.path_samples())
        else:
            self.state.selected = index

    def _on_empty_double_clicked(self, x: float, y: float) -> None:
        if self.state.probe is not None:
            self.state.probe = self.view.scene.focal_plane_point(x, y)

    def set_free_roam(self, on: bool) -> None:
        """Free roam on (the probe appears on the data point nearest the focal point) or off."""
        if not on:
            self.state.probe = None
        elif self.state.probe is None and self.state.run is not None:
            self.state.probe = self.view.scene.probe_start()

    def set_playing(self, playing: bool) -> None:
        """Playback redraws every frame: above PLAY_LOD_POINTS it uses the moving camera's level of detail."""
        self._playing = playing
        scene = self.view.scene
        if scene.n_points > PLAY_LOD_POINTS:
            scene.set_fast(playing)
            self.view.request_render()
        self._on_interacting(playing)

    def _on_interacting(self, _busy: bool) -> None:
        self.on_busy(self.view.scene.fast or self._playing)
