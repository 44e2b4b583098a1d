"""The compare model: how snapshots are aligned, the second run compared with the first, and how it is drawn."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from psygnal import SignalGroupDescriptor

from latent3d.analysis.align import ALIGN_MODES, Similarity, alignment_of
from latent3d.analysis.compare import MIN_SHARED, Comparison, shared_images
from latent3d.state.model import Model, identical

if TYPE_CHECKING:
    from latent3d.runs import Run
    from latent3d.state.time import TimeModel

__all__ = ["CompareModel", "align_transform", "comparison_of", "drawn_codes", "to_snapshot_codes"]


def comparison_of(run: Run, other: Run) -> Comparison | None:
    """The comparison of ``other`` against ``run``, or None when they share too few test images."""
    n = shared_images(run.labels, other.labels)
    return Comparison(run.snapshot_epochs, other.snapshot_epochs, other.codes, n) if n >= MIN_SHARED else None



@dataclass(eq=False)
class CompareModel(Model):
    """Alignment of the playback and the run compared with.

    Attributes
    ----------
    align : {"none", "final", "previous"}
        Snapshots drawn as stored, aligned onto the final one, or chained onto the next.
    other : Run or None
        The second run, shown beside (or over) the first and aligned onto it; None when not comparing.
    overlay : bool
        Whether the second run is drawn as rings in the same view (else in a linked view beside it).

    Notes
    -----
    The first run is given by the viewer model through :meth:`limit_to`; :attr:`comparison` is
    rebuilt with every write of ``other``.
    """

    events: ClassVar[SignalGroupDescriptor] = SignalGroupDescriptor(equality_operators={"other": identical})

    align: str = "none"
    other: Run | None = None
    overlay: bool = False

    def __post_init__(self) -> None:
        self._first: Run | None = None
        self._comparison: Comparison | None = None
        super().__post_init__()
        self.events.other.connect(self._on_other, priority=50)  # after the viewer's rules, before any view

    def _on_other(self, run: Run | None) -> None:
        if run is None:
            self.overlay = False  # no rings of a run no longer compared

    @property
    def comparison(self) -> Comparison | None:
        """The maths of the comparison (matched positions, alignment, agreement), or None."""
        return self._comparison

    def _check_align(self, mode: str) -> str:
        if mode not in ALIGN_MODES:
            raise ValueError(f"Unknown alignment {mode!r}; use one of {', '.join(ALIGN_MODES)}.")
        return mode

    def _check_other(self, run: Run | None) -> Run | None:
        comparison = None
        if run is not None:
            if self._first is None:
                raise ValueError("Open a run before choosing one to compare with.")
            comparison = comparison_of(self._first, run)
            if comparison is None:
                n = shared_images(self._first.labels, run.labels)
                raise ValueError(f"Runs {self._first.name} and {run.name} share {n} test images; comparing them needs "
                                 f"at least {MIN_SHARED} of the same images (the same dataset).")
        if run is not self.other:
            self._comparison = comparison
        return run

    def _check_overlay(self, on: object) -> bool:
        return bool(on) and self.other is not None

    def rebase(self, first: Run | None, grown: bool = False) -> None:
        """A new first run (``grown``: the one shown, with more snapshots): rebuild or drop the comparison."""
        self._first = first
        if self.other is None:
            return
        comparison = None if first is None else comparison_of(first, self.other)
        if comparison is None or first is None:
            self.other = None
        elif self._comparison is not None and self._comparison.n == comparison.n:
            self._comparison = self._comparison.rebased(first.snapshot_epochs, same_first=grown)
        else:
            self._comparison = comparison


def drawn_codes(time: TimeModel, compare: CompareModel) -> np.ndarray | None:
    """The codes as drawn, ``[S, N, 3]``: the run's own, or aligned (cached per run); None without a run."""
    run = time.run
    return None if run is None else alignment_of(run.codes).codes(compare.align)


def align_transform(time: TimeModel, compare: CompareModel, mode: str | None = None) -> Similarity | None:
    """The shown snapshot's alignment (drawn = transform(own codes)) under ``mode`` (default the model's), or None."""
    run = time.run
    return None if run is None else alignment_of(run.codes).transform(mode or compare.align, time.snapshot)


def to_snapshot_codes(time: TimeModel, compare: CompareModel, points: Sequence[float] | np.ndarray,
                      mode: str | None = None) -> np.ndarray:
    """Drawn points (``[3]`` or ``[N, 3]``) in the shown snapshot's own code space: decode these, float32."""
    t = align_transform(time, compare, mode)
    return np.asarray(points, np.float32) if t is None else t.invert(np.asarray(points))


