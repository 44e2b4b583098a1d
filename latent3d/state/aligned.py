"""The alignment and comparison fields of ViewerState: snapshots aligned, a second run compared, their rules.

Kept apart from ``viewer_state`` to keep both short; :class:`~latent3d.state.viewer_state.ViewerState`
inherits these, so widgets see one state with ``state.align``, ``state.compare`` and their events.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from latent3d.analysis.align import ALIGN_MODES, Similarity, alignment_of
from latent3d.analysis.compare import MIN_SHARED, Comparison, shared_images
from latent3d.analysis.explore import colour_values
from latent3d.config.choices import COMPARE_COLOUR_MODES

if TYPE_CHECKING:
    from latent3d.runs import Run

__all__ = ["AlignCompare"]


def _comparison(run: Run, other: Run) -> Comparison | None:
    """The comparison of ``other`` against ``run``, or None when they share too few test images."""
    n = shared_images(run.labels, other.labels)
    return Comparison(run.snapshot_epochs, other.snapshot_epochs, other.codes, n) if n >= MIN_SHARED else None



class AlignCompare:
    """Alignment of the playback and the run compared with, as ViewerState fields (a mixin: no state of its own)."""

    events: Any
    _run: Run | None
    _color: str
    _align: str
    _compare: Run | None
    _comparison: Comparison | None
    _compare_overlay: bool
    _probe: tuple[float, float, float] | None
    probe: Any

    if TYPE_CHECKING:
        @property
        def snapshot(self) -> int:
            """Defined by ViewerState."""

    @property
    def align(self) -> str:
        """How snapshots are aligned: ``none``, onto the ``final`` one, or chained onto the next (``previous``)."""
        return self._align

    @align.setter
    def align(self, mode: str) -> None:
        if mode not in ALIGN_MODES:
            raise ValueError(f"Unknown alignment {mode!r}; use one of {', '.join(ALIGN_MODES)}.")
        if mode != self._align:
            # the probe stays on the same code of the snapshot, so it decodes the same image
            raw = None if self._probe is None else self.to_snapshot_codes(self._probe)
            self._align = mode
            self.events.align.emit(mode)
            if raw is not None:
                t = self.align_transform
                self.probe = raw if t is None else t.apply(raw)

    @property
    def drawn_codes(self) -> np.ndarray | None:
        """The codes as drawn, ``[S, N, 3]``: the run's own, or aligned (cached per run); None without a run."""
        return None if self._run is None else alignment_of(self._run.codes).codes(self._align)

    @property
    def align_transform(self) -> Similarity | None:
        """The shown snapshot's alignment (drawn = transform(own codes)), or None when alignment is off."""
        return None if self._run is None else alignment_of(self._run.codes).transform(self._align, self.snapshot)

    def to_snapshot_codes(self, points: Sequence[float] | np.ndarray) -> np.ndarray:
        """Drawn points (``[3]`` or ``[N, 3]``) in the shown snapshot's own code space: decode these, float32."""
        t = self.align_transform
        return np.asarray(points, np.float32) if t is None else t.invert(np.asarray(points))

    @property
    def compare(self) -> Run | None:
        """The second run shown beside (or over) the first, aligned onto it; None when not comparing."""
        return self._compare

    @property
    def comparison(self) -> Comparison | None:
        """The maths of the comparison (matched positions, alignment, agreement), or None."""
        return self._comparison

    def set_compare(self, run: Run | None) -> None:
        """Compare with ``run`` (or stop comparing).

        Raises
        ------
        ValueError
            One sentence when there is no first run or the two share fewer than 100 test images;
            the comparison shown before stays.
        """
        comparison = None
        if run is not None:
            if self._run is None:
                raise ValueError("Open a run before choosing one to compare with.")
            comparison = _comparison(self._run, run)
            if comparison is None:
                n = shared_images(self._run.labels, run.labels)
                raise ValueError(f"Runs {self._run.name} and {run.name} share {n} test images; comparing them needs "
                                 f"at least {MIN_SHARED} of the same images (the same dataset).")
        if run is None and self._color in COMPARE_COLOUR_MODES:
            self._color = "class"  # the rule: a comparison colour needs a comparison
            self.events.color.emit("class")
        if run is None and self._compare_overlay:
            self._compare_overlay = False
            self.events.compare_overlay.emit(False)
        if run is not self._compare:
            self._compare, self._comparison = run, comparison
            self.events.compare.emit(run)

    @property
    def compare_overlay(self) -> bool:
        """Whether the second run is drawn as rings in the same view (else in a linked view beside it)."""
        return self._compare_overlay

    @compare_overlay.setter
    def compare_overlay(self, on: bool) -> None:
        on = bool(on) and self._compare is not None
        if on != self._compare_overlay:
            self._compare_overlay = on
            self.events.compare_overlay.emit(on)

    def colour_values(self) -> np.ndarray | None:
        """The scalar each point is coloured by at the shown snapshot (float32 ``[N]``), None for class colours."""
        run = self._run
        if run is None or self._color == "class":
            return None
        if self._color in COMPARE_COLOUR_MODES:
            drawn = self.drawn_codes
            assert self._comparison is not None and drawn is not None  # the colour setter's rule
            return self._comparison.colour_values(self._color, drawn, run.codes, self.snapshot)
        return colour_values(self._color, self.snapshot, run.codes, run.test_bce, steps=run.steps)

    def _recompare(self, run: Run | None, grown: bool = False) -> None:
        """A new first run (``grown``: the one shown, with more snapshots): rebuild or drop the comparison."""
        if self._compare is None:
            return
        comparison = None if run is None else _comparison(run, self._compare)
        if comparison is None or run is None:
            self.set_compare(None)
        elif self._comparison is not None and self._comparison.n == comparison.n:
            self._comparison = self._comparison.rebased(run.snapshot_epochs, same_first=grown)
        else:
            self._comparison = comparison
