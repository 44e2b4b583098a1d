"""An idle feature costs nothing: a view's per-move handlers are connected only while its panel is shown.

A view connects its ``_on_<field>`` handlers to its models when it is built (``connect_handlers``). The
fields that change per move, per frame or per pick (the timeline's position, the pick, the probe, the
camera) then run every handler of every panel, shown or not. :class:`PerMove` takes those handlers off
their signals and puts them back, calling each once with the model's current value so the view catches up
with what it missed; :func:`while_shown` does so when the panel is hidden and shown again (a tab brought to
the front, a dock closed or opened, a frame that says the feature is off), and :class:`PerMove` alone
serves a scene layer that is idle while its feature is off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

__all__ = ["PER_MOVE", "PerMove", "ShownFilter", "while_on", "while_shown"]

#: The fields whose changes come per move, per frame or per pick.
PER_MOVE = ("selected", "probe", "position", "camera")  # catch-up order: what to show, then where


class PerMove:
    """The per-move handlers of some views, connected or not together.

    Parameters
    ----------
    views : sequence of (view, models)
        Each view's ``_on_<field>`` for every ``field`` of ``fields`` that one of its ``models`` has.
    fields : sequence of str
        Which fields' handlers are managed (the others stay connected).
    catch_up : bool
        Whether :meth:`resume` calls each handler once with its model's current value.

    Notes
    -----
    The handlers start connected (the views connected them when built). :meth:`pause` disconnects them;
    :meth:`resume` connects them again and calls each with its model's current value, in the order of
    ``fields``, so the view shows what the models hold.
    """

    def __init__(self, views: Sequence[tuple[object, Iterable[Any]]], fields: Sequence[str] = PER_MOVE,
                 catch_up: bool = True) -> None:
        self.catch_up = catch_up
        self._unwatch: Callable[[], None] = lambda: None
        self._slots: list[tuple[Any, Callable[..., Any], Any, str]] = []
        for field in fields:
            for view, models in views:
                slot = getattr(view, f"_on_{field}", None)
                for model in models:
                    signal = model.events.signals.get(field)
                    if slot is not None and signal is not None:
                        self._slots.append((signal, slot, model, field))
        self.connected = True

    @property
    def handlers(self) -> int:
        """How many handlers are managed."""
        return len(self._slots)

    def pause(self) -> None:
        """Disconnect the handlers (an idle view pays nothing per move)."""
        if self.connected:
            self.connected = False
            for signal, slot, _model, _field in self._slots:
                signal.disconnect(slot)

    def resume(self) -> None:
        """Connect the handlers again and let each catch up with its model's current value."""
        if not self.connected:
            self.connected = True
            for signal, slot, _model, _field in self._slots:
                signal.connect(slot)
            for _signal, slot, model, field in self._slots if self.catch_up else ():
                slot(getattr(model, field))

    def set_active(self, on: bool) -> None:
        """:meth:`resume` if ``on``, else :meth:`pause`."""
        if on:
            self.resume()
        else:
            self.pause()

    def close(self) -> None:
        """Stop following whatever switches these handlers (the views disconnect their own handlers)."""
        self._unwatch()
        self._unwatch = lambda: None


class ShownFilter(QObject):
    """Runs ``per_move`` only while ``widget`` can be seen: shown, and in front if its dock is tabbed.

    An event filter on the widget follows its show and hide events (a frame that says the feature is
    off, a closed dock); a dock tabbed behind another keeps its widget "visible", so the window's
    dock reports that through :meth:`shown` (the panel's ``Panel.shown``, from ``visibilityChanged``).
    """

    def __init__(self, widget: QWidget, per_move: PerMove) -> None:
        super().__init__(widget)
        self.widget, self.per_move = widget, per_move
        self._in_front = True  # what the dock last said (True: no dock, or not told yet)
        widget.installEventFilter(self)
        self._update()

    def shown(self, on: bool) -> None:
        """The panel's dock came to the front or was shown (True), or went behind a tab or was closed (False)."""
        self._in_front = bool(on)
        self._update()

    def _update(self) -> None:
        self.per_move.set_active(self._in_front and self.widget.isVisible())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Follow the widget's show and hide events; never consumes them."""
        if event.type() in (QEvent.Type.Show, QEvent.Type.Hide):
            self._update()
        return False


def while_shown(widget: QWidget, *views: tuple[object, Iterable[Any]],
                fields: Sequence[str] = PER_MOVE) -> ShownFilter:
    """Connect ``views``' per-move handlers only while ``widget`` (their panel) is shown.

    Parameters
    ----------
    widget : QWidget
        The panel the views draw into; hidden at build (the window is not shown yet), so they start paused.
    *views : (view, models)
        Each view and the models it listens to.
    fields : sequence of str
        The fields whose handlers pause with the panel (default :data:`PER_MOVE`).

    Returns
    -------
    ShownFilter
        Give its ``shown`` to the panel (``Panel(..., shown=f.shown)``) so that a dock tabbed behind another
        pauses it too; ``f.per_move.connected`` says whether the handlers run now.
    """
    return ShownFilter(widget, PerMove(views, fields))


def while_on(model: Any, field: str, on: Callable[[Any], bool], *views: tuple[object, Iterable[Any]],
             fields: Sequence[str] = PER_MOVE) -> PerMove:
    """Connect ``views``' per-move handlers only while ``on(model.<field>)`` holds (a scene layer of a feature).

    The views' own handler of ``field`` redraws them when the feature comes on, so they do not catch up
    again (``catch_up=False``); :meth:`PerMove.close` stops following ``field``.
    """
    per_move = PerMove(views, fields, catch_up=False)
    signal = model.events.signals[field]

    def follow(value: Any) -> None:
        per_move.set_active(on(value))

    signal.connect(follow)
    per_move._unwatch = lambda: signal.disconnect(follow)
    follow(getattr(model, field))
    return per_move
