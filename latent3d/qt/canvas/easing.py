"""Eases the window's camera towards the pose that frames the snapshot shown, instead of jumping there."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QObject, QTimer

from latent3d.state.camera import CameraModel
from latent3d.state.framing import blend
from latent3d.state.values import Camera

__all__ = ["CameraEaser"]

FRAME_MS = 16
HALF_LIFE_MS = 70.0  # half of the way to the target every 70 ms: settled (within 1 %) in about half a second


def _close(a: Camera, b: Camera) -> bool:
    span = math.dist(b.position, b.focal_point) or 1.0
    return (math.dist(a.position, b.position) < 1e-3 * span and math.dist(a.focal_point, b.focal_point) < 1e-3 * span
            and abs(a.view_angle - b.view_angle) < 1e-3)


class CameraEaser(QObject):
    """Moves ``camera.camera`` a fraction of the way to a target every frame until it is there.

    A new target (the next snapshot while scrubbing or playing) replaces the old one, so the
    camera glides along; :meth:`stop` (the user grabbed the camera) leaves it where it is.

    Parameters
    ----------
    camera : CameraModel
        The window's camera, written each frame (the scene's camera link shows it).
    parent : QObject, optional
    """

    def __init__(self, camera: CameraModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.camera = camera
        self.target: Camera | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._on_tick)
        self._last = 0.0

    @property
    def moving(self) -> bool:
        """Whether the camera is still on its way."""
        return self._timer.isActive()

    def ease_to(self, camera: Camera) -> None:
        """Glide towards ``camera`` (at once when there is no camera yet to start from)."""
        if self.camera.camera is None:
            self.camera.camera = camera
            return
        self.target = camera
        if not self._timer.isActive():
            self._last = time.perf_counter()
            self._timer.start()

    def finish(self) -> None:
        """Jump to the target now (a movie frame or a saved view must not catch the camera half-way)."""
        if self.target is not None:
            self.camera.camera = self.target
        self.stop()

    def stop(self) -> None:
        """Stay where the camera is."""
        self._timer.stop()
        self.target = None

    def _on_tick(self) -> None:
        current, target = self.camera.camera, self.target
        if current is None or target is None or _close(current, target):
            self.finish()
            return
        now = time.perf_counter()
        # By elapsed time, not per tick: on software GL a frame can take 100 ms, and the camera must
        # still arrive in about half a second.
        alpha = 1.0 - 0.5 ** (min(now - self._last, 0.5) * 1000.0 / HALF_LIFE_MS)
        self._last = now
        self.camera.camera = blend(current, target, alpha)
