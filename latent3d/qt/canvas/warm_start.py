"""After the window's first frame, pay the first click's one-time costs in idle time instead of at the click."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from latent3d.analysis.warmup import start_warm_up

if TYPE_CHECKING:
    from latent3d.analysis.explore import NeighbourIndex
    from latent3d.qt.canvas.view import LatentView
    from latent3d.state.time import TimeModel

__all__ = ["warm_after_first_frame"]


def warm_after_first_frame(view: LatentView, time: TimeModel,
                           index: Callable[[], NeighbourIndex | None]) -> None:
    """Once ``view`` has drawn its first frame of a run, warm up what a first click uses.

    Parameters
    ----------
    view : LatentView
        Its first ``EndEvent`` starts the warm-up, on the next turn of the event loop.
    time : TimeModel
        The run and snapshot shown then.
    index : callable
        Returns the neighbour index the window queries (its trees are built in the thread).

    Notes
    -----
    In a daemon thread: ``scipy.spatial``'s import, the k-d tree of the snapshot shown and the
    decoders of the filmstrip (:func:`latent3d.analysis.warmup.warm_up`). In the GUI thread, as
    VTK needs: one hardware-selector pass on an empty corner pixel, which compiles the selection
    shaders (~0.1 s on software GL) the first real pick would otherwise compile.
    """
    ren_win = view.ren_win
    tag: list[int] = []

    def go() -> None:
        if view.scene is None:  # closed before the loop came round
            return
        if time.run is None:  # a frame of the empty view: wait for the first frame with a run
            tag.append(ren_win.AddObserver("EndEvent", first_frame))
            return
        start_warm_up(time.run, index(), time.snapshot)
        view.scene.pick(0, 0)

    def first_frame(*_args: object) -> None:
        if tag:
            ren_win.RemoveObserver(tag.pop())
            QTimer.singleShot(0, go)

    tag.append(ren_win.AddObserver("EndEvent", first_frame))
