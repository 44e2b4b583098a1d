"""The inspecting gestures in the 3-D view: a click picks, Shift+click ends a path, free roam's probe and its jump."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from latent3d.qt.canvas.view import LatentView
from latent3d.state.pick import PickModel
from latent3d.state.time import TimeModel
from latent3d.state.values import PathState, as_vec3

__all__ = ["PickGestures"]


class PickGestures:
    """Writes the view's picks to the pick model; it displays nothing (the presenter and the panels do).

    Parameters
    ----------
    pick : PickModel
    time : TimeModel
        Read only: free roam needs a run.
    view : LatentView
    path_samples : callable
        How many images a new path decodes (the path strip's setting).
    refuse : callable
        Shows the sentence when free roam is refused (a run without a decoder).
    """

    def __init__(self, pick: PickModel, time: TimeModel, view: LatentView,
                 path_samples: Callable[[], int] = lambda: 12, refuse: Callable[[str], None] = lambda _s: None) -> None:
        self.pick, self.time, self.view, self.path_samples = pick, time, view, path_samples
        self.refuse = refuse
        view.signals.picked.connect(self._on_picked)
        view.signals.empty_double_clicked.connect(self._on_empty_double_clicked)

    def _shift_held(self) -> bool:
        return bool(self.view.iren.interactor.GetShiftKey()) or bool(
            QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier)

    def _on_picked(self, index: int) -> None:
        a = self.pick.selected
        if self._shift_held() and a is not None and a != index:  # Shift+click: the end B of a path from A
            self.pick.path = PathState(a, index, 0.5, self.path_samples())
        else:
            self.pick.selected = index

    def _on_empty_double_clicked(self, x: float, y: float) -> None:
        if self.pick.probe is not None:
            self.pick.probe = as_vec3(self.view.scene.focal_plane_point(x, y))

    def set_free_roam(self, on: bool) -> bool:
        """Free roam on (the probe appears on the data point nearest the focal point) or off; whether it is on.

        A run without a decoder refuses it with its sentence (there is nothing to decode at the probe).
        """
        if not on:
            self.pick.probe = None
            return False
        run = self.time.run
        reason = run.why_not("decoder") if run is not None else None
        if reason is not None:
            self.pick.probe = None
            self.refuse(reason)
            return False
        if self.pick.probe is None and run is not None:
            self.pick.probe = as_vec3(self.view.scene.probe_start())
        return self.pick.probe is not None

    def close(self) -> None:
        """Stop listening to the view."""
        self.view.signals.picked.disconnect(self._on_picked)
        self.view.signals.empty_double_clicked.disconnect(self._on_empty_double_clicked)
