"""The pick model: the selected test image, the A->B path and the free-roam probe."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np
from psygnal import SignalGroupDescriptor

from latent3d.state.model import Model
from latent3d.state.values import PathState

__all__ = ["PATH_SAMPLES", "PickModel", "check_index"]

PATH_SAMPLES = (2, 40)


def check_index(index: Any, n: int, what: str) -> int:
    """``index`` as an int if it names one of ``n`` test images, else ValueError in one sentence."""
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= int(index) < n:
        raise ValueError(f"{what} must be a test-image index from 0 to {n - 1}, not {index!r}.")
    return int(index)


@dataclass(eq=False)
class PickModel(Model):
    """What the user picked.

    Attributes
    ----------
    selected : int or None
        The selected test image (never one of a hidden class).
    path : PathState or None
        The A->B path (two different images, ``t`` in [0, 1], 2-40 samples).
    probe : tuple of 3 floats or None
        The free-roam probe's position in drawn coordinates; None when free roam is off.

    Notes
    -----
    The images a pick may name (the run's labels, the hidden classes) are given by the viewer model
    through :meth:`limit_to`; a bare model accepts no index.
    """

    events: ClassVar[SignalGroupDescriptor] = SignalGroupDescriptor()

    selected: int | None = None
    path: PathState | None = None
    probe: tuple[float, float, float] | None = None

    def __post_init__(self) -> None:
        self._labels: np.ndarray = np.zeros(0, np.int64)
        self._hidden: frozenset[int] = frozenset()
        super().__post_init__()

    def limit_to(self, labels: np.ndarray | None, hidden: frozenset[int]) -> None:
        """The test images that may be picked: those of ``labels`` whose class is not in ``hidden``."""
        self._labels = np.zeros(0, np.int64) if labels is None else labels
        self._hidden = hidden

    def _check_selected(self, index: Any) -> int | None:
        if index is None:
            return None
        index = check_index(index, len(self._labels), "selected")
        if int(self._labels[index]) in self._hidden:
            raise ValueError(f"Test image {index} belongs to a hidden class and cannot be selected.")
        return index

    def _check_path(self, path: PathState | None) -> PathState | None:
        if path is None:
            return None
        n = len(self._labels)
        a, b = check_index(path.a, n, "path A"), check_index(path.b, n, "path B")
        if a == b:
            raise ValueError("A path needs two different test images.")
        t = float(path.t) if math.isfinite(float(path.t)) else 0.5
        samples = min(max(int(path.samples), PATH_SAMPLES[0]), PATH_SAMPLES[1])
        return PathState(a, b, min(max(t, 0.0), 1.0), samples)

    def _check_probe(self, position: Sequence[float] | np.ndarray | None) -> tuple[float, float, float] | None:
        if position is None:
            return None
        p = tuple(float(v) for v in np.asarray(position, np.float64).reshape(-1))
        if len(p) != 3 or not all(math.isfinite(v) for v in p):
            raise ValueError("The probe position must be 3 finite numbers.")
        return (p[0], p[1], p[2])

    def clear_selection(self) -> None:
        """What Escape does: no selected image, and free roam left (no probe); the path A->B stays."""
        self.selected = None
        self.probe = None

    def set_path_t(self, t: float) -> None:
        """Move the path's marker to fraction ``t`` (0 = A, 1 = B)."""
        if self.path is not None:
            self.path = replace(self.path, t=t)

    def set_path_samples(self, samples: int) -> None:
        """Decode ``samples`` images along the path."""
        if self.path is not None:
            self.path = replace(self.path, samples=samples)
