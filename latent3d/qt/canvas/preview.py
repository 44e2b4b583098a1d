"""The window's first frame: a run's cloud, rotatable, while pyvista and the panels load behind it.

pyvista imports matplotlib, and the panels pyqtgraph: together about two seconds of a cold start
before anything could be drawn. This widget needs only Qt and VTK's own Qt interactor (not
pyvistaqt, which imports pyvista); the cloud is :class:`latent3d.scene.core.preview.PreviewScene`.
The window replaces it with the real 3-D view once that is built, handing over the camera if the
user turned it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QWidget
from vtkmodules.qt.QVTKRenderWindowInteractor import QVTKRenderWindowInteractor

from latent3d.qt.canvas.click import is_click
from latent3d.scene.core.preview import PreviewScene
from latent3d.state.values import Camera

__all__ = ["CloudPreview"]


class CloudPreview(QVTKRenderWindowInteractor):
    """A run's cloud at its last snapshot, drawn as the 3-D view will draw it; the mouse turns and zooms it.

    Parameters
    ----------
    codes : ndarray, shape (S, N, 3)
    labels : ndarray of uint8, shape (N,)
    parent : QWidget, optional

    Notes
    -----
    Keys are not passed to VTK: its one-letter keys would quit the interactor or turn the cloud to wireframe.
    A click (a press and release in one place) picks the point under it; :attr:`picked` keeps the
    last one (None after a click on empty space), for the window to select once it is built.
    """

    def __init__(self, codes: np.ndarray, labels: np.ndarray, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = PreviewScene(self.GetRenderWindow(), codes, labels)
        self.picked: int | None = None
        self.clicked = False  # whether the user clicked at all (a click on empty space clears a pick)
        self._press: tuple[int, int] | None = None
        self.Initialize()
        self.Start()

    @property
    def pressed(self) -> bool:
        """Whether the left button is down on the preview (a click or a turn in progress)."""
        return self._press is not None

    def moved_camera(self) -> Camera | None:
        """The pose the user turned the preview to, or None if it was not moved."""
        return self.scene.moved_camera()

    def mousePressEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """Remember where the left button went down (a click if it comes up there)."""
        super().mousePressEvent(ev)
        if ev.button() == Qt.MouseButton.LeftButton:
            self._press = self.GetRenderWindow().GetInteractor().GetEventPosition()

    def mouseReleaseEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """A release where the press was is a click: pick the point drawn there."""
        super().mouseReleaseEvent(ev)
        if ev.button() != Qt.MouseButton.LeftButton or self._press is None:
            return
        x, y = self.GetRenderWindow().GetInteractor().GetEventPosition()
        press, self._press = self._press, None
        if is_click(press, (x, y)):
            self.picked = self.scene.pick(int(x), int(y))
            self.clicked = True

    def keyPressEvent(self, ev: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Leave keys to the window (VTK would quit on ``q``, draw wireframe on ``w``...)."""
        ev.ignore()

    def keyReleaseEvent(self, ev: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """See :meth:`keyPressEvent`."""
        ev.ignore()

    def release(self) -> None:
        """Free the GL context and the native window now (the widget is going away)."""
        self.Finalize()
