"""The compared run's 3-D view, linked to the main one: one camera, one timeline, picks and selections in both."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QVBoxLayout, QWidget

from latent3d.qt.canvas.view import LatentView
from latent3d.scene.compare.presenter import ComparePresenter
from latent3d.state.model import connect_handlers

if TYPE_CHECKING:
    from latent3d.state.camera import CameraModel
    from latent3d.state.compare import CompareModel
    from latent3d.state.display import DisplayModel
    from latent3d.state.pick import PickModel
    from latent3d.state.time import TimeModel

__all__ = ["CompareView"]


class CompareView(QWidget):
    """A second :class:`LatentView` showing the compared run (``compare.other``) aligned onto the first run.

    Shown while a run is compared side by side (hidden without a comparison and in overlay mode).
    A click on one of its points selects that test image (the main view marks it too); moving its
    camera moves the camera model, which the main view follows.

    Parameters
    ----------
    time, compare, display, pick, camera : the models the view shows (see :class:`ComparePresenter`)
    parent : QWidget, optional
    """

    def __init__(self, time: TimeModel, compare: CompareModel, display: DisplayModel, pick: PickModel,
                 camera: CameraModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.compare, self.pick = compare, pick
        self.view = LatentView(self)  # its caption (run name, residual) is drawn in the view, as off screen
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        self.presenter = ComparePresenter(time, compare, display, pick, camera, self.view.scene,
                                          self.view.request_render)
        self.view.signals.picked.connect(self._on_picked)  # its camera moves reach the model through the presenter
        self._disconnects = [connect_handlers(m, self) for m in (time, compare)]
        self._update()

    def _on_picked(self, index: int) -> None:
        try:
            self.pick.selected = index
        except ValueError:  # a point of a class hidden meanwhile: nothing to select
            pass

    @property
    def caption(self) -> str:
        """What the view's caption says: the compared run's name and the alignment's residual."""
        return self.presenter.caption

    def _update(self, _value: object = None) -> None:
        self.setVisible(self.compare.other is not None and not self.compare.overlay)

    _on_other = _on_overlay = _on_run = _update

    def close(self) -> bool:
        """Disconnect from the models and release the VTK view."""
        for disconnect in self._disconnects:
            disconnect()
        self.presenter.close()
        self.view.close()
        return super().close()
