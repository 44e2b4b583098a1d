"""The compared run's 3-D view, linked to the main one: one camera, one timeline, picks and selections in both."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from latent3d.qt.canvas.view import LatentView
from latent3d.scene.compare.presenter import ComparePresenter
from latent3d.state.viewer_state import ViewerState, connect_handlers

__all__ = ["CompareView"]


class CompareView(QWidget):
    """A second :class:`LatentView` showing ``state.compare`` aligned onto the first run.

    Shown while a run is compared side by side (hidden without a comparison and in overlay mode).
    A click on one of its points selects that test image (the main view marks it too); moving its
    camera moves the state's camera, which the main view follows.

    Parameters
    ----------
    state : ViewerState
    parent : QWidget, optional
    """

    def __init__(self, state: ViewerState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.view = LatentView(self)  # its caption (run name, residual) is drawn in the view, as off screen
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        self.presenter = ComparePresenter(state, self.view.scene, self.view.request_render)
        self.view.signals.picked.connect(self._on_picked)  # its camera moves reach the state through the presenter
        self._disconnect = connect_handlers(state.events, self)
        self._update()

    def _on_picked(self, index: int) -> None:
        try:
            self.state.selected = index
        except ValueError:  # a point of a class hidden meanwhile: nothing to select
            pass

    @property
    def caption(self) -> str:
        """What the view's caption says: the compared run's name and the alignment's residual."""
        return self.presenter.caption

    def _update(self, _value: object = None) -> None:
        self.setVisible(self.state.compare is not None and not self.state.compare_overlay)

    _on_compare = _on_compare_overlay = _on_run = _update

    def close(self) -> bool:
        """Disconnect from the state and release the VTK view."""
        self._disconnect()
        self.presenter.close()
        self.view.close()
        return super().close()
