"""Nearest test codes at the snapshot shown, for whichever run the time model shows (one k-d tree per snapshot)."""

from __future__ import annotations

import numpy as np

from latent3d.analysis.explore import NeighbourIndex, ProbeCue
from latent3d.state.time import TimeModel

__all__ = ["Neighbours"]


class Neighbours:
    """Answers "which test codes are nearest here" at ``time``'s snapshot; the index follows its run.

    Parameters
    ----------
    time : TimeModel

    Notes
    -----
    The trees are built lazily, per snapshot asked for, and kept while the same codes are shown.
    """

    def __init__(self, time: TimeModel) -> None:
        self.time = time
        self._index: NeighbourIndex | None = None
        self._codes: np.ndarray | None = None
        time.events.run.connect(self._on_run)
        self._on_run(time.run)

    def _on_run(self, _run: object) -> None:
        run = self.time.run
        if run is None:
            self._index, self._codes = None, None
        elif run.codes is not self._codes:
            self._index, self._codes = NeighbourIndex(run.codes), run.codes

    @property
    def index(self) -> NeighbourIndex | None:
        """The index of the run shown (its trees cache per snapshot; the warm-up fills one ahead)."""
        return self._index

    @property
    def ready(self) -> bool:
        """Whether there is a run to search."""
        return self._index is not None

    def query(self, point: np.ndarray, k: int, exclude: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` test codes nearest ``point`` at the snapshot shown (indices, distances), nearest first."""
        assert self._index is not None, "no run is shown"
        return self._index.query(self.time.snapshot, point, k, exclude)

    def nearest(self, point: np.ndarray) -> tuple[int, float]:
        """Index of and distance to the test code nearest ``point`` at the snapshot shown."""
        idx, dist = self.query(point, 1)
        return int(idx[0]), float(dist[0])

    def probe_cue(self, point: np.ndarray) -> ProbeCue:
        """How far ``point`` lies from the data at the snapshot shown (nearest code, local density)."""
        assert self._index is not None, "no run is shown"
        return self._index.probe_cue(self.time.snapshot, point)

    def close(self) -> None:
        """Stop following the time model."""
        self.time.events.run.disconnect(self._on_run)
