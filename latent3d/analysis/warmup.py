"""What the first click needs, built in a background thread after the first frame: scipy, a k-d tree, decoders.

Measured on the bundled run (2 busy cores): ``scipy.spatial``'s import takes 0.5-1.1 s and the first
filmstrip builds 21 decoders (~50 ms); before, the first click paid both, later clicks neither.
Everything here fills caches the window reads anyway (``Run.decoder``, ``NeighbourIndex.tree``):
a dict entry written twice, if the user is quicker than the thread, is the same object's equal.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from latent3d.analysis.explore import NeighbourIndex


class Run(Protocol):
    """What the warm-up reads of a run (``latent3d.runs.Run``; analysis does not import the run store)."""

    codes: np.ndarray

    def decoder(self, snapshot: int) -> object:
        """The decoder at a snapshot, cached by the run."""

__all__ = ["FILMSTRIP_FRAMES", "Run", "filmstrip_snapshots", "start_warm_up", "warm_up"]

FILMSTRIP_FRAMES = 21


def filmstrip_snapshots(last: int, frames: int = FILMSTRIP_FRAMES) -> list[int]:
    """The snapshots a filmstrip shows: ``frames`` sampled evenly from 0 to ``last`` (log-spaced early ones kept)."""
    return [int(i) for i in np.unique(np.rint(np.linspace(0, last, min(frames, last + 1))).astype(int))]


def warm_up(run: Run, index: NeighbourIndex | None, snapshot: int) -> None:
    """Import scipy's k-d tree, build the tree of ``snapshot`` and the decoders a first click uses.

    Parameters
    ----------
    run : Run
        Its decoders (cached on the run) at ``snapshot`` and at the filmstrip's snapshots are built.
    index : NeighbourIndex or None
        The window's neighbour index: its tree and typical spacing at ``snapshot`` are built.
    snapshot : int
        The snapshot shown.
    """
    import scipy.spatial  # noqa: F401 - the expensive part: the module import

    if index is not None:
        index.tree(snapshot)
    if "decoder" not in getattr(run, "capabilities", ("decoder",)):
        return  # a recording without a decoder: nothing to build
    run.decoder(snapshot)
    for s in filmstrip_snapshots(len(run.codes) - 1):
        run.decoder(s)


def start_warm_up(run: Run, index: NeighbourIndex | None, snapshot: int) -> threading.Thread:
    """Run :func:`warm_up` in a daemon thread (it never blocks the window, nor its exit); returns the thread."""
    thread = threading.Thread(target=warm_up, args=(run, index, snapshot), name="latent3d-warm-up", daemon=True)
    thread.start()
    return thread
