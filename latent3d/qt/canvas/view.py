"""The 3-D view widget: a pyvistaqt interactor driving a LatentScene, turning mouse gestures into signals."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget
from pyvistaqt import QtInteractor

from latent3d.qt.canvas.click import is_click
from latent3d.scene.core.cloud import LatentScene

__all__ = ["LatentView"]

SETTLE_MS = 120  # full quality returns this long after the camera stops


class _Signals(QObject):
    picked = Signal(int)
    empty_double_clicked = Signal(float, float)
    interacting = Signal(bool)


class LatentView(QtInteractor):
    """The VTK view with its scene.

    Parameters
    ----------
    parent : QWidget, optional

    Notes
    -----
    Signals live on ``self.signals`` (a plain QObject) because pyvistaqt's class already
    defines its own: ``picked(int)`` for a click on a drawn point, ``empty_double_clicked(x, y)``
    for a double click on empty space (display coordinates), ``interacting(bool)`` when the camera
    starts moving and when it has settled. The probe is drawn and dragged through the scene presenter.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, multi_samples=0, auto_update=False)
        self.signals = _Signals(self)
        self._held = 0  # > 0 inside one_render(): renders asked for wait for its end
        self._render_pending = False
        self.scene = LatentScene(self)
        self._press: tuple[int, int] | None = None
        self._press_double = False
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._on_settled)
        for key in ("q", "e", "w", "s", "v", "f", "p"):  # VTK's one-letter keys would quit or restyle the view
            self.clear_events_for_key(key)
        iren = self.iren.interactor
        iren.AddObserver("LeftButtonPressEvent", self._on_left_press, 1.0)
        style = iren.GetInteractorStyle()
        # pyvista's style swallows release events on the interactor (pyvista #4976): listen on the style.
        style.AddObserver("LeftButtonReleaseEvent", self._on_left_release)
        style.AddObserver("StartInteractionEvent", self._on_start_interaction)
        style.AddObserver("EndInteractionEvent", self._on_end_interaction)

    # -- rendering ------------------------------------------------------------------------------

    def render(self) -> None:
        """Render now, or at the end of the enclosing :meth:`one_render` block."""
        if getattr(self, "_held", 0):  # (pyvistaqt renders once inside __init__, before _held exists)
            self._render_pending = True
            return
        self._render_pending = False
        super().render()

    def request_render(self) -> None:
        """Ask for one render when the event loop is next idle; a burst of requests gives one frame."""
        if self._render_pending:
            return  # one is queued already (or waits for the end of one_render)
        self._render_pending = True
        if not self._held:
            QTimer.singleShot(0, self._render_if_pending)

    def _render_if_pending(self) -> None:
        if self._render_pending and not self._held and getattr(self, "scene", None) is not None:
            self._render_pending = False
            super().render()

    @contextmanager
    def one_render(self) -> Iterator[None]:
        """Let all renders asked for inside the block become one at its end.

        A live training's new epoch rebuilds the scene, restores camera, selection and probe,
        and each step asked for a render (~30 ms each in software GL).
        """
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
            if not self._held and self._render_pending:
                self._render_pending = False
                super().render()

    # -- level of detail ------------------------------------------------------------------------

    def _on_start_interaction(self, _obj: object, _event: str) -> None:
        self._settle.stop()
        if not self.scene.fast:
            self.scene.set_fast(True)
            self.signals.interacting.emit(True)

    def _on_end_interaction(self, _obj: object, _event: str) -> None:
        self._settle.start()  # debounced: a wheel zoom starts and ends per notch

    def _on_settled(self) -> None:
        if self.scene.fast:
            self.scene.set_fast(False)
            self.render()
            self.signals.interacting.emit(False)

    # -- clicks ---------------------------------------------------------------------------------

    def _on_left_press(self, obj: object, _event: str) -> None:
        iren = self.iren.interactor
        self._press = iren.GetEventPosition()
        self._press_double = iren.GetRepeatCount() > 0

    def _on_left_release(self, obj: object, _event: str) -> None:
        if self._press is None:
            return
        x, y = self.iren.interactor.GetEventPosition()
        press, double = self._press, self._press_double
        self._press = None
        if not is_click(press, (x, y)):
            return
        self.click(x, y, double=double)

    def click(self, x: int, y: int, *, double: bool = False) -> int | None:
        """Handle a click at display ``(x, y)`` (origin bottom-left): pick, and emit what happened.

        Parameters
        ----------
        x, y : int
            Display coordinates.
        double : bool
            Whether this is the second click of a double click.

        Returns
        -------
        int or None
            The picked index, or None when the click hit empty space.
        """
        index = self.scene.pick(x, y)
        if index is not None:
            self.signals.picked.emit(index)
        elif double:
            self.signals.empty_double_clicked.emit(float(x), float(y))
        return index

    def close(self) -> None:
        """Stop timers and release the scene before pyvistaqt finalises the render window."""
        self._settle.stop()
        if getattr(self, "scene", None) is not None:
            self.scene.close()
            self.scene = None  # type: ignore[assignment]
        super().close()
        # The render window is finalised: drop pyvistaqt's wrappers of the GL context and its surface too.
        # Kept, the surface's wrapper outlived the widget until the next window closed, and a new widget
        # at the same address was handed that stale wrapper (seen in pyqtgraph's WidgetGroup at a test's setup).
        forget = getattr(self, "_forget_context", None)
        if callable(forget):
            forget()
